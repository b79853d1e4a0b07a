// RUN: kernelforge-opt %s --canonicalize --split-input-file | FileCheck %s

// CHECK-LABEL: func @add_zero
// CHECK-SAME: (%[[X:.+]]: tensor<4x8xf32>)
// CHECK-NEXT: return %[[X]]
func.func @add_zero(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %zero = arith.constant dense<0.0> : tensor<8xf32>
  %0 = kf.add %zero, %x : tensor<8xf32>, tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

// CHECK-LABEL: func @mul_one
// CHECK-SAME: (%[[X:.+]]: tensor<4x8xf32>)
// CHECK-NEXT: return %[[X]]
func.func @mul_one(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %one = arith.constant dense<1.0> : tensor<4x8xf32>
  %0 = kf.mul %x, %one : tensor<4x8xf32>, tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

// Adding zero does not fold when the zero broadcasts the result to a larger shape.
// CHECK-LABEL: func @negative_add_zero_broadcasting
// CHECK: kf.add
func.func @negative_add_zero_broadcasting(%x: tensor<8xf32>) -> tensor<4x8xf32> {
  %zero = arith.constant dense<0.0> : tensor<4x8xf32>
  %0 = kf.add %x, %zero : tensor<8xf32>, tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

// CHECK-LABEL: func @negative_mul_two
// CHECK: kf.mul
func.func @negative_mul_two(%x: tensor<4xf32>) -> tensor<4xf32> {
  %two = arith.constant dense<2.0> : tensor<4xf32>
  %0 = kf.mul %x, %two : tensor<4xf32>, tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// (a + b) * b = [4, 7] * [3, 5] = [12, 35]
// CHECK-LABEL: func @constant_fold
// CHECK-NEXT: %[[C:.+]] = arith.constant dense<[1.200000e+01, 3.500000e+01]> : tensor<2xf32>
// CHECK-NEXT: return %[[C]]
func.func @constant_fold() -> tensor<2xf32> {
  %a = arith.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %b = arith.constant dense<[3.0, 5.0]> : tensor<2xf32>
  %s = kf.add %a, %b : tensor<2xf32>, tensor<2xf32>
  %q = kf.mul %s, %b : tensor<2xf32>, tensor<2xf32>
  return %q : tensor<2xf32>
}

// -----

// CHECK-LABEL: func @split_merge_round_trip
// CHECK-SAME: (%[[X:.+]]: tensor<1x16x64xf32>, %[[H:.+]]: tensor<1x4x16x16xf32>)
// CHECK-NEXT: return %[[X]], %[[H]]
func.func @split_merge_round_trip(%x: tensor<1x16x64xf32>, %h: tensor<1x4x16x16xf32>)
    -> (tensor<1x16x64xf32>, tensor<1x4x16x16xf32>) {
  %0 = kf.split_heads %x {num_heads = 4} : tensor<1x16x64xf32> -> tensor<1x4x16x16xf32>
  %1 = kf.merge_heads %0 : tensor<1x4x16x16xf32> -> tensor<1x16x64xf32>
  %2 = kf.merge_heads %h : tensor<1x4x16x16xf32> -> tensor<1x16x64xf32>
  %3 = kf.split_heads %2 {num_heads = 4} : tensor<1x16x64xf32> -> tensor<1x4x16x16xf32>
  return %1, %3 : tensor<1x16x64xf32>, tensor<1x4x16x16xf32>
}

// -----

// Regrouping 4 heads of 16 into 8 heads of 8 is a real reshuffle.
// CHECK-LABEL: func @negative_merge_split_regroup
// CHECK: kf.merge_heads
// CHECK: kf.split_heads
func.func @negative_merge_split_regroup(%h: tensor<1x4x16x16xf32>) -> tensor<1x8x16x8xf32> {
  %0 = kf.merge_heads %h : tensor<1x4x16x16xf32> -> tensor<1x16x64xf32>
  %1 = kf.split_heads %0 {num_heads = 8} : tensor<1x16x64xf32> -> tensor<1x8x16x8xf32>
  return %1 : tensor<1x8x16x8xf32>
}

// -----

// CHECK-LABEL: func @linear_zero_bias
// CHECK: kf.linear %{{.*}}, %{{.*}} layout(in_out) : tensor<2x64xf32>, tensor<64x8xf32> -> tensor<2x8xf32>
func.func @linear_zero_bias(%x: tensor<2x64xf32>, %w: tensor<64x8xf32>) -> tensor<2x8xf32> {
  %zero = arith.constant dense<0.0> : tensor<8xf32>
  %0 = kf.linear %x, %w, %zero layout(in_out) : tensor<2x64xf32>, tensor<64x8xf32>, tensor<8xf32> -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}

// -----

// CHECK-LABEL: func @negative_linear_nonzero_bias
// CHECK: kf.linear %{{.*}}, %{{.*}}, %{{.*}} layout(in_out)
func.func @negative_linear_nonzero_bias(%x: tensor<2x64xf32>, %w: tensor<64x8xf32>) -> tensor<2x8xf32> {
  %b = arith.constant dense<0.5> : tensor<8xf32>
  %0 = kf.linear %x, %w, %b layout(in_out) : tensor<2x64xf32>, tensor<64x8xf32>, tensor<8xf32> -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}
