// RUN: kernelforge-opt %s --convert-kf-to-linalg --split-input-file | FileCheck %s

// A ViT patch embedding (NHWC, stride = kernel, one group): im2col is a
// copy generic whose input map walks the image with the strides, the
// weight [64, 1, 7, 7] is viewed [64, 49] without a copy, and the product
// is kf.linear's out_in contraction over the 48 patch rows, onto the bias.
// CHECK-DAG: #[[$IM2COL:.+]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1 * 7 + d5, d2 * 7 + d6, d3 + d4)>
// CHECK-DAG: #[[$A:.+]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-DAG: #[[$W:.+]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-DAG: #[[$C:.+]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-LABEL: func.func @patch_embed
// CHECK: %[[COLS:.+]] = linalg.generic {indexing_maps = [#[[$IM2COL]], #{{.+}}]{{.*}} ins(%{{.+}} : tensor<3x28x28x1xf32>) outs(%{{.+}} : tensor<3x4x4x1x1x7x7xf32>)
// CHECK: %[[W:.+]] = tensor.collapse_shape %{{.+}} {{\[}}[0], [1, 2, 3]] : tensor<64x1x7x7xf32> into tensor<64x49xf32>
// CHECK: %[[ROWS:.+]] = tensor.collapse_shape %[[COLS]] {{\[}}[0, 1, 2, 3], [4, 5, 6]] : tensor<3x4x4x1x1x7x7xf32> into tensor<48x49xf32>
// CHECK: linalg.generic {indexing_maps = [#[[$A]], #[[$W]], #[[$C]]], iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[ROWS]], %[[W]] : tensor<48x49xf32>, tensor<64x49xf32>) outs(%{{.+}} : tensor<48x64xf32>)
// CHECK: tensor.expand_shape %{{.+}} {{\[}}[0, 1, 2], [3]] output_shape [3, 4, 4, 64] : tensor<48x64xf32> into tensor<3x4x4x64xf32>
func.func @patch_embed(%x: tensor<3x28x28x1xf32>, %w: tensor<64x1x7x7xf32>, %b: tensor<64xf32>) -> tensor<3x4x4x64xf32> {
  %y = kf.conv2d %x, %w, %b layout(nhwc) {strides = array<i64: 7, 7>} : tensor<3x28x28x1xf32>, tensor<64x1x7x7xf32>, tensor<64xf32> -> tensor<3x4x4x64xf32>
  return %y : tensor<3x4x4x64xf32>
}

// -----

// NCHW with padding 1, stride 2, 2 groups: the image goes into a zero-filled
// [2, 4, 11, 11] one, im2col gathers [n, g, oh, ow, c', kh, kw], and the
// product runs over (n, g, o', p, r) into [N, G, O', P], which is the NCHW
// result [2, 6, 5, 5] after a collapse and an expand (no transpose).
// CHECK-DAG: #[[$IM2COL:.+]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1 * 2 + d4, d2 * 2 + d5, d3 * 2 + d6)>
// CHECK-DAG: #[[$W:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d1, d2, d4)>
// CHECK-DAG: #[[$P:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d3, d4)>
// CHECK-DAG: #[[$OUT:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3)>
// CHECK-LABEL: func.func @grouped
// CHECK: %[[PADDED:.+]] = tensor.insert_slice %{{.+}} into %{{.+}}[0, 0, 1, 1] [2, 4, 9, 9] [1, 1, 1, 1] : tensor<2x4x9x9xf32> into tensor<2x4x11x11xf32>
// CHECK: linalg.generic {indexing_maps = [#[[$IM2COL]], #{{.+}}]{{.*}} ins(%[[PADDED]] : tensor<2x4x11x11xf32>) outs(%{{.+}} : tensor<2x2x5x5x2x3x3xf32>)
// CHECK: tensor.expand_shape %{{.+}} {{\[}}[0, 1], [2]] output_shape [2, 3, 18] : tensor<6x18xf32> into tensor<2x3x18xf32>
// CHECK: linalg.generic {indexing_maps = [#[[$W]], #[[$P]], #[[$OUT]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]}
// CHECK-SAME: outs(%{{.+}} : tensor<2x2x3x25xf32>)
// CHECK: tensor.expand_shape %{{.+}} output_shape [2, 6, 5, 5] : tensor<2x6x25xf32> into tensor<2x6x5x5xf32>
func.func @grouped(%x: tensor<2x4x9x9xf32>, %w: tensor<6x2x3x3xf32>) -> tensor<2x6x5x5xf32> {
  %y = kf.conv2d %x, %w layout(nchw) {strides = array<i64: 2, 2>, padding = array<i64: 1, 1>, groups = 2 : i64} : tensor<2x4x9x9xf32>, tensor<6x2x3x3xf32> -> tensor<2x6x5x5xf32>
  return %y : tensor<2x6x5x5xf32>
}
