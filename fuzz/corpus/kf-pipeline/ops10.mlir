func.func @attention_window_softcap(%q: tensor<1x8x16x64xf32>, %k: tensor<1x2x16x64xf32>) -> tensor<1x8x16x64xf32> {
  %0 = kf.attention %q, %k, %k causal {window = 4 : i64, softcap = 50.0 : f64}
      : tensor<1x8x16x64xf32>, tensor<1x2x16x64xf32>, tensor<1x2x16x64xf32> -> tensor<1x8x16x64xf32>
  return %0 : tensor<1x8x16x64xf32>
}
