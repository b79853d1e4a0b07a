func.func @p10(%a0: tensor<2x24xi64>, %a1: tensor<40x32xf32>, %a2: tensor<2x32xf16>, %a3: tensor<32x2xf16>, %a4: tensor<2xf32>, %a5: tensor<32x2xbf16>, %a6: tensor<2x2x40xf32>, %a7: tensor<32x40xf32>, %a8: tensor<32x32xf32>) -> tensor<2x24x32xf32> {
  %v1 = kf.embedding %a0, %a1 : tensor<2x24xi64>, tensor<40x32xf32> -> tensor<2x24x32xf32>
  %v2 = kf.linear %v1, %a2 layout(out_in) : tensor<2x24x32xf32>, tensor<2x32xf16> -> tensor<2x24x2xf32>
  %v3 = kf.split_heads %v2 {num_heads = 1} : tensor<2x24x2xf32> -> tensor<2x1x24x2xf32>
  %v4 = kf.linear %v1, %a3, %a4 layout(in_out) : tensor<2x24x32xf32>, tensor<32x2xf16>, tensor<2xf32> -> tensor<2x24x2xf32>
  %v5 = kf.split_heads %v4 {num_heads = 1} : tensor<2x24x2xf32> -> tensor<2x1x24x2xf32>
  %v6 = kf.linear %v1, %a5 layout(in_out) : tensor<2x24x32xf32>, tensor<32x2xbf16> -> tensor<2x24x2xf32>
  %v7 = kf.split_heads %v6 {num_heads = 1} : tensor<2x24x2xf32> -> tensor<2x1x24x2xf32>
  %v8 = kf.attention %v3, %v5, %v7 : tensor<2x1x24x2xf32>, tensor<2x1x24x2xf32>, tensor<2x1x24x2xf32> -> tensor<2x1x24x2xf32>
  %v9 = kf.merge_heads %v8 : tensor<2x1x24x2xf32> -> tensor<2x24x2xf32>
  %v10 = kf.softmax %v9 : tensor<2x24x2xf32>
  %v11 = kf.softmax %v10 : tensor<2x24x2xf32>
  %v12 = kf.matmul %v11, %a6 : tensor<2x24x2xf32>, tensor<2x2x40xf32> -> tensor<2x24x40xf32>
  %v13 = kf.linear %v12, %a7 layout(out_in) : tensor<2x24x40xf32>, tensor<32x40xf32> -> tensor<2x24x32xf32>
  %v14 = kf.linear %v13, %a8 layout(out_in) : tensor<2x24x32xf32>, tensor<32x32xf32> -> tensor<2x24x32xf32>
  return %v14 : tensor<2x24x32xf32>
}
