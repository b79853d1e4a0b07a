// RUN: kernelforge-opt %s --convert-kf-to-linalg --split-input-file | FileCheck %s

// CHECK-DAG: #[[$ID2:.+]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func.func @gelu_tanh
// CHECK-SAME: (%[[X:.+]]: tensor<4x8xf32>)
// CHECK: %[[EMPTY:.+]] = tensor.empty() : tensor<4x8xf32>
// CHECK: linalg.generic {indexing_maps = [#[[$ID2]], #[[$ID2]]], iterator_types = ["parallel", "parallel"]}
// CHECK-SAME: ins(%[[X]] : tensor<4x8xf32>) outs(%[[EMPTY]] : tensor<4x8xf32>)
// CHECK: arith.constant 4.471500e-02
// CHECK: math.tanh
// CHECK-NOT: kf.
func.func @gelu_tanh(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %y = kf.gelu %x tanh : tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

// CHECK-LABEL: func.func @gelu_erf
// CHECK: linalg.generic
// CHECK: math.erf
func.func @gelu_erf(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %y = kf.gelu %x erf : tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

// SiLU is x / (1 + exp(-x)); SwiGLU multiplies it by `up` in the same body.
// CHECK-LABEL: func.func @swiglu
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel"]
// CHECK-SAME: ins(%{{.+}}, %{{.+}} : tensor<4x8xf32>, tensor<4x8xf32>)
// CHECK: ^bb0(%[[G:.+]]: f32, %[[U:.+]]: f32, %{{.+}}: f32):
// CHECK: %[[NEG:.+]] = arith.negf %[[G]]
// CHECK: math.exp %[[NEG]]
// CHECK: %[[SILU:.+]] = arith.divf %[[G]]
// CHECK: %[[Y:.+]] = arith.mulf %[[SILU]], %[[U]]
// CHECK: linalg.yield %[[Y]]
func.func @swiglu(%g: tensor<4x8xf32>, %u: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %y = kf.swiglu %g, %u : tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

// Broadcasting lives in the maps: a size-1 dimension reads index 0, a
// missing leading dimension is not read at all.
// CHECK-DAG: #[[$ID3:.+]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[$BCAST:.+]] = affine_map<(d0, d1, d2) -> (d1, 0)>
// CHECK-LABEL: func.func @add_broadcast
// CHECK: linalg.generic {indexing_maps = [#[[$ID3]], #[[$BCAST]], #[[$ID3]]], iterator_types = ["parallel", "parallel", "parallel"]}
// CHECK: arith.addf
func.func @add_broadcast(%x: tensor<2x4x8xf32>, %b: tensor<4x1xf32>) -> tensor<2x4x8xf32> {
  %y = kf.add %x, %b : tensor<2x4x8xf32>, tensor<4x1xf32>
  return %y : tensor<2x4x8xf32>
}

// -----

// CHECK-DAG: #[[$LHS:.+]] = affine_map<(d0, d1) -> (0, d1)>
// CHECK-DAG: #[[$RHS:.+]] = affine_map<(d0, d1) -> (d0, 0)>
// CHECK-LABEL: func.func @mul_outer
// CHECK: linalg.generic {indexing_maps = [#[[$LHS]], #[[$RHS]], #{{.+}}]
// CHECK: arith.mulf
func.func @mul_outer(%x: tensor<1x8xf32>, %y: tensor<3x1xf32>) -> tensor<3x8xf32> {
  %z = kf.mul %x, %y : tensor<1x8xf32>, tensor<3x1xf32>
  return %z : tensor<3x8xf32>
}

// -----

// f16 operands are widened to f32 for the arithmetic and narrowed back.
// CHECK-LABEL: func.func @silu_f16
// CHECK: ^bb0(%[[IN:.+]]: f16, %{{.+}}: f16):
// CHECK: %[[W:.+]] = arith.extf %[[IN]] : f16 to f32
// CHECK: math.exp
// CHECK: %[[N:.+]] = arith.truncf %{{.+}} : f32 to f16
// CHECK: linalg.yield %[[N]] : f16
func.func @silu_f16(%x: tensor<4x8xf16>) -> tensor<4x8xf16> {
  %y = kf.silu %x : tensor<4x8xf16>
  return %y : tensor<4x8xf16>
}
