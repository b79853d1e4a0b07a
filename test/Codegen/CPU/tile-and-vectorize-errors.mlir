// RUN: kernelforge-opt %s --pass-pipeline="builtin.module(func.func(kf-tile-and-vectorize{vector-width=16 register-cols=24}))" --verify-diagnostics
// RUN: not kernelforge-opt %s --pass-pipeline="builtin.module(func.func(kf-tile-and-vectorize{vector-width=-1}))" 2>&1 | FileCheck %s --check-prefix=WIDTH

// RUN: not kernelforge-opt %s --kf-cpu-pipeline="target-triple=x86_64-unknown-linux-gnu target-cpu=znver3 register-cols=24" 2>&1 | FileCheck %s --check-prefix=THREE

// WIDTH: error: kf-tile-and-vectorize: tile sizes and vector-width must be positive (0: the schedule's)
// Three AVX2 vectors, asked for through the pipeline's options.
// THREE: error: kf-tile-and-vectorize: register-cols 24 must be vector-width 8 times a power of two (8, 16, 32, ...): other widths are lowered through shuffles

// expected-error @+1 {{kf-tile-and-vectorize: register-cols 24 must be vector-width 16 times a power of two (16, 32, 64, ...): other widths are lowered through shuffles}}
func.func @f() {
  return
}
