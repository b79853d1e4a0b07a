func.func @broadcast_binary(%x: tensor<2x16x64xf32>, %v: tensor<64xf32>, %c: tensor<2x1x1xf32>,
                            %d: tensor<?x16x64xf32>) -> (tensor<2x16x64xf32>, tensor<2x16x64xf32>, tensor<2x16x64xf32>) {
  %0 = kf.add %x, %v : tensor<2x16x64xf32>, tensor<64xf32>
  %1 = kf.mul %x, %c : tensor<2x16x64xf32>, tensor<2x1x1xf32>
  %2 = kf.add %d, %x : tensor<?x16x64xf32>, tensor<2x16x64xf32>
  return %0, %1, %2 : tensor<2x16x64xf32>, tensor<2x16x64xf32>, tensor<2x16x64xf32>
}
