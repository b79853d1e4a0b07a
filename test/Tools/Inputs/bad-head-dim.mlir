func.func @bad(%q: tensor<1x4x16x64xf32>, %k: tensor<1x4x16x32xf32>) -> tensor<1x4x16x32xf32> {
  %0 = kf.attention %q, %k, %k causal : tensor<1x4x16x64xf32>, tensor<1x4x16x32xf32>, tensor<1x4x16x32xf32> -> tensor<1x4x16x32xf32>
  return %0 : tensor<1x4x16x32xf32>
}
