func.func @p14(%a0: tensor<2x33x8xf32>, %a1: tensor<32x8xf16>, %a2: tensor<32xf32>, %a3: tensor<32x32xbf16>, %a4: tensor<32x8xf32>, %a5: tensor<64x8xi8>, %a6: tensor<64x1xf32>, %a7: tensor<64xf32>, %a8: tensor<24x64xbf16>) -> tensor<2x33x24xf32> {
  %v1 = kf.linear %a0, %a1, %a2 layout(out_in) : tensor<2x33x8xf32>, tensor<32x8xf16>, tensor<32xf32> -> tensor<2x33x32xf32>
  %v2 = kf.linear %v1, %a3 layout(in_out) : tensor<2x33x32xf32>, tensor<32x32xbf16> -> tensor<2x33x32xf32>
  %v3 = kf.linear %v2, %a4 layout(in_out) : tensor<2x33x32xf32>, tensor<32x8xf32> -> tensor<2x33x8xf32>
  %v4 = kf.linear %v3, %a5, %a7 scales(%a6 : tensor<64x1xf32>) layout(out_in) : tensor<2x33x8xf32>, tensor<64x8xi8>, tensor<64xf32> -> tensor<2x33x64xf32>
  %v5 = kf.linear %v4, %a8 layout(out_in) : tensor<2x33x64xf32>, tensor<24x64xbf16> -> tensor<2x33x24xf32>
  return %v5 : tensor<2x33x24xf32>
}
