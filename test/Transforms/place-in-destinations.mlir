// RUN: kernelforge-opt %s --kf-place-in-destinations | FileCheck %s

// A KV-cache update of a stacked K/V (each half a transposed head split, the
// stack inserted at row %pos of the layer's cache): both transposes end up
// computing into slices of the cache itself, and no empty tensor is left
// for bufferization to allocate and copy from. (One round of upstream's
// elimination leaves temporaries here.) The cache is the
// caller's, writable.
// CHECK-LABEL: func.func @stacked_update
// CHECK-SAME: (%[[K:.+]]: tensor<1x1x4x16xf32>, %[[V:.+]]: tensor<1x1x4x16xf32>, %[[CACHE:[a-z0-9]+]]: tensor<3x2x4x8x16xf32> {bufferization.writable = true}, %[[LAYER:.+]]: index, %[[POS:.+]]: index)
// CHECK-NOT: tensor.empty
// CHECK: %[[L:.+]] = tensor.extract_slice %[[CACHE]][%[[LAYER]], 0, 0, 0, 0]
// CHECK: %[[ROW:.+]] = tensor.extract_slice %[[L]][0, 0, %[[POS]], 0] [2, 4, 1, 16]
// CHECK: %[[KDST:.+]] = tensor.extract_slice %[[ROW]][0, 0, 0, 0] [1, 4, 1, 16]
// CHECK: %[[KT:.+]] = linalg.transpose ins(%[[K]] : tensor<1x1x4x16xf32>) outs(%[[KDST]] : tensor<1x4x1x16xf32>)
// CHECK: tensor.insert_slice %[[KT]] into %[[ROW]][0, 0, 0, 0]
// CHECK: %[[VDST:.+]] = tensor.extract_slice %{{.+}}[1, 0, 0, 0] [1, 4, 1, 16]
// CHECK: %[[VT:.+]] = linalg.transpose ins(%[[V]] : tensor<1x1x4x16xf32>) outs(%[[VDST]] : tensor<1x4x1x16xf32>)
// CHECK: tensor.insert_slice %[[VT]] into
// CHECK-NOT: tensor.empty
func.func @stacked_update(%k: tensor<1x1x4x16xf32>, %v: tensor<1x1x4x16xf32>, %cache: tensor<3x2x4x8x16xf32> {bufferization.writable = true}, %layer: index, %pos: index) -> tensor<3x2x4x8x16xf32> {
  %ek = tensor.empty() : tensor<1x4x1x16xf32>
  %kt = linalg.transpose ins(%k : tensor<1x1x4x16xf32>) outs(%ek : tensor<1x4x1x16xf32>) permutation = [0, 2, 1, 3]
  %ev = tensor.empty() : tensor<1x4x1x16xf32>
  %vt = linalg.transpose ins(%v : tensor<1x1x4x16xf32>) outs(%ev : tensor<1x4x1x16xf32>) permutation = [0, 2, 1, 3]
  %stack = tensor.empty() : tensor<2x4x1x16xf32>
  %s0 = tensor.insert_slice %kt into %stack[0, 0, 0, 0] [1, 4, 1, 16] [1, 1, 1, 1] : tensor<1x4x1x16xf32> into tensor<2x4x1x16xf32>
  %s1 = tensor.insert_slice %vt into %s0[1, 0, 0, 0] [1, 4, 1, 16] [1, 1, 1, 1] : tensor<1x4x1x16xf32> into tensor<2x4x1x16xf32>
  %l = tensor.extract_slice %cache[%layer, 0, 0, 0, 0] [1, 2, 4, 8, 16] [1, 1, 1, 1, 1] : tensor<3x2x4x8x16xf32> to tensor<2x4x8x16xf32>
  %r = tensor.insert_slice %s1 into %l[0, 0, %pos, 0] [2, 4, 1, 16] [1, 1, 1, 1] : tensor<2x4x1x16xf32> into tensor<2x4x8x16xf32>
  %all = tensor.insert_slice %r into %cache[%layer, 0, 0, 0, 0] [1, 2, 4, 8, 16] [1, 1, 1, 1, 1] : tensor<2x4x8x16xf32> into tensor<3x2x4x8x16xf32>
  return %all : tensor<3x2x4x8x16xf32>
}

// An op split into parts (its columns up to a multiple of the vector width,
// then the rest), each part written into a slice of one empty result: both
// parts write into the result itself. Folding alone would give the first
// part an empty tensor of its own again (a buffer and a copy when
// bufferized), which the last placement undoes.
// CHECK-LABEL: func.func @split_parts
// CHECK: %[[E:.+]] = tensor.empty() : tensor<4x10xf32>
// CHECK-NOT: tensor.empty
// CHECK: %[[HEAD:.+]] = tensor.extract_slice %[[E]][0, 0] [4, 8] [1, 1]
// CHECK: %[[F:.+]] = linalg.fill ins(%{{.+}} : f32) outs(%[[HEAD]] : tensor<4x8xf32>)
// CHECK: %[[I:.+]] = tensor.insert_slice %[[F]] into %[[E]][0, 0] [4, 8]
// CHECK: %[[TAIL:.+]] = tensor.extract_slice %[[I]][0, 8] [4, 2] [1, 1]
// CHECK: linalg.fill ins(%{{.+}} : f32) outs(%[[TAIL]] : tensor<4x2xf32>)
// CHECK-NOT: tensor.empty
func.func @split_parts(%a: f32, %b: f32) -> tensor<4x10xf32> {
  %e = tensor.empty() : tensor<4x10xf32>
  %head = tensor.extract_slice %e[0, 0] [4, 8] [1, 1] : tensor<4x10xf32> to tensor<4x8xf32>
  %f = linalg.fill ins(%a : f32) outs(%head : tensor<4x8xf32>) -> tensor<4x8xf32>
  %i = tensor.insert_slice %f into %e[0, 0] [4, 8] [1, 1] : tensor<4x8xf32> into tensor<4x10xf32>
  %tail = tensor.extract_slice %i[0, 8] [4, 2] [1, 1] : tensor<4x10xf32> to tensor<4x2xf32>
  %g = linalg.fill ins(%b : f32) outs(%tail : tensor<4x2xf32>) -> tensor<4x2xf32>
  %j = tensor.insert_slice %g into %i[0, 8] [4, 2] [1, 1] : tensor<4x2xf32> into tensor<4x10xf32>
  return %j : tensor<4x10xf32>
}
