func.func @p3(%a0: tensor<2x38x5xf32>, %a1: tensor<5x48xi8>, %a2: tensor<5x48xf32>, %a3: tensor<48xf32>, %a4: tensor<24x5xf16>, %a5: tensor<24x5xf32>, %a6: index, %a7: tensor<2x3x54x8xf32>, %a8: tensor<2x3x54x8xf32>, %a9: tensor<48xf32>, %a10: tensor<48xf32>) -> tensor<2x38x48xf32> {
  %v1 = kf.linear %a0, %a1, %a3 scales(%a2 : tensor<5x48xf32>) layout(in_out) : tensor<2x38x5xf32>, tensor<5x48xi8>, tensor<48xf32> -> tensor<2x38x48xf32>
  %v2 = kf.split_heads %v1 {num_heads = 6} : tensor<2x38x48xf32> -> tensor<2x6x38x8xf32>
  %v3 = kf.linear %a0, %a4 layout(out_in) : tensor<2x38x5xf32>, tensor<24x5xf16> -> tensor<2x38x24xf32>
  %v4 = kf.split_heads %v3 {num_heads = 3} : tensor<2x38x24xf32> -> tensor<2x3x38x8xf32>
  %v5 = kf.linear %a0, %a5 layout(out_in) : tensor<2x38x5xf32>, tensor<24x5xf32> -> tensor<2x38x24xf32>
  %v6 = kf.split_heads %v5 {num_heads = 3} : tensor<2x38x24xf32> -> tensor<2x3x38x8xf32>
  %v7 = kf.kv_cache_update %v4 into %a7[%a6] : tensor<2x3x38x8xf32> into tensor<2x3x54x8xf32>
  %v8 = kf.kv_cache_update %v6 into %a8[%a6] : tensor<2x3x38x8xf32> into tensor<2x3x54x8xf32>
  %v9 = kf.attention %v2, %v7, %v8 causal offset(%a6) : tensor<2x6x38x8xf32>, tensor<2x3x54x8xf32>, tensor<2x3x54x8xf32> -> tensor<2x6x38x8xf32>
  %v10 = kf.merge_heads %v9 : tensor<2x6x38x8xf32> -> tensor<2x38x48xf32>
  %v11 = kf.layer_norm %v10 scale(%a9 : tensor<48xf32>) bias(%a10 : tensor<48xf32>) {epsilon = 1.0e-06 : f64} : tensor<2x38x48xf32>
  return %v11 : tensor<2x38x48xf32>
}
