func.func @p21(%a0: tensor<1x20x16xf32>, %a1: tensor<16x24xi8>, %a2: tensor<4x24xf32>, %a3: tensor<8x16xbf16>, %a4: tensor<8xf32>, %a5: tensor<16x8xf16>) -> tensor<1x20x24xf32> {
  %v1 = kf.linear %a0, %a1 scales(%a2 : tensor<4x24xf32>) layout(in_out) : tensor<1x20x16xf32>, tensor<16x24xi8> -> tensor<1x20x24xf32>
  %v2 = kf.split_heads %v1 {num_heads = 6} : tensor<1x20x24xf32> -> tensor<1x6x20x4xf32>
  %v3 = kf.linear %a0, %a3, %a4 layout(out_in) : tensor<1x20x16xf32>, tensor<8x16xbf16>, tensor<8xf32> -> tensor<1x20x8xf32>
  %v4 = kf.split_heads %v3 {num_heads = 2} : tensor<1x20x8xf32> -> tensor<1x2x20x4xf32>
  %v5 = kf.linear %a0, %a5 layout(in_out) : tensor<1x20x16xf32>, tensor<16x8xf16> -> tensor<1x20x8xf32>
  %v6 = kf.split_heads %v5 {num_heads = 2} : tensor<1x20x8xf32> -> tensor<1x2x20x4xf32>
  %v7 = kf.rope %v2 {theta = 10000.0 : f64} : tensor<1x6x20x4xf32>
  %v8 = kf.rope %v4 {theta = 10000.0 : f64} : tensor<1x2x20x4xf32>
  %v9 = kf.attention %v7, %v8, %v6 : tensor<1x6x20x4xf32>, tensor<1x2x20x4xf32>, tensor<1x2x20x4xf32> -> tensor<1x6x20x4xf32>
  %v10 = kf.merge_heads %v9 : tensor<1x6x20x4xf32> -> tensor<1x20x24xf32>
  %v11 = kf.softmax %v10 causal : tensor<1x20x24xf32>
  return %v11 : tensor<1x20x24xf32>
}
