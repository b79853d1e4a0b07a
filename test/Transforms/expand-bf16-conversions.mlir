// RUN: kernelforge-opt %s --kf-expand-bf16-conversions | FileCheck %s

// Rounding to bf16 (a KV cache row) and widening from it become integer
// operations: no arith.truncf / arith.extf on bf16 is left for LLVM to turn
// into a compiler-rt call. Other conversions stay.
// CHECK-LABEL: func.func @round_and_widen
// CHECK-NOT: arith.truncf {{.*}}bf16
// CHECK-NOT: arith.extf {{.*}}bf16
// CHECK: arith.bitcast %{{.+}} : vector<64xf32> to vector<64xi32>
// CHECK: arith.shrui
// CHECK: arith.trunci %{{.+}} : vector<64xi32> to vector<64xi16>
// CHECK: arith.bitcast %{{.+}} : vector<64xi16> to vector<64xbf16>
// CHECK: arith.extui %{{.+}} : vector<64xi16> to vector<64xi32>
// CHECK: arith.shli
// CHECK: arith.truncf %{{.+}} : vector<64xf32> to vector<64xf16>
func.func @round_and_widen(%x: vector<64xf32>, %w: vector<64xbf16>) -> (vector<64xbf16>, vector<64xf32>, vector<64xf16>) {
  %r = arith.truncf %x : vector<64xf32> to vector<64xbf16>
  %e = arith.extf %w : vector<64xbf16> to vector<64xf32>
  %h = arith.truncf %x : vector<64xf32> to vector<64xf16>
  return %r, %e, %h : vector<64xbf16>, vector<64xf32>, vector<64xf16>
}
