func.func @linear(%x: tensor<2x16x64xf32>, %w: tensor<64x192xf32>, %b: tensor<192xf32>,
                  %wt: tensor<27x64xf32>) -> (tensor<2x16x192xf32>, tensor<2x16x27xf32>) {
  %0 = kf.linear %x, %w, %b layout(in_out) : tensor<2x16x64xf32>, tensor<64x192xf32>, tensor<192xf32> -> tensor<2x16x192xf32>
  %1 = kf.linear %x, %wt layout(out_in) : tensor<2x16x64xf32>, tensor<27x64xf32> -> tensor<2x16x27xf32>
  return %0, %1 : tensor<2x16x192xf32>, tensor<2x16x27xf32>
}
