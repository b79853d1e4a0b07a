func.func @heads(%x: tensor<2x16x64xf32>, %d: tensor<2x?x?xf32>) -> (tensor<2x16x64xf32>, tensor<2x4x?x?xf32>) {
  %0 = kf.split_heads %x {num_heads = 4} : tensor<2x16x64xf32> -> tensor<2x4x16x16xf32>
  %1 = kf.merge_heads %0 : tensor<2x4x16x16xf32> -> tensor<2x16x64xf32>
  %2 = kf.split_heads %d {num_heads = 4} : tensor<2x?x?xf32> -> tensor<2x4x?x?xf32>
  return %1, %2 : tensor<2x16x64xf32>, tensor<2x4x?x?xf32>
}
