func.func @p13(%a0: tensor<1x33x128xf32>, %a1: tensor<128xf32>, %a2: tensor<128x12xf32>, %a3: tensor<4x128xf16>, %a4: tensor<4xf32>, %a5: tensor<4x128xf16>, %a6: tensor<4xf32>) -> tensor<1x33x12xf32> {
  %v1 = kf.rms_norm %a0, %a1 {epsilon = 1.0e-05 : f64} : tensor<1x33x128xf32>, tensor<128xf32>
  %v2 = kf.linear %v1, %a2 layout(in_out) : tensor<1x33x128xf32>, tensor<128x12xf32> -> tensor<1x33x12xf32>
  %v3 = kf.split_heads %v2 {num_heads = 3} : tensor<1x33x12xf32> -> tensor<1x3x33x4xf32>
  %v4 = kf.linear %v1, %a3, %a4 layout(out_in) : tensor<1x33x128xf32>, tensor<4x128xf16>, tensor<4xf32> -> tensor<1x33x4xf32>
  %v5 = kf.split_heads %v4 {num_heads = 1} : tensor<1x33x4xf32> -> tensor<1x1x33x4xf32>
  %v6 = kf.linear %v1, %a5, %a6 layout(out_in) : tensor<1x33x128xf32>, tensor<4x128xf16>, tensor<4xf32> -> tensor<1x33x4xf32>
  %v7 = kf.split_heads %v6 {num_heads = 1} : tensor<1x33x4xf32> -> tensor<1x1x33x4xf32>
  %v8 = kf.attention %v3, %v5, %v7 : tensor<1x3x33x4xf32>, tensor<1x1x33x4xf32>, tensor<1x1x33x4xf32> -> tensor<1x3x33x4xf32>
  %v9 = kf.merge_heads %v8 : tensor<1x3x33x4xf32> -> tensor<1x33x12xf32>
  return %v9 : tensor<1x33x12xf32>
}
