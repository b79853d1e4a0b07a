func.func @p8(%a0: tensor<2x23x7xf32>, %a1: tensor<33x7xf32>, %a2: tensor<33xf32>) -> tensor<2x23x33xf32> {
  %v1 = kf.linear %a0, %a1 layout(out_in) : tensor<2x23x7xf32>, tensor<33x7xf32> -> tensor<2x23x33xf32>
  %v2 = kf.add %v1, %a2 : tensor<2x23x33xf32>, tensor<33xf32>
  return %v2 : tensor<2x23x33xf32>
}
