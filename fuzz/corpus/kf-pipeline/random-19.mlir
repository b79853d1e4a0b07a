func.func @p19(%a0: tensor<2x20x1xf32>, %a1: tensor<1xf32>, %a2: tensor<1xf32>) -> tensor<2x20x1xf32> {
  %v1 = kf.silu %a0 : tensor<2x20x1xf32>
  %v2 = kf.silu %v1 : tensor<2x20x1xf32>
  %v3 = kf.layer_norm %v2 scale(%a1 : tensor<1xf32>) bias(%a2 : tensor<1xf32>) {epsilon = 1.0e-05 : f64} : tensor<2x20x1xf32>
  return %v3 : tensor<2x20x1xf32>
}
