func.func @p4(%a0: tensor<1x2x40xf32>, %a1: tensor<40x6xf32>, %a2: tensor<40x6xf32>, %a3: tensor<6xf32>, %a4: tensor<40x6xf16>, %a5: tensor<6xf32>, %a6: tensor<8x6xi8>, %a7: tensor<8x6xf32>, %a8: tensor<8xf32>, %a9: tensor<6x8xi8>, %a10: tensor<6x8xf32>, %a11: tensor<8xf32>, %a12: tensor<8x6xi8>, %a13: tensor<8x6xf32>, %a14: tensor<1x2x8xf32>, %a15: tensor<1x8x1xbf16>, %a16: tensor<1xf32>) -> tensor<1x2x1xf32> {
  %v1 = kf.linear %a0, %a1 layout(in_out) : tensor<1x2x40xf32>, tensor<40x6xf32> -> tensor<1x2x6xf32>
  %v2 = kf.split_heads %v1 {num_heads = 1} : tensor<1x2x6xf32> -> tensor<1x1x2x6xf32>
  %v3 = kf.linear %a0, %a2, %a3 layout(in_out) : tensor<1x2x40xf32>, tensor<40x6xf32>, tensor<6xf32> -> tensor<1x2x6xf32>
  %v4 = kf.split_heads %v3 {num_heads = 1} : tensor<1x2x6xf32> -> tensor<1x1x2x6xf32>
  %v5 = kf.linear %a0, %a4, %a5 layout(in_out) : tensor<1x2x40xf32>, tensor<40x6xf16>, tensor<6xf32> -> tensor<1x2x6xf32>
  %v6 = kf.split_heads %v5 {num_heads = 1} : tensor<1x2x6xf32> -> tensor<1x1x2x6xf32>
  %v7 = kf.attention %v2, %v4, %v6 : tensor<1x1x2x6xf32>, tensor<1x1x2x6xf32>, tensor<1x1x2x6xf32> -> tensor<1x1x2x6xf32>
  %v8 = kf.merge_heads %v7 : tensor<1x1x2x6xf32> -> tensor<1x2x6xf32>
  %v9 = kf.linear %v8, %a6, %a8 scales(%a7 : tensor<8x6xf32>) layout(out_in) : tensor<1x2x6xf32>, tensor<8x6xi8>, tensor<8xf32> -> tensor<1x2x8xf32>
  %v10 = kf.split_heads %v9 {num_heads = 1} : tensor<1x2x8xf32> -> tensor<1x1x2x8xf32>
  %v11 = kf.linear %v8, %a9, %a11 scales(%a10 : tensor<6x8xf32>) layout(in_out) : tensor<1x2x6xf32>, tensor<6x8xi8>, tensor<8xf32> -> tensor<1x2x8xf32>
  %v12 = kf.split_heads %v11 {num_heads = 1} : tensor<1x2x8xf32> -> tensor<1x1x2x8xf32>
  %v13 = kf.linear %v8, %a12 scales(%a13 : tensor<8x6xf32>) layout(out_in) : tensor<1x2x6xf32>, tensor<8x6xi8> -> tensor<1x2x8xf32>
  %v14 = kf.split_heads %v13 {num_heads = 1} : tensor<1x2x8xf32> -> tensor<1x1x2x8xf32>
  %v15 = kf.attention %v10, %v12, %v14 causal {window = 3 : i64} : tensor<1x1x2x8xf32>, tensor<1x1x2x8xf32>, tensor<1x1x2x8xf32> -> tensor<1x1x2x8xf32>
  %v16 = kf.merge_heads %v15 : tensor<1x1x2x8xf32> -> tensor<1x2x8xf32>
  %v17 = kf.softmax %v16 causal : tensor<1x2x8xf32>
  %v18 = kf.swiglu %v17, %a14 : tensor<1x2x8xf32>
  %v19 = kf.matmul %v18, %a15 : tensor<1x2x8xf32>, tensor<1x8x1xbf16> -> tensor<1x2x1xf32>
  %v20 = kf.rms_norm %v19, %a16 {epsilon = 1.0e-05 : f64} : tensor<1x2x1xf32>, tensor<1xf32>
  return %v20 : tensor<1x2x1xf32>
}
