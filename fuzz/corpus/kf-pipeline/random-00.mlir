func.func @p0(%a0: tensor<2x25xi64>, %a1: tensor<33x100xf32>, %a2: tensor<28x100xf32>) -> tensor<2x25x100xf32> {
  %v1 = kf.embedding %a0, %a1 positions(%a2 : tensor<28x100xf32>) : tensor<2x25xi64>, tensor<33x100xf32> -> tensor<2x25x100xf32>
  %v2 = kf.gelu %v1 tanh : tensor<2x25x100xf32>
  return %v2 : tensor<2x25x100xf32>
}
