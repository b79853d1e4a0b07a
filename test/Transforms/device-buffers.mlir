// RUN: kernelforge-opt %s --kf-device-buffers --split-input-file --verify-diagnostics | FileCheck %s

// Host code only allocates, frees and copies; the buffers move to the GPU.
// CHECK-LABEL: func.func @host_side
// CHECK: %[[A:.+]] = gpu.alloc () : memref<16xf32>
// CHECK: gpu.launch
// CHECK: memref.store
// CHECK: gpu.memcpy  %{{.+}}, %[[A]] : memref<16xf32>, memref<16xf32>
// CHECK: gpu.dealloc  %[[A]] : memref<16xf32>
// CHECK-NOT: memref.alloc
func.func @host_side(%out: memref<16xf32>) {
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %zero = arith.constant 0.0 : f32
  %a = memref.alloc() : memref<16xf32>
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %c16, %sy = %c1, %sz = %c1) {
    memref.store %zero, %a[%tx] : memref<16xf32>
    gpu.terminator
  }
  memref.copy %a, %out : memref<16xf32> to memref<16xf32>
  memref.dealloc %a : memref<16xf32>
  return
}

// -----

func.func @host_access(%out: memref<16xf32>) {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  // expected-error @+1 {{'memref.store' op reads or writes a buffer on the host, but buffers live in device memory; it should be part of a kernel}}
  memref.store %zero, %out[%c0] : memref<16xf32>
  return
}
