func.func @softmax(%s: tensor<1x4x16x16xf32>) -> (tensor<1x4x16x16xf32>, tensor<1x4x16x16xf32>) {
  %0 = kf.softmax %s {axis = 2} : tensor<1x4x16x16xf32>
  %1 = kf.softmax %s causal : tensor<1x4x16x16xf32>
  return %0, %1 : tensor<1x4x16x16xf32>, tensor<1x4x16x16xf32>
}
