// RUN: kernelforge-opt %s --split-input-file --kf-merge-gpu-modules | FileCheck %s
// RUN: kernelforge-opt %s --split-input-file --kf-merge-gpu-modules=module-name=taken | FileCheck %s --check-prefix=TAKEN

// The same kernel outlined twice (a block's, from two inlined layers) is
// kept once and both launches use it; a different kernel stays. All live
// in one module, each named after the module it came from.
// CHECK: gpu.module @kernels {
// CHECK-NEXT: gpu.func @step_kernel(
// CHECK: arith.constant 1.0
// CHECK: gpu.func @step_kernel_1(
// CHECK: arith.constant 2.0
// CHECK-NOT: gpu.module
// CHECK-LABEL: func.func @step
// CHECK: gpu.launch_func  @kernels::@step_kernel
// CHECK: gpu.launch_func  @kernels::@step_kernel
// CHECK: gpu.launch_func  @kernels::@step_kernel_1
// TAKEN: gpu.module @taken_0 {
// TAKEN: gpu.launch_func  @taken_0::@step_kernel
// TAKEN: func.func @taken
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
  func.func @taken() {
    return
  }
}

// -----

// Helper functions of a kernel module move with it; one whose name is
// already in the merged module is renamed and its calls follow.
// CHECK-LABEL: gpu.module @kernels {
// CHECK: func.func @helper() -> f32
// CHECK: arith.constant 3.0
// CHECK: gpu.func @a_kernel(
// CHECK: func.call @helper()
// CHECK: func.func @helper_0() -> f32
// CHECK: arith.constant 4.0
// CHECK: gpu.func @b_kernel(
// CHECK: func.call @helper_0()
// CHECK: gpu.launch_func  @kernels::@a_kernel
// CHECK: gpu.launch_func  @kernels::@b_kernel
module attributes {gpu.container_module} {
  gpu.module @a_kernel {
    func.func @helper() -> f32 {
      %c = arith.constant 3.0 : f32
      return %c : f32
    }
    gpu.func @a_kernel(%a: memref<16xf32>) kernel {
      %t = gpu.thread_id x
      %v = func.call @helper() : () -> f32
      memref.store %v, %a[%t] : memref<16xf32>
      gpu.return
    }
  }
  gpu.module @b_kernel {
    func.func @helper() -> f32 {
      %c = arith.constant 4.0 : f32
      return %c : f32
    }
    gpu.func @a_kernel(%a: memref<16xf32>) kernel {
      %t = gpu.thread_id x
      %v = func.call @helper() : () -> f32
      memref.store %v, %a[%t] : memref<16xf32>
      gpu.return
    }
  }
  func.func @run(%a: memref<16xf32>) {
    %c1 = arith.constant 1 : index
    %c16 = arith.constant 16 : index
    gpu.launch_func @a_kernel::@a_kernel blocks in (%c1, %c1, %c1) threads in (%c16, %c1, %c1) args(%a : memref<16xf32>)
    gpu.launch_func @b_kernel::@a_kernel blocks in (%c1, %c1, %c1) threads in (%c16, %c1, %c1) args(%a : memref<16xf32>)
    return
  }
}
