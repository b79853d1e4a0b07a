func.func @p1(%a0: tensor<1x29x33xf32>, %a1: tensor<33x3xbf16>, %a2: tensor<3xf32>) -> tensor<1x29x3xf32> {
  %v1 = kf.gelu %a0 erf : tensor<1x29x33xf32>
  %v2 = kf.linear %v1, %a1, %a2 layout(in_out) : tensor<1x29x33xf32>, tensor<33x3xbf16>, tensor<3xf32> -> tensor<1x29x3xf32>
  return %v2 : tensor<1x29x3xf32>
}
