// Activations and broadcast arithmetic, compiled through kf-cpu-pipeline and
// checked against float64 NumPy. Widths 37, 33, 17 are not multiples of the
// 16-float vector; the exp/tanh/erf polynomials are accurate to a few ulp,
// so float32 rounding bounds the error (atol/rtol 1e-5).
// RUN: kernelforge-compile %s -o %t.so
// RUN: %check %t.so --entry gelu_tanh --expect "ref.gelu(x0, 'tanh')" --scale 3
// RUN: %check %t.so --entry gelu_erf --expect "ref.gelu(x0, 'erf')" --scale 3
// RUN: %check %t.so --entry silu --expect "ref.silu(x0)" --scale 4
// RUN: %check %t.so --entry swiglu --expect "ref.swiglu(x0, x1)" --scale 2
// RUN: %check %t.so --entry add_bias --expect "x0 + x1"
// RUN: %check %t.so --entry mul_broadcast --expect "x0 * x1"
// A value returned twice (found by fuzz/kf-pipeline: the compiler crashed).
// RUN: %check %t.so --entry returned_twice --expect "(ref.silu(x0), x0, ref.silu(x0))"
// RUN: kernelforge-compile %s --target=gpu-emulator -o %t.emu.so
// RUN: %check %t.emu.so --entry returned_twice --expect "(ref.silu(x0), x0, ref.silu(x0))"

func.func @gelu_tanh(%x: tensor<3x37xf32>) -> tensor<3x37xf32> {
  %y = kf.gelu %x tanh : tensor<3x37xf32>
  return %y : tensor<3x37xf32>
}
func.func @gelu_erf(%x: tensor<2x64xf32>) -> tensor<2x64xf32> {
  %y = kf.gelu %x erf : tensor<2x64xf32>
  return %y : tensor<2x64xf32>
}
func.func @silu(%x: tensor<5x33xf32>) -> tensor<5x33xf32> {
  %y = kf.silu %x : tensor<5x33xf32>
  return %y : tensor<5x33xf32>
}
func.func @swiglu(%g: tensor<4x48xf32>, %u: tensor<4x48xf32>) -> tensor<4x48xf32> {
  %y = kf.swiglu %g, %u : tensor<4x48xf32>
  return %y : tensor<4x48xf32>
}
func.func @add_bias(%x: tensor<2x3x40xf32>, %b: tensor<40xf32>) -> tensor<2x3x40xf32> {
  %y = kf.add %x, %b : tensor<2x3x40xf32>, tensor<40xf32>
  return %y : tensor<2x3x40xf32>
}
func.func @mul_broadcast(%x: tensor<2x1x17xf32>, %y: tensor<3x1xf32>) -> tensor<2x3x17xf32> {
  %z = kf.mul %x, %y : tensor<2x1x17xf32>, tensor<3x1xf32>
  return %z : tensor<2x3x17xf32>
}
func.func @returned_twice(%x: tensor<3x17xf32>)
    -> (tensor<3x17xf32>, tensor<3x17xf32>, tensor<3x17xf32>) {
  %y = kf.silu %x : tensor<3x17xf32>
  return %y, %x, %y : tensor<3x17xf32>, tensor<3x17xf32>, tensor<3x17xf32>
}
