// The contraction microkernel compiled for three CPUs: the schedule follows
// each target and its loops keep every accumulator in registers. The
// assembly marks spills and reloads (as llc does); no vector register is
// spilled in the parallel loop bodies (the `..omp_par` functions; the C
// interface wrapper around them saves descriptors across its call, which
// is not a loop). The old AVX-512 tile (8 x 32) on AVX2 is the negative
// control: it spills.
//
// znver3 (AVX2, 16 ymm): 6 x 16 tiles, FMAs on ymm.
// RUN: kernelforge-compile %s --mcpu=znver3 --emit=linalg -o - | FileCheck %s --check-prefix=ZEN3-IR
// RUN: kernelforge-compile %s --mcpu=znver3 --emit=asm -o %t.znver3.s
// RUN: FileCheck %s --check-prefix=ZEN3 < %t.znver3.s
// RUN: awk '/^[a-zA-Z_][^:]*:/{on = ($0 ~ /omp_par/)} on' %t.znver3.s > %t.znver3.loops.s
// RUN: grep -c vfmadd231ps %t.znver3.loops.s
// RUN: not grep -E "%[xyz]mm.*(Spill|Reload)" %t.znver3.loops.s
//
// skylake-avx512 (32 zmm): 8 x 32 tiles, FMAs on zmm.
// RUN: kernelforge-compile %s --mcpu=skylake-avx512 --emit=linalg -o - | FileCheck %s --check-prefix=SKX-IR
// RUN: kernelforge-compile %s --mcpu=skylake-avx512 --emit=asm -o %t.skx.s
// RUN: FileCheck %s --check-prefix=SKX < %t.skx.s
// RUN: awk '/^[a-zA-Z_][^:]*:/{on = ($0 ~ /omp_par/)} on' %t.skx.s > %t.skx.loops.s
// RUN: grep -c vfmadd231ps %t.skx.loops.s
// RUN: not grep -E "%[xyz]mm.*(Spill|Reload)" %t.skx.loops.s
//
// neoverse-n1 (AArch64 NEON, 32 registers of 4 floats), cross-compiled:
// 8 x 8 tiles, fmla on .4s.
// RUN: kernelforge-compile %s --mtriple=aarch64-unknown-linux-gnu --mcpu=neoverse-n1 --emit=linalg -o - | FileCheck %s --check-prefix=N1-IR
// RUN: kernelforge-compile %s --mtriple=aarch64-unknown-linux-gnu --mcpu=neoverse-n1 --emit=asm -o %t.n1.s
// RUN: FileCheck %s --check-prefix=N1 < %t.n1.s
// RUN: awk '/^[a-zA-Z_][^:]*:/{on = ($0 ~ /omp_par/)} on' %t.n1.s > %t.n1.loops.s
// RUN: grep -c fmla %t.n1.loops.s
// The callee-saved d8-d15 are saved in the prologue (stp d..), not spilled.
// RUN: not grep -E "[[:space:]][qv][0-9]+.*(Spill|Reload)" %t.n1.loops.s
// RUN: not kernelforge-compile %s --mtriple=aarch64-unknown-linux-gnu --mcpu=neoverse-n1 -o %t.so 2>&1 | FileCheck %s --check-prefix=CROSS-SO
//
// The CPU named as a pipeline option (as kernelforge-bench and the runners'
// --pipeline-options pass it) is the one the code is generated for too, not
// only the one the schedule is derived for.
// RUN: kernelforge-compile %s --pipeline-options="target-cpu=znver3" --emit=asm -o %t.option-znver3.s
// RUN: FileCheck %s --check-prefix=ZEN3 < %t.option-znver3.s
// RUN: kernelforge-compile %s --pipeline-options="target-cpu=skylake-avx512" --emit=asm -o %t.option-skx.s
// RUN: FileCheck %s --check-prefix=SKX < %t.option-skx.s
//
// Negative control: 8 x 32 on AVX2 needs 32 accumulators of 16 registers.
// RUN: kernelforge-compile %s --mcpu=znver3 --pipeline-options="register-rows=8 register-cols=32" --emit=asm -o %t.spill.s
// RUN: awk '/^[a-zA-Z_][^:]*:/{on = ($0 ~ /omp_par/)} on' %t.spill.s | grep -c -E "%[xyz]mm.*(Spill|Reload)" | FileCheck %s --check-prefix=SPILLS

// ZEN3-IR: kf.schedule = {{{.*}}register_tile = array<i64: 6, 16>{{.*}}vector_width = 8 : i64}
// ZEN3-IR-SAME: kf.target = {{{.*}}cpu = "znver3"{{.*}}vector_bits = 256
// ZEN3: vfmadd231ps {{.*}}%ymm
// ZEN3-NOT: %zmm

// SKX-IR: kf.schedule = {{{.*}}register_tile = array<i64: 8, 32>{{.*}}vector_width = 16 : i64}
// SKX-IR-SAME: cpu = "skylake-avx512"
// SKX: vfmadd231ps {{.*}}%zmm

// N1-IR: kf.schedule = {{{.*}}register_tile = array<i64: 8, 8>{{.*}}vector_width = 4 : i64}
// N1-IR-SAME: cpu = "neoverse-n1"
// N1: fmla v{{[0-9]+}}.4s

// CROSS-SO: error: cannot link a shared library for aarch64-unknown-linux-gnu on this machine; cross-compiled code is written with --emit=obj or --emit=asm

// SPILLS: {{^[1-9][0-9]*$}}

func.func @linear(%x: tensor<48x768xf32>, %w: tensor<768x768xf32>, %b: tensor<768xf32>) -> tensor<48x768xf32> {
  %y = kf.linear %x, %w, %b layout(in_out) : tensor<48x768xf32>, tensor<768x768xf32>, tensor<768xf32> -> tensor<48x768xf32>
  return %y : tensor<48x768xf32>
}
