func.func @embedding_storage_type(%ids: tensor<1x4xi64>, %wte: tensor<27x64xbf16>,
                                  %wpe: tensor<16x64xf32>) -> (tensor<1x4x64xf32>, tensor<1x4x64xbf16>) {
  %0 = kf.embedding %ids, %wte positions(%wpe : tensor<16x64xf32>) : tensor<1x4xi64>, tensor<27x64xbf16> -> tensor<1x4x64xf32>
  %1 = kf.embedding %ids, %wte : tensor<1x4xi64>, tensor<27x64xbf16> -> tensor<1x4x64xbf16>
  return %0, %1 : tensor<1x4x64xf32>, tensor<1x4x64xbf16>
}
