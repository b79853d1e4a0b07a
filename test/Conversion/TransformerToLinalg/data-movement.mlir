// RUN: kernelforge-opt %s --convert-kf-to-linalg --split-input-file | FileCheck %s

// Head split and merge are a reshape plus a linalg.transpose, no copy loop.
// CHECK-LABEL: func.func @split_heads
// CHECK: %[[R:.+]] = tensor.expand_shape %{{.+}} {{\[}}[0], [1], [2, 3]] output_shape [2, 5, 3, 4] : tensor<2x5x12xf32> into tensor<2x5x3x4xf32>
// CHECK: linalg.transpose ins(%[[R]] : tensor<2x5x3x4xf32>) outs(%{{.+}} : tensor<2x3x5x4xf32>) permutation = [0, 2, 1, 3]
func.func @split_heads(%x: tensor<2x5x12xf32>) -> tensor<2x3x5x4xf32> {
  %y = kf.split_heads %x {num_heads = 3 : i64} : tensor<2x5x12xf32> -> tensor<2x3x5x4xf32>
  return %y : tensor<2x3x5x4xf32>
}

// -----

// CHECK-LABEL: func.func @merge_heads
// CHECK: %[[T:.+]] = linalg.transpose ins(%{{.+}} : tensor<2x3x5x4xf32>) outs(%{{.+}} : tensor<2x5x3x4xf32>) permutation = [0, 2, 1, 3]
// CHECK: tensor.collapse_shape %[[T]] {{\[}}[0], [1], [2, 3]] : tensor<2x5x3x4xf32> into tensor<2x5x12xf32>
func.func @merge_heads(%x: tensor<2x3x5x4xf32>) -> tensor<2x5x12xf32> {
  %y = kf.merge_heads %x : tensor<2x3x5x4xf32> -> tensor<2x5x12xf32>
  return %y : tensor<2x5x12xf32>
}

// -----

// The embedding is a gather: the id comes through the map (which drops the
// feature dimension), the rows through tensor.extract at linalg.index.
// CHECK-DAG: #[[$IDS:.+]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-LABEL: func.func @embedding
// CHECK-SAME: (%[[IDS:.+]]: tensor<1x4xi64>, %[[WTE:.+]]: tensor<10x8xf32>, %[[WPE:.+]]: tensor<6x8xf32>, %[[OFF:.+]]: index)
// CHECK: linalg.generic {indexing_maps = [#[[$IDS]], #{{.+}}], iterator_types = ["parallel", "parallel", "parallel"]} ins(%[[IDS]] : tensor<1x4xi64>)
// CHECK: ^bb0(%[[ID:.+]]: i64, %{{.+}}: f32):
// CHECK: %[[IDX:.+]] = arith.index_cast %[[ID]] : i64 to index
// CHECK: cf.assert %{{.+}}, "kf.embedding: token id out of range of the table"
// CHECK: %[[F:.+]] = linalg.index 2 : index
// CHECK: %[[ROW:.+]] = tensor.extract %[[WTE]][%[[IDX]], %[[F]]] : tensor<10x8xf32>
// CHECK: %[[S:.+]] = linalg.index 1 : index
// CHECK: %[[POS:.+]] = arith.addi %[[S]], %[[OFF]] : index
// CHECK: cf.assert %{{.+}}, "kf.embedding: position out of range of the table"
// CHECK: tensor.extract %[[WPE]][%[[POS]], %[[F]]] : tensor<6x8xf32>
func.func @embedding(%ids: tensor<1x4xi64>, %wte: tensor<10x8xf32>, %wpe: tensor<6x8xf32>, %pos: index) -> tensor<1x4x8xf32> {
  %x = kf.embedding %ids, %wte positions(%wpe : tensor<6x8xf32>) offset(%pos) : tensor<1x4xi64>, tensor<10x8xf32> -> tensor<1x4x8xf32>
  return %x : tensor<1x4x8xf32>
}

// -----

// Rotary embedding reads each feature's partner (d +- D/2) with
// tensor.extract; the angle is (offset + s) * exp(i * -2 ln(theta) / D).
// CHECK-LABEL: func.func @rope
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "parallel"]
// CHECK: arith.cmpi ult
// CHECK: math.exp
// CHECK: math.cos
// CHECK: math.sin
// CHECK: tensor.extract
func.func @rope(%x: tensor<1x2x3x8xf32>, %pos: index) -> tensor<1x2x3x8xf32> {
  %y = kf.rope %x offset(%pos) {theta = 1.000000e+04 : f64} : tensor<1x2x3x8xf32>
  return %y : tensor<1x2x3x8xf32>
}

// -----

// The cache write is an insert_slice at the position (in place once
// bufferized), guarded against running past the end of the cache.
// CHECK-LABEL: func.func @kv_cache_update
// CHECK-SAME: (%[[K:.+]]: tensor<1x2x3x4xf32>, %[[C:.+]]: tensor<1x2x10x4xf32>, %[[P:.+]]: index)
// CHECK: cf.assert %{{.+}}, "kf.kv_cache_update: rows past the end of the cache"
// CHECK: tensor.insert_slice %[[K]] into %[[C]][0, 0, %[[P]], 0] [1, 2, 3, 4] [1, 1, 1, 1]
func.func @kv_cache_update(%k: tensor<1x2x3x4xf32>, %c: tensor<1x2x10x4xf32>, %p: index) -> tensor<1x2x10x4xf32> {
  %y = kf.kv_cache_update %k into %c[%p] : tensor<1x2x3x4xf32> into tensor<1x2x10x4xf32>
  return %y : tensor<1x2x10x4xf32>
}

// -----

// A bf16 cache: the f32 rows are rounded to it, then written in place.
// CHECK-LABEL: func.func @kv_cache_update_bf16
// CHECK-SAME: (%[[K:.+]]: tensor<1x2x3x4xf32>, %[[C:.+]]: tensor<1x2x10x4xbf16>, %[[P:.+]]: index)
// CHECK: %[[R:.+]] = linalg.generic {{.*}} ins(%[[K]] : tensor<1x2x3x4xf32>) outs(%{{.+}} : tensor<1x2x3x4xbf16>)
// CHECK: arith.truncf %{{.+}} : f32 to bf16
// CHECK: tensor.insert_slice %[[R]] into %[[C]][0, 0, %[[P]], 0] [1, 2, 3, 4] [1, 1, 1, 1]
func.func @kv_cache_update_bf16(%k: tensor<1x2x3x4xf32>, %c: tensor<1x2x10x4xbf16>, %p: index) -> tensor<1x2x10x4xbf16> {
  %y = kf.kv_cache_update %k into %c[%p] : tensor<1x2x3x4xf32> into tensor<1x2x10x4xbf16>
  return %y : tensor<1x2x10x4xbf16>
}
