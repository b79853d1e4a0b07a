func.func @attention(%q: tensor<1x8x16x64xf32>, %k: tensor<1x2x16x64xf32>, %v: tensor<1x2x16x32xf32>,
                     %mask: tensor<1x1x16x16xf32>) -> (tensor<1x8x16x32xf32>, tensor<1x8x16x32xf32>) {
  %0 = kf.attention %q, %k, %v causal {scale = 0.125 : f64}
      : tensor<1x8x16x64xf32>, tensor<1x2x16x64xf32>, tensor<1x2x16x32xf32> -> tensor<1x8x16x32xf32>
  %1 = kf.attention %q, %k, %v mask(%mask : tensor<1x1x16x16xf32>)
      : tensor<1x8x16x64xf32>, tensor<1x2x16x64xf32>, tensor<1x2x16x32xf32> -> tensor<1x8x16x32xf32>
  return %0, %1 : tensor<1x8x16x32xf32>, tensor<1x8x16x32xf32>
}
