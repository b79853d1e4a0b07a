// RUN: kernelforge-opt %s --convert-gpu-launch-to-loops -split-input-file -verify-diagnostics

func.func @asynchronous(%n: index) {
  %t = gpu.wait async
  // expected-error @+1 {{cannot emulate an asynchronous launch}}
  %done = gpu.launch async [%t] blocks(%bx, %by, %bz) in (%gx = %n, %gy = %n, %gz = %n)
             threads(%tx, %ty, %tz) in (%sx = %n, %sy = %n, %sz = %n) {
    gpu.terminator
  }
  gpu.wait [%done]
  return
}

// -----

func.func @private_memory(%n: index) {
  // expected-error @+1 {{cannot emulate private memory, clusters or dynamic shared memory}}
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %n, %gy = %n, %gz = %n)
             threads(%tx, %ty, %tz) in (%sx = %n, %sy = %n, %sz = %n)
             private(%p : memref<4xf32, #gpu.address_space<private>>) {
    gpu.terminator
  }
  return
}

// -----

func.func @reduce_with_region(%n: index, %x: f32) {
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %n, %gy = %n, %gz = %n)
             threads(%tx, %ty, %tz) in (%sx = %n, %sy = %n, %sz = %n) {
    // expected-error @+1 {{cannot emulate an all_reduce with a region; name the operation}}
    %r = gpu.all_reduce %x {
    ^bb(%a: f32, %b: f32):
      %s = arith.addf %a, %b : f32
      gpu.yield %s : f32
    } : (f32) -> f32
    gpu.terminator
  }
  return
}

// -----

func.func @barrier_in_while(%n: index, %c: i1) {
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %n, %gy = %n, %gz = %n)
             threads(%tx, %ty, %tz) in (%sx = %n, %sy = %n, %sz = %n) {
    // expected-error @+1 {{cannot emulate: a synchronisation point inside this op}}
    scf.while : () -> () {
      scf.condition(%c)
    } do {
      gpu.barrier
      scf.yield
    }
    gpu.terminator
  }
  return
}

// -----

func.func @memref_across_barrier(%n: index, %m: memref<?xf32>) {
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %n, %gy = %n, %gz = %n)
             threads(%tx, %ty, %tz) in (%sx = %n, %sy = %n, %sz = %n) {
    // expected-error @below {{cannot emulate: a value of type 'memref<?xf32>' crosses a synchronisation point}}
    %view = memref.alloca(%tx) : memref<?xf32>
    gpu.barrier
    %c0 = arith.constant 0 : index
    %v = memref.load %view[%c0] : memref<?xf32>
    memref.store %v, %m[%c0] : memref<?xf32>
    gpu.terminator
  }
  return
}

// -----

func.func @asynchronous_copy(%host: memref<16xf32>) {
  %t = gpu.wait async
  // expected-error @+1 {{cannot emulate asynchronous or host-shared device memory}}
  %dev, %t2 = gpu.alloc async [%t] () : memref<16xf32>
  gpu.wait [%t2]
  return
}

// -----

func.func @host_shared() {
  // expected-error @+1 {{cannot emulate asynchronous or host-shared device memory}}
  %dev = gpu.alloc host_shared () : memref<16xf32>
  return
}
