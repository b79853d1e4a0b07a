// Ops with no parallel loop (on rank-0 tensors; a vector's argmax) on the
// cuda target, run by the GPU emulator, and on the CPU, against NumPy: each
// becomes a kernel of one thread or one block (kf-unit-parallel-loop), not
// loads of device memory on the host.
// RUN: kernelforge-compile %s --target=gpu-emulator -o %t.gpu.so
// RUN: %check %t.gpu.so --entry scalar_add --expect "x0 + x1"
// RUN: %check %t.gpu.so --entry scalar_gelu_mul --expect "ref.gelu(x0) * x1"
// RUN: %check %t.gpu.so --entry argmax_vector --expect "ref.argmax(x0, axis=0)"
// RUN: kernelforge-compile %s --target=cuda --emit=ptx -o - | FileCheck %s --check-prefix=PTX
// RUN: kernelforge-compile %s -o %t.cpu.so
// RUN: %check %t.cpu.so --entry scalar_add --expect "x0 + x1"
// RUN: %check %t.cpu.so --entry scalar_gelu_mul --expect "ref.gelu(x0) * x1"
// RUN: %check %t.cpu.so --entry argmax_vector --expect "ref.argmax(x0, axis=0)"
// PTX: .entry scalar_add_kernel(
// PTX: .entry scalar_gelu_mul_kernel(
// PTX: .entry argmax_vector_kernel(

func.func @scalar_add(%a: tensor<f32>, %b: tensor<f32>) -> tensor<f32> {
  %y = kf.add %a, %b : tensor<f32>, tensor<f32>
  return %y : tensor<f32>
}

func.func @scalar_gelu_mul(%a: tensor<f32>, %b: tensor<f32>) -> tensor<f32> {
  %g = kf.gelu %a tanh : tensor<f32>
  %y = kf.mul %g, %b : tensor<f32>, tensor<f32>
  return %y : tensor<f32>
}

func.func @argmax_vector(%x: tensor<27xf32>) -> tensor<i64> {
  %y = kf.argmax %x {axis = 0 : i64} : tensor<27xf32> -> tensor<i64>
  return %y : tensor<i64>
}
