func.func @params(%wte: tensor<27x64xf32> {kf.param = "wte.weight"}) -> tensor<27x64xf32> {
  return %wte : tensor<27x64xf32>
}
