func.func @p6(%a0: tensor<2x18x8xf32>, %a1: tensor<8xf32>, %a2: tensor<2x18x8xf32>, %a3: tensor<8xf32>, %a4: tensor<2x18x8xf32>) -> tensor<2x18x8xf32> {
  %v1 = kf.add %a0, %a1 : tensor<2x18x8xf32>, tensor<8xf32>
  %v2 = kf.swiglu %v1, %a2 : tensor<2x18x8xf32>
  %v3 = kf.layer_norm %v2 scale(%a3 : tensor<8xf32>) {epsilon = 1.0e-05 : f64} : tensor<2x18x8xf32>
  %v4 = kf.mul %v3, %a4 : tensor<2x18x8xf32>, tensor<2x18x8xf32>
  return %v4 : tensor<2x18x8xf32>
}
