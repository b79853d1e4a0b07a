func.func @embedding(%ids: tensor<1x16xi64>, %ids32: tensor<3xi32>, %wte: tensor<27x64xf32>,
                     %wpe: tensor<16x64xf32>, %pos: index)
    -> (tensor<1x16x64xf32>, tensor<3x64xf32>, tensor<3x64xf32>) {
  %0 = kf.embedding %ids, %wte positions(%wpe : tensor<16x64xf32>) : tensor<1x16xi64>, tensor<27x64xf32> -> tensor<1x16x64xf32>
  %1 = kf.embedding %ids32, %wte : tensor<3xi32>, tensor<27x64xf32> -> tensor<3x64xf32>
  %2 = kf.embedding %ids32, %wte positions(%wpe : tensor<16x64xf32>) offset(%pos) : tensor<3xi32>, tensor<27x64xf32> -> tensor<3x64xf32>
  return %0, %1, %2 : tensor<1x16x64xf32>, tensor<3x64xf32>, tensor<3x64xf32>
}
