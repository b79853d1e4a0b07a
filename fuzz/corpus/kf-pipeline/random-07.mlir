func.func @p7(%a0: tensor<1x4xi64>, %a1: tensor<31x32xf32>, %a2: tensor<4x32xf32>, %a3: tensor<1x1x1xf32>, %a4: tensor<32x120xbf16>, %a5: tensor<120xf32>, %a6: tensor<60x32xi8>, %a7: tensor<60x4xf32>, %a8: tensor<60x32xi8>, %a9: tensor<60x4xf32>, %a10: tensor<120xf32>, %a11: tensor<120xf32>) -> tensor<1x4x120xf32> {
  %v1 = kf.embedding %a0, %a1 positions(%a2 : tensor<4x32xf32>) : tensor<1x4xi64>, tensor<31x32xf32> -> tensor<1x4x32xf32>
  %v2 = kf.silu %v1 : tensor<1x4x32xf32>
  %v3 = kf.mul %a3, %v2 : tensor<1x1x1xf32>, tensor<1x4x32xf32>
  %v4 = kf.linear %v3, %a4, %a5 layout(in_out) : tensor<1x4x32xf32>, tensor<32x120xbf16>, tensor<120xf32> -> tensor<1x4x120xf32>
  %v5 = kf.split_heads %v4 {num_heads = 6} : tensor<1x4x120xf32> -> tensor<1x6x4x20xf32>
  %v6 = kf.linear %v3, %a6 scales(%a7 : tensor<60x4xf32>) layout(out_in) : tensor<1x4x32xf32>, tensor<60x32xi8> -> tensor<1x4x60xf32>
  %v7 = kf.split_heads %v6 {num_heads = 3} : tensor<1x4x60xf32> -> tensor<1x3x4x20xf32>
  %v8 = kf.linear %v3, %a8 scales(%a9 : tensor<60x4xf32>) layout(out_in) : tensor<1x4x32xf32>, tensor<60x32xi8> -> tensor<1x4x60xf32>
  %v9 = kf.split_heads %v8 {num_heads = 3} : tensor<1x4x60xf32> -> tensor<1x3x4x20xf32>
  %v10 = kf.attention %v5, %v7, %v9 causal {scale = 0.25 : f64} : tensor<1x6x4x20xf32>, tensor<1x3x4x20xf32>, tensor<1x3x4x20xf32> -> tensor<1x6x4x20xf32>
  %v11 = kf.merge_heads %v10 : tensor<1x6x4x20xf32> -> tensor<1x4x120xf32>
  %v12 = kf.rms_norm %v11, %a10 {epsilon = 1.0e-05 : f64} : tensor<1x4x120xf32>, tensor<120xf32>
  %v13 = kf.rms_norm %v12, %a11 {epsilon = 1.0e-05 : f64} : tensor<1x4x120xf32>, tensor<120xf32>
  return %v13 : tensor<1x4x120xf32>
}
