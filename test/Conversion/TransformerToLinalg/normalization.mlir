// RUN: kernelforge-opt %s --convert-kf-to-linalg --split-input-file | FileCheck %s

// Layer norm: a sum over the last dimension, the mean, a second reduction of
// squared deviations, then one parallel generic reading the statistics
// through row maps and scale/bias through feature maps.
// CHECK-DAG: #[[$ID:.+]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[$ROW:.+]] = affine_map<(d0, d1) -> (d0)>
// CHECK-DAG: #[[$FEATURE:.+]] = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @layer_norm
// CHECK-SAME: (%[[X:.+]]: tensor<3x8xf32>, %[[G:.+]]: tensor<8xf32>, %[[B:.+]]: tensor<8xf32>)
// CHECK: %[[SUM:.+]] = linalg.generic {indexing_maps = [#[[$ID]], #[[$ROW]]], iterator_types = ["parallel", "reduction"]} ins(%[[X]] : tensor<3x8xf32>)
// The mean is not an op of its own: each consumer scales the sum by 1/8.
// CHECK-NOT: ins(%[[SUM]] : tensor<3xf32>)
// CHECK: %[[VAR:.+]] = linalg.generic {indexing_maps = [#[[$ID]], #[[$ROW]], #[[$ROW]]], iterator_types = ["parallel", "reduction"]} ins(%[[X]], %[[SUM]] : tensor<3x8xf32>, tensor<3xf32>)
// CHECK: ^bb0(%[[XV:.+]]: f32, %[[S:.+]]: f32, %{{.+}}: f32)
// CHECK: %[[MEAN:.+]] = arith.mulf %[[S]], %{{.+}} : f32
// CHECK: %[[D:.+]] = arith.subf %[[XV]], %[[MEAN]]
// CHECK: arith.mulf %[[D]], %[[D]]
// CHECK: arith.addf
// CHECK: linalg.generic {indexing_maps = [#[[$ID]], #[[$ROW]], #[[$ROW]], #[[$FEATURE]], #[[$FEATURE]], #[[$ID]]], iterator_types = ["parallel", "parallel"]}
// CHECK-SAME: ins(%[[X]], %[[SUM]], %[[VAR]], %[[G]], %[[B]] :
// CHECK: arith.mulf %{{.+}}, %cst
// CHECK: arith.subf
// CHECK: math.rsqrt
func.func @layer_norm(%x: tensor<3x8xf32>, %g: tensor<8xf32>, %b: tensor<8xf32>) -> tensor<3x8xf32> {
  %y = kf.layer_norm %x scale(%g : tensor<8xf32>) bias(%b : tensor<8xf32>) {epsilon = 1.0e-05 : f64} : tensor<3x8xf32>
  return %y : tensor<3x8xf32>
}

// -----

// RMS norm has no mean: one reduction of squares.
// CHECK-LABEL: func.func @rms_norm
// CHECK-COUNT-1: iterator_types = ["parallel", "reduction"]
// CHECK-NOT: iterator_types = ["parallel", "reduction"]
// CHECK: math.rsqrt
func.func @rms_norm(%x: tensor<3x8xf32>, %w: tensor<8xf32>) -> tensor<3x8xf32> {
  %y = kf.rms_norm %x, %w {epsilon = 1.0e-06 : f64} : tensor<3x8xf32>, tensor<8xf32>
  return %y : tensor<3x8xf32>
}

// -----

// Causal softmax: the mask is computed from linalg.index inside the max and
// sum reductions (key j hidden from query i when j > i + Sk - Sq = i + 2),
// never materialised as a tensor.
// CHECK-DAG: #[[$ID3:.+]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[$ROWS:.+]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-LABEL: func.func @softmax_causal
// CHECK: %[[OFF:.+]] = arith.constant 2 : index
// CHECK: %[[MAX:.+]] = linalg.generic {indexing_maps = [#[[$ID3]], #[[$ROWS]]], iterator_types = ["parallel", "parallel", "reduction"]}
// CHECK: %[[I:.+]] = linalg.index 1 : index
// CHECK: %[[J:.+]] = linalg.index 2 : index
// CHECK: %[[LIM:.+]] = arith.addi %[[I]], %[[OFF]] : index
// CHECK: %[[HIDDEN:.+]] = arith.cmpi sgt, %[[J]], %[[LIM]] : index
// CHECK: arith.select %[[HIDDEN]]
// CHECK: arith.maximumf
// CHECK: %[[SUM:.+]] = linalg.generic {indexing_maps = [#[[$ID3]], #[[$ROWS]], #[[$ROWS]]], iterator_types = ["parallel", "parallel", "reduction"]}
// CHECK: math.exp
// CHECK: linalg.generic {indexing_maps = [#[[$ID3]], #[[$ROWS]], #[[$ROWS]], #[[$ID3]]], iterator_types = ["parallel", "parallel", "parallel"]}
// CHECK: arith.divf
// CHECK-NOT: tensor<2x4x6xi1>
func.func @softmax_causal(%x: tensor<2x4x6xf32>) -> tensor<2x4x6xf32> {
  %y = kf.softmax %x causal : tensor<2x4x6xf32>
  return %y : tensor<2x4x6xf32>
}

// -----

// A softmax over a leading axis reduces that dimension.
// CHECK-DAG: #[[$COLS:.+]] = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @softmax_axis0
// CHECK: linalg.generic {indexing_maps = [#{{.+}}, #[[$COLS]]], iterator_types = ["reduction", "parallel"]}
func.func @softmax_axis0(%x: tensor<5x3xf32>) -> tensor<5x3xf32> {
  %y = kf.softmax %x {axis = 0 : i64} : tensor<5x3xf32>
  return %y : tensor<5x3xf32>
}

// -----

// Argmax carries the running maximum and its index; strictly greater wins.
// CHECK-LABEL: func.func @argmax
// CHECK: %[[R:.+]]:2 = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]
// CHECK-SAME: outs(%{{.+}}, %{{.+}} : tensor<2xf32>, tensor<2xi64>)
// CHECK: arith.cmpf ogt
// CHECK: linalg.index 1
// CHECK: return %[[R]]#1
func.func @argmax(%x: tensor<2x27xf32>) -> tensor<2xi64> {
  %i = kf.argmax %x : tensor<2x27xf32> -> tensor<2xi64>
  return %i : tensor<2xi64>
}
