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

// -----

// Temporaries nothing frees are freed after their last use, views
// included; one that escapes (returned, or passed to a declared function
// that may keep it) is left alone.
// CHECK-LABEL: func.func @freed_after_last_use
// CHECK: %[[T:.+]] = gpu.alloc () : memref<2x8xf32>
// CHECK: %[[E:.+]] = gpu.alloc () : memref<16xf32>
// CHECK: %[[V:.+]] = memref.collapse_shape %[[T]]
// CHECK: gpu.launch
// CHECK: gpu.launch
// CHECK: gpu.terminator
// CHECK-NEXT: }
// CHECK-NEXT: gpu.dealloc  %[[T]] : memref<2x8xf32>
// CHECK-NEXT: call @use(%[[E]])
// CHECK-NOT: gpu.dealloc
// CHECK: return %[[E]]
func.func private @use(memref<16xf32>)
func.func @freed_after_last_use(%out: memref<16xf32>) -> memref<16xf32> {
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %zero = arith.constant 0.0 : f32
  %t = memref.alloc() : memref<2x8xf32>
  %e = memref.alloc() : memref<16xf32>
  %v = memref.collapse_shape %t [[0, 1]] : memref<2x8xf32> into memref<16xf32>
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %c16, %sy = %c1, %sz = %c1) {
    memref.store %zero, %v[%tx] : memref<16xf32>
    gpu.terminator
  }
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %c16, %sy = %c1, %sz = %c1) {
    %x = memref.load %v[%tx] : memref<16xf32>
    memref.store %x, %e[%tx] : memref<16xf32>
    gpu.terminator
  }
  call @use(%e) : (memref<16xf32>) -> ()
  return %e : memref<16xf32>
}

// -----

// Found by the sanitizer build: the GPU emulator keeps a model's block
// calls, and the buffers between them (a block's output, the next one's
// input) were never freed, so every step leaked them. A call to a function
// of the module that returns no buffer only borrows: each buffer is freed
// after the last call that reads it; one passed to a call that returns a
// buffer is left alone.
// CHECK-LABEL: func.func @between_calls
// CHECK: %[[A:.+]] = gpu.alloc () : memref<16xf32>
// CHECK: %[[B:.+]] = gpu.alloc () : memref<16xf32>
// CHECK: %[[C:.+]] = gpu.alloc () : memref<16xf32>
// CHECK-NEXT: call @block(%[[A]], %[[B]])
// CHECK-NEXT: gpu.dealloc  %[[A]]
// CHECK-NEXT: call @block(%[[B]], %[[OUT:.+]])
// CHECK-NEXT: gpu.dealloc  %[[B]]
// CHECK-NEXT: call @keeps(%[[C]])
// CHECK-NOT: gpu.dealloc
// CHECK: return
func.func private @block(%in: memref<16xf32>, %out: memref<16xf32>) {
  memref.copy %in, %out : memref<16xf32> to memref<16xf32>
  return
}
func.func private @keeps(%in: memref<16xf32>) -> memref<16xf32> {
  return %in : memref<16xf32>
}
func.func @between_calls(%out: memref<16xf32>) -> memref<16xf32> {
  %a = memref.alloc() : memref<16xf32>
  %b = memref.alloc() : memref<16xf32>
  %c = memref.alloc() : memref<16xf32>
  call @block(%a, %b) : (memref<16xf32>, memref<16xf32>) -> ()
  call @block(%b, %out) : (memref<16xf32>, memref<16xf32>) -> ()
  %k = call @keeps(%c) : (memref<16xf32>) -> memref<16xf32>
  return %k : memref<16xf32>
}
