func.func @p12(%a0: tensor<2x19xi64>, %a1: tensor<7x16xf32>, %a2: tensor<19x16xf32>, %a3: tensor<2x8x16xf16>, %a4: tensor<8x7xf32>, %a5: tensor<1x1x1xf32>, %a6: tensor<7x96xi8>, %a7: tensor<7x96xf32>, %a8: tensor<96xf32>, %a9: tensor<96xf32>) -> tensor<2x19x96xf32> {
  %v1 = kf.embedding %a0, %a1 positions(%a2 : tensor<19x16xf32>) : tensor<2x19xi64>, tensor<7x16xf32> -> tensor<2x19x16xf32>
  %v2 = kf.matmul %v1, %a3 transpose_rhs : tensor<2x19x16xf32>, tensor<2x8x16xf16> -> tensor<2x19x8xf32>
  %v3 = kf.linear %v2, %a4 layout(in_out) : tensor<2x19x8xf32>, tensor<8x7xf32> -> tensor<2x19x7xf32>
  %v4 = kf.add %a5, %v3 : tensor<1x1x1xf32>, tensor<2x19x7xf32>
  %v5 = kf.linear %v4, %a6, %a8 scales(%a7 : tensor<7x96xf32>) layout(in_out) : tensor<2x19x7xf32>, tensor<7x96xi8>, tensor<96xf32> -> tensor<2x19x96xf32>
  %v6 = kf.softmax %v5 causal : tensor<2x19x96xf32>
  %v7 = kf.add %v6, %a9 : tensor<2x19x96xf32>, tensor<96xf32>
  return %v7 : tensor<2x19x96xf32>
}
