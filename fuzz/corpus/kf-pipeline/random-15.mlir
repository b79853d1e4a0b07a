func.func @p15(%a0: tensor<1x22x5xf32>, %a1: tensor<1x7x5xf32>, %a2: tensor<32x7xbf16>, %a3: tensor<32xf32>, %a4: tensor<7x32xi8>, %a5: tensor<7x32xf32>, %a6: tensor<32x7xbf16>, %a7: tensor<32xf32>, %a8: index, %a9: tensor<1x1x38x32xf32>, %a10: tensor<1x1x38x32xf32>, %a11: tensor<3x32xi8>, %a12: tensor<3x1xf32>, %a13: tensor<1x3x12xf32>) -> tensor<1x22x12xf32> {
  %v1 = kf.matmul %a0, %a1 transpose_rhs : tensor<1x22x5xf32>, tensor<1x7x5xf32> -> tensor<1x22x7xf32>
  %v2 = kf.linear %v1, %a2, %a3 layout(out_in) : tensor<1x22x7xf32>, tensor<32x7xbf16>, tensor<32xf32> -> tensor<1x22x32xf32>
  %v3 = kf.split_heads %v2 {num_heads = 1} : tensor<1x22x32xf32> -> tensor<1x1x22x32xf32>
  %v4 = kf.linear %v1, %a4 scales(%a5 : tensor<7x32xf32>) layout(in_out) : tensor<1x22x7xf32>, tensor<7x32xi8> -> tensor<1x22x32xf32>
  %v5 = kf.split_heads %v4 {num_heads = 1} : tensor<1x22x32xf32> -> tensor<1x1x22x32xf32>
  %v6 = kf.linear %v1, %a6, %a7 layout(out_in) : tensor<1x22x7xf32>, tensor<32x7xbf16>, tensor<32xf32> -> tensor<1x22x32xf32>
  %v7 = kf.split_heads %v6 {num_heads = 1} : tensor<1x22x32xf32> -> tensor<1x1x22x32xf32>
  %v8 = kf.kv_cache_update %v5 into %a9[%a8] : tensor<1x1x22x32xf32> into tensor<1x1x38x32xf32>
  %v9 = kf.kv_cache_update %v7 into %a10[%a8] : tensor<1x1x22x32xf32> into tensor<1x1x38x32xf32>
  %v10 = kf.attention %v3, %v8, %v9 causal offset(%a8) {window = 11 : i64} : tensor<1x1x22x32xf32>, tensor<1x1x38x32xf32>, tensor<1x1x38x32xf32> -> tensor<1x1x22x32xf32>
  %v11 = kf.merge_heads %v10 : tensor<1x1x22x32xf32> -> tensor<1x22x32xf32>
  %v12 = kf.linear %v11, %a11 scales(%a12 : tensor<3x1xf32>) layout(out_in) : tensor<1x22x32xf32>, tensor<3x32xi8> -> tensor<1x22x3xf32>
  %v13 = kf.matmul %v12, %a13 : tensor<1x22x3xf32>, tensor<1x3x12xf32> -> tensor<1x22x12xf32>
  return %v13 : tensor<1x22x12xf32>
}
