func.func @p9(%a0: tensor<1x20x129xf32>, %a1: tensor<129x24xf16>, %a2: tensor<24x64xi8>, %a3: tensor<6x64xf32>, %a4: tensor<64xf32>, %a5: tensor<12x64xbf16>, %a6: tensor<12xf32>, %a7: tensor<6x64xi8>, %a8: tensor<6x8xf32>, %a9: tensor<64x6xi8>, %a10: tensor<8x6xf32>, %a11: tensor<40x12xf16>, %a12: tensor<1x40x7xf32>) -> tensor<1x20x7xf32> {
  %v1 = kf.linear %a0, %a1 layout(in_out) : tensor<1x20x129xf32>, tensor<129x24xf16> -> tensor<1x20x24xf32>
  %v2 = kf.linear %v1, %a2, %a4 scales(%a3 : tensor<6x64xf32>) layout(in_out) : tensor<1x20x24xf32>, tensor<24x64xi8>, tensor<64xf32> -> tensor<1x20x64xf32>
  %v3 = kf.linear %v2, %a5, %a6 layout(out_in) : tensor<1x20x64xf32>, tensor<12x64xbf16>, tensor<12xf32> -> tensor<1x20x12xf32>
  %v4 = kf.split_heads %v3 {num_heads = 6} : tensor<1x20x12xf32> -> tensor<1x6x20x2xf32>
  %v5 = kf.linear %v2, %a7 scales(%a8 : tensor<6x8xf32>) layout(out_in) : tensor<1x20x64xf32>, tensor<6x64xi8> -> tensor<1x20x6xf32>
  %v6 = kf.split_heads %v5 {num_heads = 3} : tensor<1x20x6xf32> -> tensor<1x3x20x2xf32>
  %v7 = kf.linear %v2, %a9 scales(%a10 : tensor<8x6xf32>) layout(in_out) : tensor<1x20x64xf32>, tensor<64x6xi8> -> tensor<1x20x6xf32>
  %v8 = kf.split_heads %v7 {num_heads = 3} : tensor<1x20x6xf32> -> tensor<1x3x20x2xf32>
  %v9 = kf.attention %v4, %v6, %v8 causal {window = 18 : i64} : tensor<1x6x20x2xf32>, tensor<1x3x20x2xf32>, tensor<1x3x20x2xf32> -> tensor<1x6x20x2xf32>
  %v10 = kf.merge_heads %v9 : tensor<1x6x20x2xf32> -> tensor<1x20x12xf32>
  %v11 = kf.linear %v10, %a11 layout(out_in) : tensor<1x20x12xf32>, tensor<40x12xf16> -> tensor<1x20x40xf32>
  %v12 = kf.layer_norm %v11 {epsilon = 1.0e-05 : f64} : tensor<1x20x40xf32>
  %v13 = kf.matmul %v12, %a12 : tensor<1x20x40xf32>, tensor<1x40x7xf32> -> tensor<1x20x7xf32>
  %v14 = kf.softmax %v13 : tensor<1x20x7xf32>
  return %v14 : tensor<1x20x7xf32>
}
