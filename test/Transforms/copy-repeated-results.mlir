// RUN: kernelforge-opt %s --kf-copy-repeated-results | FileCheck %s

// The second and third time a tensor is returned, a copy is returned.
// CHECK-LABEL: func.func @twice
// CHECK: %[[V:.+]] = kf.silu
// CHECK: %[[E1:.+]] = tensor.empty() : tensor<4x3xf32>
// CHECK: %[[C1:.+]] = linalg.copy ins(%[[V]] : tensor<4x3xf32>) outs(%[[E1]] : tensor<4x3xf32>)
// CHECK: %[[E2:.+]] = tensor.empty() : tensor<4x3xf32>
// CHECK: %[[C2:.+]] = linalg.copy ins(%[[V]] : tensor<4x3xf32>) outs(%[[E2]] : tensor<4x3xf32>)
// CHECK: return %[[V]], %{{.+}}, %[[C1]], %[[C2]]
func.func @twice(%x: tensor<4x3xf32>, %y: tensor<4x3xf32>)
    -> (tensor<4x3xf32>, tensor<4x3xf32>, tensor<4x3xf32>, tensor<4x3xf32>) {
  %0 = kf.silu %x : tensor<4x3xf32>
  %1 = kf.silu %y : tensor<4x3xf32>
  return %0, %1, %0, %0 : tensor<4x3xf32>, tensor<4x3xf32>, tensor<4x3xf32>, tensor<4x3xf32>
}

// Dynamic sizes come from the value; an argument returned twice is copied too.
// CHECK-LABEL: func.func @argument
// CHECK: %[[D:.+]] = tensor.dim %[[X:.+]], %c0
// CHECK: %[[E:.+]] = tensor.empty(%[[D]]) : tensor<?x8xf32>
// CHECK: %[[C:.+]] = linalg.copy ins(%[[X]] : tensor<?x8xf32>) outs(%[[E]] : tensor<?x8xf32>)
// CHECK: return %[[X]], %[[C]]
func.func @argument(%x: tensor<?x8xf32>) -> (tensor<?x8xf32>, tensor<?x8xf32>) {
  return %x, %x : tensor<?x8xf32>, tensor<?x8xf32>
}

// Distinct results are left alone.
// CHECK-LABEL: func.func @distinct
// CHECK-NOT: linalg.copy
// CHECK: return
func.func @distinct(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %0 = kf.silu %x : tensor<4xf32>
  return %x, %0 : tensor<4xf32>, tensor<4xf32>
}
