func.func @p18(%a0: tensor<2x16xi64>, %a1: tensor<45x5xf32>, %a2: tensor<5x7xf32>, %a3: tensor<7xf32>, %a4: tensor<7x31xf32>, %a5: tensor<31xf32>, %a6: tensor<2x16x31xf32>, %a7: tensor<1x1x1xf32>) -> tensor<2x16x31xf32> {
  %v1 = kf.embedding %a0, %a1 : tensor<2x16xi64>, tensor<45x5xf32> -> tensor<2x16x5xf32>
  %v2 = kf.linear %v1, %a2, %a3 layout(in_out) : tensor<2x16x5xf32>, tensor<5x7xf32>, tensor<7xf32> -> tensor<2x16x7xf32>
  %v3 = kf.linear %v2, %a4, %a5 layout(in_out) : tensor<2x16x7xf32>, tensor<7x31xf32>, tensor<31xf32> -> tensor<2x16x31xf32>
  %v4 = kf.add %v3, %a6 : tensor<2x16x31xf32>, tensor<2x16x31xf32>
  %v5 = kf.add %v4, %a7 : tensor<2x16x31xf32>, tensor<1x1x1xf32>
  return %v5 : tensor<2x16x31xf32>
}
