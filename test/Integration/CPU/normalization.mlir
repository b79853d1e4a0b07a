// Row reductions: layer norm (with and without bias), RMS norm, softmax on
// the last and on a leading axis, causal softmax (prefill Sq == Sk and the
// queries-at-the-end case Sq < Sk), argmax, and its first-index rule on ties.
// Normalised outputs are O(1); atol/rtol 1e-5 covers float32 sums of 100.
// RUN: kernelforge-compile %s -o %t.so
// Unvectorized, the reductions run as scf.parallel + scf.reduce loops.
// RUN: kernelforge-compile %s -o %t.loops.so --pipeline-options="vectorize=0"
// RUN: %check %t.loops.so --entry layer_norm --expect "ref.layer_norm(x0, x1, x2)" --scale 3
// RUN: %check %t.loops.so --entry rms_norm --expect "ref.rms_norm(x0, x1)"
// RUN: %check %t.loops.so --entry softmax_axis0 --expect "ref.softmax(x0, axis=0)" --scale 4
// RUN: %check %t.loops.so --entry softmax_causal_tail --expect "ref.softmax(x0, causal=True)"
// RUN: %check %t.loops.so --entry argmax_last --expect "ref.argmax(x0)"
// RUN: %check %t.so --entry layer_norm --expect "ref.layer_norm(x0, x1, x2)" --scale 3
// RUN: %check %t.so --entry layer_norm_scale --expect "ref.layer_norm(x0, x1, eps=1e-3)"
// RUN: %check %t.so --entry rms_norm --expect "ref.rms_norm(x0, x1)"
// RUN: %check %t.so --entry softmax_last --expect "ref.softmax(x0)" --scale 4
// RUN: %check %t.so --entry softmax_axis0 --expect "ref.softmax(x0, axis=0)" --scale 4
// RUN: %check %t.so --entry softmax_causal --expect "ref.softmax(x0, causal=True)"
// RUN: %check %t.so --entry softmax_causal_tail --expect "ref.softmax(x0, causal=True)"
// RUN: %check %t.so --entry argmax_last --expect "ref.argmax(x0)"
// RUN: %check %t.so --entry argmax_axis0 --expect "ref.argmax(x0, axis=0)"
// RUN: %check %t.so --entry argmax_ties --expect "np.zeros(5, dtype=np.int64)"
// Enough rows for the threads: the means and variances (sums of squares,
// maxima and sums) computed in the normalized rows' thread tiles
// (tile-and-vectorize-fusion.mlir), rows left over by the threads' tiles.
// RUN: %check %t.so --entry layer_norm_rows --expect "ref.layer_norm(x0, x1, x2)" --scale 3
// RUN: %check %t.so --entry rms_norm_rows --expect "ref.rms_norm(x0, x1)"
// RUN: %check %t.so --entry softmax_rows --expect "ref.softmax(x0)" --scale 4

func.func @layer_norm(%x: tensor<3x100xf32>, %g: tensor<100xf32>, %b: tensor<100xf32>) -> tensor<3x100xf32> {
  %y = kf.layer_norm %x scale(%g : tensor<100xf32>) bias(%b : tensor<100xf32>) {epsilon = 1.0e-05 : f64} : tensor<3x100xf32>
  return %y : tensor<3x100xf32>
}
func.func @layer_norm_scale(%x: tensor<2x64xf32>, %g: tensor<64xf32>) -> tensor<2x64xf32> {
  %y = kf.layer_norm %x scale(%g : tensor<64xf32>) {epsilon = 1.0e-03 : f64} : tensor<2x64xf32>
  return %y : tensor<2x64xf32>
}
func.func @layer_norm_rows(%x: tensor<45x96xf32>, %g: tensor<96xf32>, %b: tensor<96xf32>) -> tensor<45x96xf32> {
  %y = kf.layer_norm %x scale(%g : tensor<96xf32>) bias(%b : tensor<96xf32>) {epsilon = 1.0e-05 : f64} : tensor<45x96xf32>
  return %y : tensor<45x96xf32>
}
func.func @rms_norm_rows(%x: tensor<37x64xf32>, %w: tensor<64xf32>) -> tensor<37x64xf32> {
  %y = kf.rms_norm %x, %w {epsilon = 1.0e-06 : f64} : tensor<37x64xf32>, tensor<64xf32>
  return %y : tensor<37x64xf32>
}
func.func @softmax_rows(%x: tensor<24x128xf32>) -> tensor<24x128xf32> {
  %y = kf.softmax %x : tensor<24x128xf32>
  return %y : tensor<24x128xf32>
}
func.func @rms_norm(%x: tensor<4x33xf32>, %w: tensor<33xf32>) -> tensor<4x33xf32> {
  %y = kf.rms_norm %x, %w {epsilon = 1.0e-06 : f64} : tensor<4x33xf32>, tensor<33xf32>
  return %y : tensor<4x33xf32>
}
func.func @softmax_last(%x: tensor<3x70xf32>) -> tensor<3x70xf32> {
  %y = kf.softmax %x : tensor<3x70xf32>
  return %y : tensor<3x70xf32>
}
func.func @softmax_axis0(%x: tensor<5x18xf32>) -> tensor<5x18xf32> {
  %y = kf.softmax %x {axis = 0 : i64} : tensor<5x18xf32>
  return %y : tensor<5x18xf32>
}
func.func @softmax_causal(%x: tensor<2x7x7xf32>) -> tensor<2x7x7xf32> {
  %y = kf.softmax %x causal : tensor<2x7x7xf32>
  return %y : tensor<2x7x7xf32>
}
func.func @softmax_causal_tail(%x: tensor<1x3x10xf32>) -> tensor<1x3x10xf32> {
  %y = kf.softmax %x causal : tensor<1x3x10xf32>
  return %y : tensor<1x3x10xf32>
}
func.func @argmax_last(%x: tensor<4x27xf32>) -> tensor<4xi64> {
  %i = kf.argmax %x : tensor<4x27xf32> -> tensor<4xi64>
  return %i : tensor<4xi64>
}
func.func @argmax_axis0(%x: tensor<6x5xf32>) -> tensor<5xi64> {
  %i = kf.argmax %x {axis = 0 : i64} : tensor<6x5xf32> -> tensor<5xi64>
  return %i : tensor<5xi64>
}
// Every column is constant: the first index wins.
func.func @argmax_ties() -> tensor<5xi64> {
  %x = arith.constant dense<1.5> : tensor<6x5xf32>
  %i = kf.argmax %x {axis = 0 : i64} : tensor<6x5xf32> -> tensor<5xi64>
  return %i : tensor<5xi64>
}
