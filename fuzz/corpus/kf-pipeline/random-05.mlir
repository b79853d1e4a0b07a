func.func @p5(%a0: tensor<2x10x3xf32>, %a1: tensor<5x3xf32>, %a2: tensor<5xf32>, %a3: tensor<5x40xf32>, %a4: tensor<40xf32>, %a5: tensor<5x20xbf16>, %a6: tensor<5x20xf32>, %a7: tensor<20xf32>, %a8: tensor<1x40xi8>, %a9: tensor<1x40xf32>) -> tensor<2x10x1xf32> {
  %v1 = kf.softmax %a0 : tensor<2x10x3xf32>
  %v2 = kf.linear %v1, %a1, %a2 layout(out_in) : tensor<2x10x3xf32>, tensor<5x3xf32>, tensor<5xf32> -> tensor<2x10x5xf32>
  %v3 = kf.linear %v2, %a3, %a4 layout(in_out) : tensor<2x10x5xf32>, tensor<5x40xf32>, tensor<40xf32> -> tensor<2x10x40xf32>
  %v4 = kf.split_heads %v3 {num_heads = 2} : tensor<2x10x40xf32> -> tensor<2x2x10x20xf32>
  %v5 = kf.linear %v2, %a5 layout(in_out) : tensor<2x10x5xf32>, tensor<5x20xbf16> -> tensor<2x10x20xf32>
  %v6 = kf.split_heads %v5 {num_heads = 1} : tensor<2x10x20xf32> -> tensor<2x1x10x20xf32>
  %v7 = kf.linear %v2, %a6, %a7 layout(in_out) : tensor<2x10x5xf32>, tensor<5x20xf32>, tensor<20xf32> -> tensor<2x10x20xf32>
  %v8 = kf.split_heads %v7 {num_heads = 1} : tensor<2x10x20xf32> -> tensor<2x1x10x20xf32>
  %v9 = kf.attention %v4, %v6, %v8 causal {scale = 0.25 : f64} : tensor<2x2x10x20xf32>, tensor<2x1x10x20xf32>, tensor<2x1x10x20xf32> -> tensor<2x2x10x20xf32>
  %v10 = kf.merge_heads %v9 : tensor<2x2x10x20xf32> -> tensor<2x10x40xf32>
  %v11 = kf.linear %v10, %a8 scales(%a9 : tensor<1x40xf32>) layout(out_in) : tensor<2x10x40xf32>, tensor<1x40xi8> -> tensor<2x10x1xf32>
  return %v11 : tensor<2x10x1xf32>
}
