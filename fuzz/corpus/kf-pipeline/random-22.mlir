func.func @p22(%a0: tensor<1x1x12xf32>, %a1: tensor<12x17xf16>, %a2: tensor<17xf32>, %a3: tensor<1x1x1xf32>, %a4: tensor<1x96x17xbf16>, %a5: tensor<96xf32>, %a6: tensor<1x1x1xf32>, %a7: tensor<96x33xf16>) -> tensor<1x1x33xf32> {
  %v1 = kf.linear %a0, %a1, %a2 layout(in_out) : tensor<1x1x12xf32>, tensor<12x17xf16>, tensor<17xf32> -> tensor<1x1x17xf32>
  %v2 = kf.mul %v1, %a3 : tensor<1x1x17xf32>, tensor<1x1x1xf32>
  %v3 = kf.matmul %v2, %a4 transpose_rhs : tensor<1x1x17xf32>, tensor<1x96x17xbf16> -> tensor<1x1x96xf32>
  %v4 = kf.rms_norm %v3, %a5 {epsilon = 1.0e-06 : f64} : tensor<1x1x96xf32>, tensor<96xf32>
  %v5 = kf.add %v4, %a6 : tensor<1x1x96xf32>, tensor<1x1x1xf32>
  %v6 = kf.linear %v5, %a7 layout(in_out) : tensor<1x1x96xf32>, tensor<96x33xf16> -> tensor<1x1x33xf32>
  return %v6 : tensor<1x1x33xf32>
}
