func.func @p2(%a0: tensor<1x11xi64>, %a1: tensor<17x33xf32>, %a2: tensor<15x33xf32>, %a3: tensor<120x33xf32>, %a4: tensor<40x33xbf16>, %a5: tensor<40xf32>, %a6: tensor<40x33xi8>, %a7: tensor<40x33xf32>, %a8: tensor<40xf32>) -> tensor<1x11x120xf32> {
  %v1 = kf.embedding %a0, %a1 positions(%a2 : tensor<15x33xf32>) : tensor<1x11xi64>, tensor<17x33xf32> -> tensor<1x11x33xf32>
  %v2 = kf.linear %v1, %a3 layout(out_in) : tensor<1x11x33xf32>, tensor<120x33xf32> -> tensor<1x11x120xf32>
  %v3 = kf.split_heads %v2 {num_heads = 6} : tensor<1x11x120xf32> -> tensor<1x6x11x20xf32>
  %v4 = kf.linear %v1, %a4, %a5 layout(out_in) : tensor<1x11x33xf32>, tensor<40x33xbf16>, tensor<40xf32> -> tensor<1x11x40xf32>
  %v5 = kf.split_heads %v4 {num_heads = 2} : tensor<1x11x40xf32> -> tensor<1x2x11x20xf32>
  %v6 = kf.linear %v1, %a6, %a8 scales(%a7 : tensor<40x33xf32>) layout(out_in) : tensor<1x11x33xf32>, tensor<40x33xi8>, tensor<40xf32> -> tensor<1x11x40xf32>
  %v7 = kf.split_heads %v6 {num_heads = 2} : tensor<1x11x40xf32> -> tensor<1x2x11x20xf32>
  %v8 = kf.attention %v3, %v5, %v7 : tensor<1x6x11x20xf32>, tensor<1x2x11x20xf32>, tensor<1x2x11x20xf32> -> tensor<1x6x11x20xf32>
  %v9 = kf.merge_heads %v8 : tensor<1x6x11x20xf32> -> tensor<1x11x120xf32>
  %v10 = kf.layer_norm %v9 {epsilon = 1.0e-06 : f64} : tensor<1x11x120xf32>
  return %v10 : tensor<1x11x120xf32>
}
