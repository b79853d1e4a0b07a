func.func @argmax(%logits: tensor<2x27xf32>) -> (tensor<2xi64>, tensor<27xi64>) {
  %0 = kf.argmax %logits : tensor<2x27xf32> -> tensor<2xi64>
  %1 = kf.argmax %logits {axis = 0} : tensor<2x27xf32> -> tensor<27xi64>
  return %0, %1 : tensor<2xi64>, tensor<27xi64>
}
