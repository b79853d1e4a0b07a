func.func @conv2d(%x: tensor<2x3x9x11xf32>, %w: tensor<6x1x3x3xf32>, %b: tensor<6xf32>,
                  %img: tensor<8x28x28x1xf32>, %p: tensor<64x1x7x7xbf16>) -> (tensor<2x6x5x6xf32>, tensor<8x4x4x64xf32>) {
  %0 = kf.conv2d %x, %w, %b layout(nchw) {strides = array<i64: 2, 2>, padding = array<i64: 1, 1>, groups = 3 : i64} : tensor<2x3x9x11xf32>, tensor<6x1x3x3xf32>, tensor<6xf32> -> tensor<2x6x5x6xf32>
  %1 = kf.conv2d %img, %p layout(nhwc) {strides = array<i64: 7, 7>} : tensor<8x28x28x1xf32>, tensor<64x1x7x7xbf16> -> tensor<8x4x4x64xf32>
  return %0, %1 : tensor<2x6x5x6xf32>, tensor<8x4x4x64xf32>
}
