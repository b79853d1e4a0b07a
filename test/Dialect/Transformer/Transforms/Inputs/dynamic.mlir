func.func @dynamic(%x: tensor<?x64xf32>, %w: tensor<64x8xf32>) -> tensor<?x8xf32> {
  %0 = kf.linear %x, %w layout(in_out) : tensor<?x64xf32>, tensor<64x8xf32> -> tensor<?x8xf32>
  return %0 : tensor<?x8xf32>
}
