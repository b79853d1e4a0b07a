// RUN: kernelforge-opt %s --split-input-file --kf-unit-parallel-loop | FileCheck %s

// An elementwise op on rank-0 buffers: one parallel loop of one iteration
// over one-element views of them.
// CHECK-DAG: #[[UNIT:.+]] = affine_map<(d0) -> (d0)>
// CHECK: func.func @scalar_add
// CHECK: %[[A:.+]] = memref.expand_shape %arg0 [] output_shape [1] : memref<f32> into memref<1xf32>
// CHECK: %[[B:.+]] = memref.expand_shape %arg1 [] output_shape [1] : memref<f32> into memref<1xf32>
// CHECK: %[[C:.+]] = memref.expand_shape %arg2 [] output_shape [1] : memref<f32> into memref<1xf32>
// CHECK: linalg.generic {indexing_maps = [#[[UNIT]], #[[UNIT]], #[[UNIT]]], iterator_types = ["parallel"]} ins(%[[A]], %[[B]] : memref<1xf32>, memref<1xf32>) outs(%[[C]] : memref<1xf32>)
// CHECK: arith.addf
#scalar = affine_map<() -> ()>
func.func @scalar_add(%a: memref<f32>, %b: memref<f32>, %c: memref<f32>) {
  linalg.generic {indexing_maps = [#scalar, #scalar, #scalar], iterator_types = []} ins(%a, %b : memref<f32>, memref<f32>) outs(%c : memref<f32>) {
  ^bb0(%x: f32, %y: f32, %out: f32):
    %s = arith.addf %x, %y : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// A named op (a fill of a rank-0 buffer, its value a scalar operand) is
// generalized first.
// CHECK-DAG: #[[NONE:.+]] = affine_map<(d0) -> ()>
// CHECK-DAG: #[[UNIT:.+]] = affine_map<(d0) -> (d0)>
// CHECK: func.func @fill
// CHECK: %[[OUT:.+]] = memref.expand_shape %arg0 [] output_shape [1]
// CHECK: linalg.generic {indexing_maps = [#[[NONE]], #[[UNIT]]], iterator_types = ["parallel"]} ins(%{{.+}} : f32) outs(%[[OUT]] : memref<1xf32>)
// CHECK-NOT: linalg.fill
func.func @fill(%out: memref<f32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%out : memref<f32>)
  return
}

// -----

// A whole vector reduced to a scalar (an argmax's index): the reduction
// loop comes second, the vector is indexed by it, and the body's index of
// it moves to dimension 1.
// CHECK-DAG: #[[VEC:.+]] = affine_map<(d0, d1) -> (d1)>
// CHECK-DAG: #[[UNIT:.+]] = affine_map<(d0, d1) -> (d0)>
// CHECK: func.func @last_index_of_max
// CHECK: linalg.generic {indexing_maps = [#[[VEC]], #[[UNIT]], #[[UNIT]]], iterator_types = ["parallel", "reduction"]}
// CHECK: linalg.index 1 : index
// CHECK-NOT: linalg.index 0
// CHECK: linalg.yield
#vec = affine_map<(d0) -> (d0)>
#sc = affine_map<(d0) -> ()>
func.func @last_index_of_max(%x: memref<27xf32>, %max: memref<f32>, %at: memref<i64>) {
  linalg.generic {indexing_maps = [#vec, #sc, #sc], iterator_types = ["reduction"]} ins(%x : memref<27xf32>) outs(%max, %at : memref<f32>, memref<i64>) {
  ^bb0(%v: f32, %m: f32, %i: i64):
    %idx = linalg.index 0 : index
    %cast = arith.index_cast %idx : index to i64
    %gt = arith.cmpf oge, %v, %m : f32
    %nm = arith.select %gt, %v, %m : f32
    %ni = arith.select %gt, %cast, %i : i64
    linalg.yield %nm, %ni : f32, i64
  }
  return
}

// -----

// Ops with a parallel loop, and ops on tensors, are left alone.
// CHECK: func.func @negative
// CHECK-NOT: memref.expand_shape
// CHECK: linalg.fill ins(%{{.+}} : f32) outs(%arg0 : memref<4xf32>)
// CHECK: linalg.fill ins(%{{.+}} : f32) outs(%arg1 : tensor<f32>)
func.func @negative(%v: memref<4xf32>, %t: tensor<f32>) -> tensor<f32> {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%v : memref<4xf32>)
  %r = linalg.fill ins(%zero : f32) outs(%t : tensor<f32>) -> tensor<f32>
  return %r : tensor<f32>
}
