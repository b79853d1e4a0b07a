// Head split/merge, the embedding gather with learned positions at an
// offset, rotary embeddings in both pair layouts and with an explicit
// frequency table (a scaled rope), and the KV-cache write.
// All but rope are exact copies or a single addition; rope's angles go
// through the sin/cos polynomials (atol 1e-5 for positions up to 20).
// RUN: kernelforge-compile %s -o %t.so
// RUN: %check %t.so --entry split --expect "ref.split_heads(x0, 3)"
// RUN: %check %t.so --entry merge --expect "ref.merge_heads(x0)"
// RUN: %check %t.so --entry embed --ints-below 11 --scalar 5 --expect "ref.embedding(x0, x1, x2, offset=5)"
// RUN: %check %t.so --entry rope_half --scalar 13 --expect "ref.rope(x0, offset=13)"
// RUN: %check %t.so --entry rope_interleaved --scalar 2 --expect "ref.rope(x0, offset=2, theta=500.0, interleaved=True)"
// RUN: %check %t.so --entry rope_table --scalar 9 --expect "ref.rope(x0, offset=9, inv_freq=[1.0, 0.25, 0.03125, 0.001])"
// RUN: %check %t.so --entry cache --scalar 6 --expect "ref.kv_cache_update(x0, x1, 6)"

func.func @split(%x: tensor<2x5x36xf32>) -> tensor<2x3x5x12xf32> {
  %y = kf.split_heads %x {num_heads = 3 : i64} : tensor<2x5x36xf32> -> tensor<2x3x5x12xf32>
  return %y : tensor<2x3x5x12xf32>
}
func.func @merge(%x: tensor<2x3x5x12xf32>) -> tensor<2x5x36xf32> {
  %y = kf.merge_heads %x : tensor<2x3x5x12xf32> -> tensor<2x5x36xf32>
  return %y : tensor<2x5x36xf32>
}
func.func @embed(%ids: tensor<2x7xi64>, %wte: tensor<11x20xf32>, %wpe: tensor<16x20xf32>, %pos: index) -> tensor<2x7x20xf32> {
  %x = kf.embedding %ids, %wte positions(%wpe : tensor<16x20xf32>) offset(%pos) : tensor<2x7xi64>, tensor<11x20xf32> -> tensor<2x7x20xf32>
  return %x : tensor<2x7x20xf32>
}
func.func @rope_half(%x: tensor<1x2x5x18xf32>, %pos: index) -> tensor<1x2x5x18xf32> {
  %y = kf.rope %x offset(%pos) {theta = 1.000000e+04 : f64} : tensor<1x2x5x18xf32>
  return %y : tensor<1x2x5x18xf32>
}
func.func @rope_interleaved(%x: tensor<2x1x4x8xf32>, %pos: index) -> tensor<2x1x4x8xf32> {
  %y = kf.rope %x offset(%pos) interleaved {theta = 5.000000e+02 : f64} : tensor<2x1x4x8xf32>
  return %y : tensor<2x1x4x8xf32>
}
func.func @rope_table(%x: tensor<1x3x4x8xf32>, %pos: index) -> tensor<1x3x4x8xf32> {
  %y = kf.rope %x offset(%pos) {theta = 1.000000e+04 : f64, frequencies = array<f64: 1.0, 0.25, 0.03125, 0.001>} : tensor<1x3x4x8xf32>
  return %y : tensor<1x3x4x8xf32>
}
func.func @cache(%k: tensor<1x2x3x16xf32>, %c: tensor<1x2x12x16xf32>, %pos: index) -> tensor<1x2x12x16xf32> {
  %y = kf.kv_cache_update %k into %c[%pos] : tensor<1x2x3x16xf32> into tensor<1x2x12x16xf32>
  return %y : tensor<1x2x12x16xf32>
}
