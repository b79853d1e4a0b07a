func.func @p11(%a0: tensor<2x17x65xf32>, %a1: tensor<65xf32>, %a2: tensor<65x7xf32>, %a3: tensor<7x3xf32>, %a4: tensor<129x3xbf16>, %a5: tensor<129xf32>, %a6: tensor<129xf32>, %a7: tensor<129x100xf32>, %a8: tensor<100xf32>) -> tensor<2x17x100xf32> {
  %v1 = kf.rms_norm %a0, %a1 {epsilon = 1.0e-06 : f64} : tensor<2x17x65xf32>, tensor<65xf32>
  %v2 = kf.linear %v1, %a2 layout(in_out) : tensor<2x17x65xf32>, tensor<65x7xf32> -> tensor<2x17x7xf32>
  %v3 = kf.linear %v2, %a3 layout(in_out) : tensor<2x17x7xf32>, tensor<7x3xf32> -> tensor<2x17x3xf32>
  %v4 = kf.linear %v3, %a4, %a5 layout(out_in) : tensor<2x17x3xf32>, tensor<129x3xbf16>, tensor<129xf32> -> tensor<2x17x129xf32>
  %v5 = kf.rms_norm %v4, %a6 {epsilon = 1.0e-06 : f64} : tensor<2x17x129xf32>, tensor<129xf32>
  %v6 = kf.linear %v5, %a7, %a8 layout(in_out) : tensor<2x17x129xf32>, tensor<129x100xf32>, tensor<100xf32> -> tensor<2x17x100xf32>
  return %v6 : tensor<2x17x100xf32>
}
