func.func @p17(%a0: tensor<2x19xi64>, %a1: tensor<55x3xf32>, %a2: tensor<108x3xi8>, %a3: tensor<108x3xf32>, %a4: tensor<36x3xi8>, %a5: tensor<36x3xf32>, %a6: tensor<36xf32>, %a7: tensor<3x36xi8>, %a8: tensor<3x36xf32>, %a9: tensor<36xf32>, %a10: tensor<108xf32>) -> tensor<2x19x108xf32> {
  %v1 = kf.embedding %a0, %a1 : tensor<2x19xi64>, tensor<55x3xf32> -> tensor<2x19x3xf32>
  %v2 = kf.gelu %v1 tanh : tensor<2x19x3xf32>
  %v3 = kf.linear %v2, %a2 scales(%a3 : tensor<108x3xf32>) layout(out_in) : tensor<2x19x3xf32>, tensor<108x3xi8> -> tensor<2x19x108xf32>
  %v4 = kf.split_heads %v3 {num_heads = 9} : tensor<2x19x108xf32> -> tensor<2x9x19x12xf32>
  %v5 = kf.linear %v2, %a4, %a6 scales(%a5 : tensor<36x3xf32>) layout(out_in) : tensor<2x19x3xf32>, tensor<36x3xi8>, tensor<36xf32> -> tensor<2x19x36xf32>
  %v6 = kf.split_heads %v5 {num_heads = 3} : tensor<2x19x36xf32> -> tensor<2x3x19x12xf32>
  %v7 = kf.linear %v2, %a7, %a9 scales(%a8 : tensor<3x36xf32>) layout(in_out) : tensor<2x19x3xf32>, tensor<3x36xi8>, tensor<36xf32> -> tensor<2x19x36xf32>
  %v8 = kf.split_heads %v7 {num_heads = 3} : tensor<2x19x36xf32> -> tensor<2x3x19x12xf32>
  %v9 = kf.attention %v4, %v6, %v8 {scale = 0.125 : f64, softcap = 5.0 : f64} : tensor<2x9x19x12xf32>, tensor<2x3x19x12xf32>, tensor<2x3x19x12xf32> -> tensor<2x9x19x12xf32>
  %v10 = kf.merge_heads %v9 : tensor<2x9x19x12xf32> -> tensor<2x19x108xf32>
  %v11 = kf.rms_norm %v10, %a10 {epsilon = 1.0e-06 : f64} : tensor<2x19x108xf32>, tensor<108xf32>
  return %v11 : tensor<2x19x108xf32>
}
