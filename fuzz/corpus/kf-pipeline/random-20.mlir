func.func @p20(%a0: tensor<1x32x128xf32>, %a1: tensor<128x40xbf16>, %a2: tensor<40xf32>, %a3: tensor<1x100x40xf32>, %a4: tensor<1x128x100xbf16>, %a5: tensor<32x128xf32>, %a6: tensor<16x32xf32>, %a7: tensor<16xf32>, %a8: tensor<32x16xf32>, %a9: tensor<16xf32>, %a10: tensor<16x32xf16>) -> tensor<1x32x16xf32> {
  %v1 = kf.linear %a0, %a1, %a2 layout(in_out) : tensor<1x32x128xf32>, tensor<128x40xbf16>, tensor<40xf32> -> tensor<1x32x40xf32>
  %v2 = kf.matmul %v1, %a3 transpose_rhs : tensor<1x32x40xf32>, tensor<1x100x40xf32> -> tensor<1x32x100xf32>
  %v3 = kf.matmul %v2, %a4 transpose_rhs : tensor<1x32x100xf32>, tensor<1x128x100xbf16> -> tensor<1x32x128xf32>
  %v4 = kf.linear %v3, %a5 layout(out_in) : tensor<1x32x128xf32>, tensor<32x128xf32> -> tensor<1x32x32xf32>
  %v5 = kf.linear %v4, %a6, %a7 layout(out_in) : tensor<1x32x32xf32>, tensor<16x32xf32>, tensor<16xf32> -> tensor<1x32x16xf32>
  %v6 = kf.split_heads %v5 {num_heads = 2} : tensor<1x32x16xf32> -> tensor<1x2x32x8xf32>
  %v7 = kf.linear %v4, %a8, %a9 layout(in_out) : tensor<1x32x32xf32>, tensor<32x16xf32>, tensor<16xf32> -> tensor<1x32x16xf32>
  %v8 = kf.split_heads %v7 {num_heads = 2} : tensor<1x32x16xf32> -> tensor<1x2x32x8xf32>
  %v9 = kf.linear %v4, %a10 layout(out_in) : tensor<1x32x32xf32>, tensor<16x32xf16> -> tensor<1x32x16xf32>
  %v10 = kf.split_heads %v9 {num_heads = 2} : tensor<1x32x16xf32> -> tensor<1x2x32x8xf32>
  %v11 = kf.attention %v6, %v8, %v10 causal : tensor<1x2x32x8xf32>, tensor<1x2x32x8xf32>, tensor<1x2x32x8xf32> -> tensor<1x2x32x8xf32>
  %v12 = kf.merge_heads %v11 : tensor<1x2x32x8xf32> -> tensor<1x32x16xf32>
  return %v12 : tensor<1x32x16xf32>
}
