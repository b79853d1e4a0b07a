// The target model and the schedule kf-cpu-target derives from it, for
// CPUs given by LLVM name (caches are per-family defaults off the host).
// RUN: kernelforge-opt %s --kf-cpu-target="triple=x86_64-unknown-linux-gnu cpu=znver3 cores=2" | FileCheck %s --check-prefix=ZEN3
// RUN: kernelforge-opt %s --kf-cpu-target="triple=x86_64-unknown-linux-gnu cpu=skylake-avx512 cores=2" | FileCheck %s --check-prefix=SKX
// RUN: kernelforge-opt %s --kf-cpu-target="triple=x86_64-unknown-linux-gnu cpu=znver4 cores=16" | FileCheck %s --check-prefix=ZEN4
// RUN: kernelforge-opt %s --kf-cpu-target="triple=aarch64-unknown-linux-gnu cpu=neoverse-n1 cores=2" | FileCheck %s --check-prefix=N1
// RUN: kernelforge-opt %s --kf-cpu-target="triple=x86_64-unknown-linux-gnu cpu=skylake-avx512 features=-avx512f cores=2" | FileCheck %s --check-prefix=NO512
// RUN: kernelforge-opt %s --kf-cpu-target="triple=x86_64-unknown-linux-gnu cpu=x86-64 cores=2" | FileCheck %s --check-prefix=SSE
// RUN: kernelforge-opt %s --kf-cpu-target="triple=x86_64-unknown-linux-gnu cpu=znver3 cores=2 register-rows=4 k-tile=64 pack-weights=true split-reduction=false" | FileCheck %s --check-prefix=OVERRIDE
// RUN: kernelforge-opt %s --kf-cpu-target="triple=x86_64-unknown-linux-gnu cpu=znver4 cores=2 pack-weights=true" | FileCheck %s --check-prefix=PACK
// The host: whatever it is, a target and a schedule are recorded.
// RUN: kernelforge-opt %s --kf-cpu-target | FileCheck %s --check-prefix=HOST

// AVX2, 16 ymm registers: 6 x 16 (12 accumulators, 2 weight vectors, 1 broadcast).
// ZEN3: module attributes {
// ZEN3-SAME: kf.schedule = {attention_tiles = array<i64: 64, 64>, columns_outer = false, decode_key_tile = 16 : i64, k_tile = 256 : i64, min_parallel_blocks = 4 : i64, pack_min_rows = 0 : i64, pack_weights = true, register_tile = array<i64: 6, 16>, split_reduction = true, thread_tile = 256 : i64, vector_width = 8 : i64}
// ZEN3-SAME: kf.target = {caches = "default", cores = 2 : i64, cpu = "znver3", fma = true, l1d = 32768 : i64, l2 = 524288 : i64, l3 = 8388608 : i64, triple = "x86_64-unknown-linux-gnu", vector_bits = 256 : i64, vector_registers = 16 : i64}

// AVX-512, 32 zmm registers: 8 x 32; prefill's weights packed from 128
// rows on (16 register tiles).
// SKX: kf.schedule = {{{.*}}register_tile = array<i64: 8, 32>{{.*}}vector_width = 16 : i64}
// SKX-SAME: kf.target = {caches = {{.*}}cpu = "skylake-avx512", fma = true, l1d = 32768 : i64, l2 = 1048576 : i64{{.*}}vector_bits = 512 : i64, vector_registers = 32 : i64}
// ZEN4: kf.schedule = {{{.*}}min_parallel_blocks = 32 : i64, pack_min_rows = 128 : i64, pack_weights = true, register_tile = array<i64: 8, 32>{{.*}}vector_width = 16 : i64}
// Zen 4 has AVX-512 BF16's pair dot product (bf16-products uses it);
// Skylake-X (above) and AVX2 do not, and say nothing of it.
// ZEN4-SAME: kf.target = {bf16_dot = true, caches = "default", cores = 16 : i64, cpu = "znver4"{{.*}}vector_bits = 512 : i64, vector_registers = 32 : i64}

// NEON, 32 registers of 4 floats: 8 x 8 (16 accumulators; 3-vector rows spill).
// N1: kf.schedule = {{{.*}}register_tile = array<i64: 8, 8>{{.*}}vector_width = 4 : i64}
// N1-SAME: kf.target = {{{.*}}cpu = "neoverse-n1", fma = true, l1d = 65536 : i64{{.*}}triple = "aarch64-unknown-linux-gnu", vector_bits = 128 : i64, vector_registers = 32 : i64}

// Features the CPU has can be taken away.
// NO512: register_tile = array<i64: 6, 16>{{.*}}vector_width = 8 : i64}
// NO512-SAME: vector_bits = 256 : i64, vector_registers = 16 : i64}

// Baseline x86-64: SSE2, 4-float vectors, no FMA.
// SSE: register_tile = array<i64: 6, 8>{{.*}}vector_width = 4 : i64}
// SSE-SAME: fma = false{{.*}}vector_bits = 128 : i64, vector_registers = 16 : i64}

// OVERRIDE: k_tile = 64 : i64{{.*}}pack_weights = true, register_tile = array<i64: 4, 16>, split_reduction = false

// Asked for, panels are made from the planner's least rows on.
// PACK: pack_min_rows = 0 : i64, pack_weights = true, register_tile = array<i64: 8, 32>

// HOST: kf.schedule = {{{.*}}register_tile = array<i64: [[ROWS:[0-9]+]], [[COLS:[0-9]+]]>
// HOST-SAME: kf.target = {{.}}{{(bf16_dot = true, )?}}caches = "{{host|default}}"
module {
  func.func @f() {
    return
  }
}
