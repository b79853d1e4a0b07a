func.func @linear_dynamic(%x: tensor<?x?x64xbf16>, %w: tensor<64x?xbf16>) -> tensor<?x?x?xbf16> {
  %0 = kf.linear %x, %w layout(in_out) : tensor<?x?x64xbf16>, tensor<64x?xbf16> -> tensor<?x?x?xbf16>
  return %0 : tensor<?x?x?xbf16>
}
