func.func @norms(%x: tensor<1x16x64xf32>, %g: tensor<64xf32>, %b: tensor<64xf32>)
    -> (tensor<1x16x64xf32>, tensor<1x16x64xf32>, tensor<1x16x64xf32>, tensor<1x16x64xf32>) {
  %0 = kf.layer_norm %x scale(%g : tensor<64xf32>) bias(%b : tensor<64xf32>) {epsilon = 1.0e-5 : f64} : tensor<1x16x64xf32>
  %1 = kf.layer_norm %x scale(%g : tensor<64xf32>) {epsilon = 1.0e-5 : f64} : tensor<1x16x64xf32>
  %2 = kf.layer_norm %x {epsilon = 1.0e-5 : f64} : tensor<1x16x64xf32>
  %3 = kf.rms_norm %x, %g {epsilon = 1.0e-6 : f64} : tensor<1x16x64xf32>, tensor<64xf32>
  return %0, %1, %2, %3 : tensor<1x16x64xf32>, tensor<1x16x64xf32>, tensor<1x16x64xf32>, tensor<1x16x64xf32>
}
