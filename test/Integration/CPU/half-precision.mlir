// f16 inputs and outputs; sums, exponentials and products are carried in f32
// and rounded once at the end, so the error is about one f16 ulp of the
// result (2^-11 relative): rtol 2e-3, atol 2e-3 for O(1) results and 2e-2
// for the linear layer, whose outputs reach ~20 (f16 spacing 2^-6 there).
// RUN: kernelforge-compile %s -o %t.so
// RUN: %check %t.so --entry layer_norm --expect "ref.layer_norm(x0, x1, x2)" --atol 2e-3 --rtol 2e-3
// RUN: %check %t.so --entry linear --expect "ref.linear(x0, x1, x2)" --atol 2e-2 --rtol 2e-3
// RUN: %check %t.so --entry softmax --expect "ref.softmax(x0, causal=True)" --atol 2e-3 --rtol 2e-3
// RUN: %check %t.so --entry gelu --expect "ref.gelu(x0, 'tanh')" --atol 2e-3 --rtol 2e-3

func.func @layer_norm(%x: tensor<5x70xf16>, %g: tensor<70xf16>, %b: tensor<70xf16>) -> tensor<5x70xf16> {
  %y = kf.layer_norm %x scale(%g : tensor<70xf16>) bias(%b : tensor<70xf16>) {epsilon = 1.0e-05 : f64} : tensor<5x70xf16>
  return %y : tensor<5x70xf16>
}
func.func @linear(%x: tensor<9x48xf16>, %w: tensor<48x40xf16>, %b: tensor<40xf16>) -> tensor<9x40xf16> {
  %y = kf.linear %x, %w, %b layout(in_out) : tensor<9x48xf16>, tensor<48x40xf16>, tensor<40xf16> -> tensor<9x40xf16>
  return %y : tensor<9x40xf16>
}
func.func @softmax(%x: tensor<2x9x9xf16>) -> tensor<2x9x9xf16> {
  %y = kf.softmax %x causal : tensor<2x9x9xf16>
  return %y : tensor<2x9x9xf16>
}
func.func @gelu(%x: tensor<3x50xf16>) -> tensor<3x50xf16> {
  %y = kf.gelu %x tanh : tensor<3x50xf16>
  return %y : tensor<3x50xf16>
}
