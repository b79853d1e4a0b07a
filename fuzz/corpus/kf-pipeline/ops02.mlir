func.func @linear_blocks(%x: tensor<2x64xf32>, %q: tensor<64x8xi8>, %s: tensor<2x8xf32>, %b: tensor<8xf32>,
                         %qt: tensor<27x64xi8>, %st: tensor<27x4xf32>, %ids: tensor<1x3xi64>)
    -> (tensor<2x8xf32>, tensor<2x27xf32>, tensor<1x3x64xf32>) {
  %0 = kf.linear %x, %q, %b scales(%s : tensor<2x8xf32>) layout(in_out) : tensor<2x64xf32>, tensor<64x8xi8>, tensor<8xf32> -> tensor<2x8xf32>
  %1 = kf.linear %x, %qt scales(%st : tensor<27x4xf32>) layout(out_in) : tensor<2x64xf32>, tensor<27x64xi8> -> tensor<2x27xf32>
  %2 = kf.embedding %ids, %qt scales(%st : tensor<27x4xf32>) : tensor<1x3xi64>, tensor<27x64xi8> -> tensor<1x3x64xf32>
  return %0, %1, %2 : tensor<2x8xf32>, tensor<2x27xf32>, tensor<1x3x64xf32>
}
