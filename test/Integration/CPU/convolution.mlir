// kf.conv2d (im2col + a contraction) against a float64 NumPy convolution
// (reference.conv2d, itself checked against PyTorch's): NCHW and NHWC,
// strides, zero padding, dilations, groups, with and without bias, odd
// image and kernel sizes, a 16-bit weight, and the ViT patch embedding
// (stride = kernel). Sums of up to 49 products of N(0,1) values: atol 1e-4.
// RUN: kernelforge-compile %s -o %t.so
// RUN: %check %t.so --entry grouped_strided --expect "ref.conv2d(x0, x1, x2, stride=(2, 2), padding=(1, 1), groups=3)" --atol 1e-4
// RUN: %check %t.so --entry dilated --expect "ref.conv2d(x0, x1, stride=(1, 2), padding=(2, 0), dilation=(2, 1), groups=2)" --atol 1e-4
// RUN: %check %t.so --entry patch_embed --expect "ref.conv2d(x0, x1, x2, stride=(7, 7), layout='nhwc')" --atol 1e-4
// RUN: %check %t.so --entry nhwc_grouped --expect "ref.conv2d(x0, x1, x2, stride=(2, 2), padding=(1, 1), groups=2, layout='nhwc')" --atol 1e-4
// RUN: %check %t.so --entry bf16_weight --expect "ref.conv2d(x0, x1, x2, padding=(1, 1))" --atol 1e-4
// The same kernels without vectorization, and on the GPU emulator.
// RUN: kernelforge-compile %s -o %t.plain.so --pipeline-options="vectorize=0"
// RUN: %check %t.plain.so --entry grouped_strided --expect "ref.conv2d(x0, x1, x2, stride=(2, 2), padding=(1, 1), groups=3)" --atol 1e-4
// RUN: %check %t.plain.so --entry nhwc_grouped --expect "ref.conv2d(x0, x1, x2, stride=(2, 2), padding=(1, 1), groups=2, layout='nhwc')" --atol 1e-4
// RUN: kernelforge-compile %s --target=gpu-emulator -o %t.gpu.so
// RUN: %check %t.gpu.so --entry grouped_strided --expect "ref.conv2d(x0, x1, x2, stride=(2, 2), padding=(1, 1), groups=3)" --atol 1e-4
// RUN: %check %t.gpu.so --entry dilated --expect "ref.conv2d(x0, x1, stride=(1, 2), padding=(2, 0), dilation=(2, 1), groups=2)" --atol 1e-4
// RUN: %check %t.gpu.so --entry patch_embed --expect "ref.conv2d(x0, x1, x2, stride=(7, 7), layout='nhwc')" --atol 1e-4
// RUN: %check %t.gpu.so --entry nhwc_grouped --expect "ref.conv2d(x0, x1, x2, stride=(2, 2), padding=(1, 1), groups=2, layout='nhwc')" --atol 1e-4

func.func @grouped_strided(%x: tensor<2x3x9x11xf32>, %w: tensor<6x1x3x3xf32>, %b: tensor<6xf32>) -> tensor<2x6x5x6xf32> {
  %y = kf.conv2d %x, %w, %b layout(nchw) {strides = array<i64: 2, 2>, padding = array<i64: 1, 1>, groups = 3 : i64} : tensor<2x3x9x11xf32>, tensor<6x1x3x3xf32>, tensor<6xf32> -> tensor<2x6x5x6xf32>
  return %y : tensor<2x6x5x6xf32>
}
func.func @dilated(%x: tensor<1x4x10x7xf32>, %w: tensor<8x2x3x2xf32>) -> tensor<1x8x10x3xf32> {
  %y = kf.conv2d %x, %w layout(nchw) {strides = array<i64: 1, 2>, padding = array<i64: 2, 0>, dilations = array<i64: 2, 1>, groups = 2 : i64} : tensor<1x4x10x7xf32>, tensor<8x2x3x2xf32> -> tensor<1x8x10x3xf32>
  return %y : tensor<1x8x10x3xf32>
}
func.func @patch_embed(%x: tensor<3x28x28x1xf32>, %w: tensor<64x1x7x7xf32>, %b: tensor<64xf32>) -> tensor<3x4x4x64xf32> {
  %y = kf.conv2d %x, %w, %b layout(nhwc) {strides = array<i64: 7, 7>} : tensor<3x28x28x1xf32>, tensor<64x1x7x7xf32>, tensor<64xf32> -> tensor<3x4x4x64xf32>
  return %y : tensor<3x4x4x64xf32>
}
func.func @nhwc_grouped(%x: tensor<2x9x11x4xf32>, %w: tensor<6x2x3x3xf32>, %b: tensor<6xf32>) -> tensor<2x5x6x6xf32> {
  %y = kf.conv2d %x, %w, %b layout(nhwc) {strides = array<i64: 2, 2>, padding = array<i64: 1, 1>, groups = 2 : i64} : tensor<2x9x11x4xf32>, tensor<6x2x3x3xf32>, tensor<6xf32> -> tensor<2x5x6x6xf32>
  return %y : tensor<2x5x6x6xf32>
}
func.func @bf16_weight(%x: tensor<1x5x6x7xf32>, %w: tensor<3x5x3x3xbf16>, %b: tensor<3xf32>) -> tensor<1x3x6x7xf32> {
  %y = kf.conv2d %x, %w, %b layout(nchw) {padding = array<i64: 1, 1>} : tensor<1x5x6x7xf32>, tensor<3x5x3x3xbf16>, tensor<3xf32> -> tensor<1x3x6x7xf32>
  return %y : tensor<1x3x6x7xf32>
}
