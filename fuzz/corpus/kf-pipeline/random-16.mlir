func.func @p16(%a0: tensor<2x27x96xf32>, %a1: tensor<2x27x96xf32>) -> tensor<2x27x96xf32> {
  %v1 = kf.swiglu %a0, %a1 : tensor<2x27x96xf32>
  return %v1 : tensor<2x27x96xf32>
}
