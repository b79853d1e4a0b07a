// Every kernel of the GPT-2 graphs compiles to PTX for the chip asked for,
// with the structure the GPU lowering promises: row reductions with warp
// shuffles (a layer norm is one kernel with two block reductions, each a
// 5-step butterfly and a barrier), matrix products tiled through workgroup
// memory between barriers, fused attention (5-step max and sum butterflies).
// Needs neither a GPU nor the CUDA toolkit (gpt2-ptxas.mlir assembles the
// same PTX with ptxas).
// RUN: kernelforge-compile %kf_src_root/models/gpt2/gpt2-makemore.mlir --target=cuda --emit=ptx -o %t.sm90.ptx
// RUN: %python %kf_py/ptxas_check.py %t.sm90.ptx --arch sm_90 --structure-only | FileCheck %s --check-prefixes=CHECK,SM90
// RUN: kernelforge-compile %kf_src_root/models/gpt2/gpt2-makemore.mlir --target=cuda --emit=ptx --pipeline-options="chip=sm_80 features=+ptx70" -o %t.sm80.ptx
// RUN: %python %kf_py/ptxas_check.py %t.sm80.ptx --arch sm_80 --structure-only | FileCheck %s --check-prefixes=CHECK,SM80
// A module for another chip is refused.
// RUN: not %python %kf_py/ptxas_check.py %t.sm80.ptx --arch sm_90 --structure-only | FileCheck %s --check-prefix=WRONG
// The GPT-2 124M generation graph (what `kernelforge-gpt2 --device cuda`
// compiles): prefill at 64 tokens and decode, with its one-row mat-vec
// kernels (warp shuffles for the tied head and QK^T, workgroup-memory
// partials for the [in, out] weights).
// RUN: kernelforge-gpt2-graph %kf_src_root/models/gpt2/configs/gpt2.json --generation --seq 64 -o %t.124m.mlir
// RUN: kernelforge-compile %t.124m.mlir --target=cuda --emit=ptx -o %t.124m.ptx
// RUN: FileCheck %s --check-prefix=PTX < %t.124m.ptx
// RUN: %python %kf_py/ptxas_check.py %t.124m.ptx --arch sm_90 --structure-only | FileCheck %s --check-prefixes=CHECK,SM90,GEN

// CHECK-DAG: reduction, 10 shuffles, shared memory, 2 barriers
// CHECK-DAG: reduction, 10 shuffles, shared memory, 3 barriers
// CHECK-DAG: tiled, 0 shuffles, shared memory, 2 barriers
// GEN-DAG: decode_kernel{{.*}}: reduction, 5 shuffles, no shared memory, 0 barriers
// GEN-DAG: decode_kernel{{.*}}: tiled, 0 shuffles, shared memory, 1 barriers
// SM90: kernels in one module read (structure only) for sm_90, {{[1-9][0-9]*}} with warp-shuffle reductions, {{[1-9][0-9]*}} tiled through workgroup memory: ok
// SM80: kernels in one module read (structure only) for sm_80, {{[1-9][0-9]*}} with warp-shuffle reductions, {{[1-9][0-9]*}} tiled through workgroup memory: ok
// WRONG: targets sm_80, not sm_90
// WRONG: : FAILED

// The products accumulate with fused multiply-adds; the butterfly is a
// 5-step xor shuffle across the warp.
// PTX: .version 8.0
// PTX: .target sm_90
// PTX: fma.rn.f32
// PTX: shfl.sync.bfly.b32 {{.*}}, 1, 31, -1;
// PTX: shfl.sync.bfly.b32 {{.*}}, 16, 31, -1;
