// RUN: kernelforge-opt %s --kf-dedupe-gpu-modules | FileCheck %s

// The same kernel outlined twice (a block's, from two inlined layers) is
// kept once and both launches use it; a different kernel stays.
// CHECK: gpu.module @step_kernel {
// CHECK-NOT: gpu.module @step_kernel_0
// CHECK: gpu.module @step_kernel_1 {
// CHECK-LABEL: func.func @step
// CHECK: gpu.launch_func  @step_kernel::@step_kernel
// CHECK: gpu.launch_func  @step_kernel::@step_kernel
// CHECK: gpu.launch_func  @step_kernel_1::@step_kernel
module attributes {gpu.container_module} {
  gpu.module @step_kernel {
    gpu.func @step_kernel(%a: memref<16xf32>) kernel {
      %t = gpu.thread_id x
      %one = arith.constant 1.0 : f32
      memref.store %one, %a[%t] : memref<16xf32>
      gpu.return
    }
  }
  gpu.module @step_kernel_0 {
    gpu.func @step_kernel(%a: memref<16xf32>) kernel {
      %t = gpu.thread_id x
      %one = arith.constant 1.0 : f32
      memref.store %one, %a[%t] : memref<16xf32>
      gpu.return
    }
  }
  gpu.module @step_kernel_1 {
    gpu.func @step_kernel(%a: memref<16xf32>) kernel {
      %t = gpu.thread_id x
      %two = arith.constant 2.0 : f32
      memref.store %two, %a[%t] : memref<16xf32>
      gpu.return
    }
  }
  func.func @step(%a: memref<16xf32>) {
    %c1 = arith.constant 1 : index
    %c16 = arith.constant 16 : index
    gpu.launch_func @step_kernel::@step_kernel blocks in (%c1, %c1, %c1) threads in (%c16, %c1, %c1) args(%a : memref<16xf32>)
    gpu.launch_func @step_kernel_0::@step_kernel blocks in (%c1, %c1, %c1) threads in (%c16, %c1, %c1) args(%a : memref<16xf32>)
    gpu.launch_func @step_kernel_1::@step_kernel blocks in (%c1, %c1, %c1) threads in (%c16, %c1, %c1) args(%a : memref<16xf32>)
    return
  }
}
