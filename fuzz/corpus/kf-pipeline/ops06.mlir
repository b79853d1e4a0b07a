func.func @activations(%x: tensor<1x16x256xf32>, %y: tensor<1x16x256xf32>)
    -> (tensor<1x16x256xf32>, tensor<1x16x256xf32>, tensor<1x16x256xf32>, tensor<1x16x256xf32>) {
  %0 = kf.gelu %x tanh : tensor<1x16x256xf32>
  %1 = kf.gelu %x erf : tensor<1x16x256xf32>
  %2 = kf.silu %x : tensor<1x16x256xf32>
  %3 = kf.swiglu %x, %y : tensor<1x16x256xf32>
  return %0, %1, %2, %3 : tensor<1x16x256xf32>, tensor<1x16x256xf32>, tensor<1x16x256xf32>, tensor<1x16x256xf32>
}
