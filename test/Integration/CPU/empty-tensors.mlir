// Zero-sized tensors: an op over an empty iteration space runs no iteration
// (kf-tile-and-vectorize replaces it with its init: a product over no
// reduction is its bias), on the CPU and in the GPU emulator, against
// float64 NumPy. (kf.attention and kf.argmax reject them:
// test/Dialect/Transformer/invalid.mlir.)
// RUN: kernelforge-compile %s -o %t.so
// RUN: %check %t.so --entry rows0 --expect "ref.linear(x0, x1, x2)"
// RUN: %check %t.so --entry k0 --expect "ref.linear(x0, x1, x2)"
// RUN: %check %t.so --entry n0 --expect "ref.linear(x0, x1, layout='out_in')"
// RUN: %check %t.so --entry q8rows0 --expect "ref.linear(x0, ref.dequantize(x1, p['w.scales'], 'out_in'), layout='out_in')"
// RUN: %check %t.so --entry q8k0 --expect "ref.linear(x0, ref.dequantize(x1, p['w.scales']), x2)"
// RUN: %check %t.so --entry bf16rows0 --expect "ref.linear(x0, x1)"
// RUN: %check %t.so --entry batched0 --expect "ref.matmul(x0, x1)"
// RUN: %check %t.so --entry norm0 --expect "ref.layer_norm(x0, x1, x2)"
// RUN: %check %t.so --entry rms0 --expect "ref.rms_norm(x0, x1)"
// RUN: %check %t.so --entry softmax0 --expect "ref.softmax(x0)"
// RUN: %check %t.so --entry gelu0 --expect "ref.gelu(x0)"
// RUN: %check %t.so --entry swiglu0 --expect "ref.swiglu(x0, x1)"
// RUN: %check %t.so --entry split0 --expect "ref.split_heads(x0, 3)"
// RUN: %check %t.so --entry embed0 --ints-below 11 --scalar 2 --expect "ref.embedding(x0, x1, x2, offset=2)"
// RUN: %check %t.so --entry cache0 --scalar 5 --expect "ref.kv_cache_update(x0, x1, 5)"
// RUN: kernelforge-compile %s --target=gpu-emulator -o %t.emu.so
// RUN: %check %t.emu.so --entry rows0 --expect "ref.linear(x0, x1, x2)"
// RUN: %check %t.emu.so --entry k0 --expect "ref.linear(x0, x1, x2)"
// RUN: %check %t.emu.so --entry norm0 --expect "ref.layer_norm(x0, x1, x2)"
// RUN: %check %t.emu.so --entry softmax0 --expect "ref.softmax(x0)"

func.func @rows0(%x: tensor<0x64xf32>, %w: tensor<64x32xf32>, %b: tensor<32xf32>) -> tensor<0x32xf32> {
  %y = kf.linear %x, %w, %b layout(in_out) : tensor<0x64xf32>, tensor<64x32xf32>, tensor<32xf32> -> tensor<0x32xf32>
  return %y : tensor<0x32xf32>
}
func.func @k0(%x: tensor<4x0xf32>, %w: tensor<0x32xf32>, %b: tensor<32xf32>) -> tensor<4x32xf32> {
  %y = kf.linear %x, %w, %b layout(in_out) : tensor<4x0xf32>, tensor<0x32xf32>, tensor<32xf32> -> tensor<4x32xf32>
  return %y : tensor<4x32xf32>
}
func.func @n0(%x: tensor<4x64xf32>, %w: tensor<0x64xf32>) -> tensor<4x0xf32> {
  %y = kf.linear %x, %w layout(out_in) : tensor<4x64xf32>, tensor<0x64xf32> -> tensor<4x0xf32>
  return %y : tensor<4x0xf32>
}
func.func @q8rows0(%x: tensor<0x64xf32>, %w: tensor<32x64xi8> {kf.param = "w"},
                   %s: tensor<32x2xf16> {kf.param = "w.scales"}) -> tensor<0x32xf32> {
  %y = kf.linear %x, %w scales(%s : tensor<32x2xf16>) layout(out_in) : tensor<0x64xf32>, tensor<32x64xi8> -> tensor<0x32xf32>
  return %y : tensor<0x32xf32>
}
func.func @q8k0(%x: tensor<3x0xf32>, %w: tensor<0x40xi8> {kf.param = "w"}, %b: tensor<40xf32>,
                %s: tensor<1x40xf16> {kf.param = "w.scales"}) -> tensor<3x40xf32> {
  %y = kf.linear %x, %w, %b scales(%s : tensor<1x40xf16>) layout(in_out) : tensor<3x0xf32>, tensor<0x40xi8>, tensor<40xf32> -> tensor<3x40xf32>
  return %y : tensor<3x40xf32>
}
func.func @bf16rows0(%x: tensor<0x64xf32>, %w: tensor<64x32xbf16>) -> tensor<0x32xf32> {
  %y = kf.linear %x, %w layout(in_out) : tensor<0x64xf32>, tensor<64x32xbf16> -> tensor<0x32xf32>
  return %y : tensor<0x32xf32>
}
func.func @batched0(%a: tensor<2x3x0x24xf32>, %b: tensor<2x3x24x36xf32>) -> tensor<2x3x0x36xf32> {
  %c = kf.matmul %a, %b : tensor<2x3x0x24xf32>, tensor<2x3x24x36xf32> -> tensor<2x3x0x36xf32>
  return %c : tensor<2x3x0x36xf32>
}
func.func @norm0(%x: tensor<0x70xf32>, %g: tensor<70xf32>, %b: tensor<70xf32>) -> tensor<0x70xf32> {
  %y = kf.layer_norm %x scale(%g : tensor<70xf32>) bias(%b : tensor<70xf32>) {epsilon = 1.0e-05 : f64} : tensor<0x70xf32>
  return %y : tensor<0x70xf32>
}
func.func @rms0(%x: tensor<0x33xf32>, %w: tensor<33xf32>) -> tensor<0x33xf32> {
  %y = kf.rms_norm %x, %w {epsilon = 1.0e-06 : f64} : tensor<0x33xf32>, tensor<33xf32>
  return %y : tensor<0x33xf32>
}
func.func @softmax0(%x: tensor<2x0x9xf32>) -> tensor<2x0x9xf32> {
  %y = kf.softmax %x : tensor<2x0x9xf32>
  return %y : tensor<2x0x9xf32>
}
func.func @gelu0(%x: tensor<0x37xf32>) -> tensor<0x37xf32> {
  %y = kf.gelu %x tanh : tensor<0x37xf32>
  return %y : tensor<0x37xf32>
}
func.func @swiglu0(%g: tensor<0x48xf32>, %u: tensor<0x48xf32>) -> tensor<0x48xf32> {
  %y = kf.swiglu %g, %u : tensor<0x48xf32>
  return %y : tensor<0x48xf32>
}
func.func @split0(%x: tensor<2x0x36xf32>) -> tensor<2x3x0x12xf32> {
  %y = kf.split_heads %x {num_heads = 3 : i64} : tensor<2x0x36xf32> -> tensor<2x3x0x12xf32>
  return %y : tensor<2x3x0x12xf32>
}
func.func @embed0(%ids: tensor<2x0xi64>, %wte: tensor<11x20xf32>, %wpe: tensor<16x20xf32>, %pos: index) -> tensor<2x0x20xf32> {
  %x = kf.embedding %ids, %wte positions(%wpe : tensor<16x20xf32>) offset(%pos) : tensor<2x0xi64>, tensor<11x20xf32> -> tensor<2x0x20xf32>
  return %x : tensor<2x0x20xf32>
}
func.func @cache0(%k: tensor<1x2x0x16xf32>, %c: tensor<1x2x12x16xf32>, %pos: index) -> tensor<1x2x12x16xf32> {
  %y = kf.kv_cache_update %k into %c[%pos] : tensor<1x2x0x16xf32> into tensor<1x2x12x16xf32>
  return %y : tensor<1x2x12x16xf32>
}
