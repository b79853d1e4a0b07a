func.func @linear_storage_types(%x: tensor<1x64xf32>, %w: tensor<64x8xbf16>, %b: tensor<8xf32>,
                                %wt: tensor<27x64xf16>, %a: tensor<2x4x64xf32>,
                                %bb: tensor<2x27x64xf16>)
    -> (tensor<1x8xf32>, tensor<1x27xf32>, tensor<2x4x27xf32>) {
  %0 = kf.linear %x, %w, %b layout(in_out) : tensor<1x64xf32>, tensor<64x8xbf16>, tensor<8xf32> -> tensor<1x8xf32>
  %1 = kf.linear %x, %wt layout(out_in) : tensor<1x64xf32>, tensor<27x64xf16> -> tensor<1x27xf32>
  %2 = kf.matmul %a, %bb transpose_rhs : tensor<2x4x64xf32>, tensor<2x27x64xf16> -> tensor<2x4x27xf32>
  return %0, %1, %2 : tensor<1x8xf32>, tensor<1x27xf32>, tensor<2x4x27xf32>
}
