// RUN: kernelforge-opt %s --pass-pipeline="builtin.module(func.func(kf-tile-and-vectorize{vector-width=16 register-cols=24}))" --verify-diagnostics
// RUN: not kernelforge-opt %s --pass-pipeline="builtin.module(func.func(kf-tile-and-vectorize{vector-width=-1}))" 2>&1 | FileCheck %s --check-prefix=WIDTH

// WIDTH: error: kf-tile-and-vectorize: tile sizes and vector-width must be positive (0: the schedule's)

// expected-error @+1 {{kf-tile-and-vectorize: register-cols 24 must be a multiple of vector-width 16}}
func.func @f() {
  return
}
