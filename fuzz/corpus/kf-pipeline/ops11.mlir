func.func @decode_attention(%q: tensor<1x4x1x16xf32>, %k: tensor<1x4x1x16xf32>, %v: tensor<1x4x1x16xf32>,
                            %kc: tensor<1x4x128x16xf32>, %vc: tensor<1x4x128x16xf32>, %pos: index)
    -> (tensor<1x4x1x16xf32>, tensor<1x4x128x16xf32>, tensor<1x4x128x16xf32>) {
  %kc2 = kf.kv_cache_update %k into %kc[%pos] : tensor<1x4x1x16xf32> into tensor<1x4x128x16xf32>
  %vc2 = kf.kv_cache_update %v into %vc[%pos] : tensor<1x4x1x16xf32> into tensor<1x4x128x16xf32>
  %o = kf.attention %q, %kc2, %vc2 causal offset(%pos)
      : tensor<1x4x1x16xf32>, tensor<1x4x128x16xf32>, tensor<1x4x128x16xf32> -> tensor<1x4x1x16xf32>
  return %o, %kc2, %vc2 : tensor<1x4x1x16xf32>, tensor<1x4x128x16xf32>, tensor<1x4x128x16xf32>
}
