func.func @p23(%a0: tensor<2x14x47xf32>) -> tensor<2x14x47xf32> {
  %v1 = kf.softmax %a0 : tensor<2x14x47xf32>
  %v2 = kf.softmax %v1 : tensor<2x14x47xf32>
  return %v2 : tensor<2x14x47xf32>
}
