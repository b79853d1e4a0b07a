func.func @matmul(%a: tensor<2x4x16x8xf16>, %b: tensor<2x4x8x32xf16>, %k: tensor<2x4x32x8xf16>)
    -> (tensor<2x4x16x32xf16>, tensor<2x4x16x32xf16>) {
  %0 = kf.matmul %a, %b : tensor<2x4x16x8xf16>, tensor<2x4x8x32xf16> -> tensor<2x4x16x32xf16>
  %1 = kf.matmul %a, %k transpose_rhs : tensor<2x4x16x8xf16>, tensor<2x4x32x8xf16> -> tensor<2x4x16x32xf16>
  return %0, %1 : tensor<2x4x16x32xf16>, tensor<2x4x16x32xf16>
}
