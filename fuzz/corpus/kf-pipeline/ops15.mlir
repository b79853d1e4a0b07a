func.func @rope(%x: tensor<1x8x16x64xf32>, %pos: index) -> (tensor<1x8x16x64xf32>, tensor<1x8x16x64xf32>) {
  %0 = kf.rope %x {theta = 10000.0 : f64} : tensor<1x8x16x64xf32>
  %1 = kf.rope %x offset(%pos) interleaved {theta = 500000.0 : f64} : tensor<1x8x16x64xf32>
  return %0, %1 : tensor<1x8x16x64xf32>, tensor<1x8x16x64xf32>
}
