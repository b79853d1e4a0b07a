// RUN: kernelforge-opt %s --convert-gpu-launch-to-loops -canonicalize -split-input-file | FileCheck %s

// A barrier splits the kernel into two thread loops; a value read after it
// (%v) is kept per thread; index math is recomputed; workgroup memory is a
// per-block stack buffer.
// CHECK-LABEL: func.func @staged
// CHECK:       scf.parallel (%[[B:.*]]) = (%c0) to (%c2) step (%c1) {
// CHECK-DAG:     %[[KEEP:.*]] = memref.alloca() : memref<32xf32>
// CHECK-DAG:     %[[TILE:.*]] = memref.alloca() : memref<32xf32>
// CHECK:         scf.for %[[T:.*]] = %c0 to %c32 step %c1 {
// CHECK:           %[[V:.*]] = memref.load %arg0
// CHECK:           memref.store %[[V]], %[[TILE]]
// CHECK:           memref.store %[[V]], %[[KEEP]][%[[T]]]
// CHECK:         }
// CHECK-NEXT:    scf.for %[[T2:.*]] = %c0 to %c32 step %c1 {
// CHECK:           memref.load %[[TILE]]
// CHECK:           memref.load %[[KEEP]][%[[T2]]]
// CHECK:           memref.store {{.*}}, %arg1
// CHECK:         }
// CHECK-NEXT:    scf.reduce
func.func @staged(%in: memref<64xf32>, %out: memref<64xf32>) {
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c32 = arith.constant 32 : index
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c2, %gy = %c1, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %c32, %sy = %c1, %sz = %c1)
             workgroup(%tile : memref<32xf32, #gpu.address_space<workgroup>>) {
    %base = arith.muli %bx, %c32 : index
    %i = arith.addi %base, %tx : index
    %v = memref.load %in[%i] : memref<64xf32>
    memref.store %v, %tile[%tx] : memref<32xf32, #gpu.address_space<workgroup>>
    gpu.barrier
    %r = arith.subi %c32, %tx : index
    %j = arith.subi %r, %c1 : index
    %w = memref.load %tile[%j] : memref<32xf32, #gpu.address_space<workgroup>>
    %s = arith.addf %w, %v : f32
    memref.store %s, %out[%i] : memref<64xf32>
    gpu.terminator
  }
  return
}

// -----

// A shuffle reads the source lane's kept value within its warp (thread
// y * 32 + x), falling back to the thread's own where the lane is invalid.
// CHECK-LABEL: func.func @warp_sum
// CHECK:       %[[RESULT:.*]] = memref.alloca() : memref<64xf32>
// CHECK:       %[[V:.*]] = memref.alloca() : memref<64xf32>
// CHECK:       scf.for
// CHECK:         memref.store {{.*}}, %[[V]]
// CHECK:       scf.for %[[T:.*]] = %c0 to %c64 step %c1 {
// CHECK:         %[[LANE:.*]] = arith.remui %[[T]], %c32
// CHECK:         %[[WARP:.*]] = arith.subi %[[T]], %[[LANE]]
// CHECK:         %[[SRC:.*]] = arith.xori {{.*}}, %c16_i32
// CHECK:         arith.andi
// CHECK:         %[[VALID:.*]] = arith.andi
// CHECK:         %[[FROM:.*]] = arith.select %[[VALID]], {{.*}}, %[[T]]
// CHECK:         memref.load %[[V]][%[[FROM]]]
// CHECK:         memref.store {{.*}}, %[[RESULT]][%[[T]]]
func.func @warp_sum(%in: memref<64xf32>, %out: memref<2xf32>) {
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c32 = arith.constant 32 : index
  %c0 = arith.constant 0 : index
  %c16_i32 = arith.constant 16 : i32
  %c32_i32 = arith.constant 32 : i32
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %c32, %sy = %c2, %sz = %c1) {
    %row = arith.muli %ty, %c32 : index
    %i = arith.addi %row, %tx : index
    %v = memref.load %in[%i] : memref<64xf32>
    %shuffled, %valid = gpu.shuffle xor %v, %c16_i32, %c32_i32 : f32
    %s = arith.addf %v, %shuffled : f32
    %first = arith.cmpi eq, %tx, %c0 : index
    scf.if %first {
      memref.store %s, %out[%ty] : memref<2xf32>
    }
    gpu.terminator
  }
  return
}

// -----

// gpu.all_reduce combines the threads' kept values in thread order, at block
// level; its result is one value per block.
// CHECK-LABEL: func.func @block_max
// CHECK:       scf.parallel (%[[B:.*]]) =
// CHECK:         %[[KEEP:.*]] = memref.alloca() : memref<64xf32>
// CHECK:         scf.for
// CHECK:           memref.store {{.*}}, %[[KEEP]]
// CHECK:         %[[FIRST:.*]] = memref.load %[[KEEP]][%c0]
// CHECK:         %[[MAX:.*]] = scf.for %{{.*}} = %c1 to %c64 step %c1 iter_args(%[[M:.*]] = %[[FIRST]])
// CHECK:           arith.maximumf %[[M]]
// CHECK:         scf.for
// CHECK:           memref.store %[[MAX]], %arg1[%[[B]]]
func.func @block_max(%in: memref<4x100xf32>, %out: memref<4xf32>) {
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c0 = arith.constant 0 : index
  %c64 = arith.constant 64 : index
  %c100 = arith.constant 100 : index
  %ninf = arith.constant 0xFF800000 : f32
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c4, %gy = %c1, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %c64, %sy = %c1, %sz = %c1) {
    %part = scf.for %k = %tx to %c100 step %c64 iter_args(%m = %ninf) -> (f32) {
      %x = memref.load %in[%bx, %k] : memref<4x100xf32>
      %n = arith.maximumf %m, %x : f32
      scf.yield %n : f32
    }
    %max = gpu.all_reduce maximumf %part uniform {} : (f32) -> f32
    %first = arith.cmpi eq, %tx, %c0 : index
    scf.if %first {
      memref.store %max, %out[%bx] : memref<4xf32>
    }
    gpu.terminator
  }
  return
}

// -----

// A loop around barriers runs at block level; its carried value lives per
// thread, initialised before the loop and stored by the yield's phase.
// CHECK-LABEL: func.func @k_tiles
// CHECK:       scf.parallel
// CHECK:         %[[CARRIED:.*]] = memref.alloca() : memref<16xf32>
// CHECK:         scf.for
// CHECK:           memref.store %cst, %[[CARRIED]]
// CHECK:         scf.for %{{.*}} = %c0 to %c64 step %c16 {
// CHECK-COUNT-3:   scf.for %{{.*}} = %c0 to %c16 step %c1 {
// CHECK:           memref.store {{.*}}, %[[CARRIED]]
// CHECK:         }
// CHECK:         scf.for
// CHECK:           memref.load %[[CARRIED]]
func.func @k_tiles(%a: memref<8x64xf32>, %out: memref<8x16xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c16 = arith.constant 16 : index
  %c64 = arith.constant 64 : index
  %zero = arith.constant 0.0 : f32
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c8, %gy = %c1, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %c16, %sy = %c1, %sz = %c1)
             workgroup(%tile : memref<16xf32, #gpu.address_space<workgroup>>) {
    %acc = scf.for %k0 = %c0 to %c64 step %c16 iter_args(%acc0 = %zero) -> (f32) {
      %k = arith.addi %k0, %tx : index
      %x = memref.load %a[%bx, %k] : memref<8x64xf32>
      memref.store %x, %tile[%tx] : memref<16xf32, #gpu.address_space<workgroup>>
      gpu.barrier
      %r = arith.subi %c16, %tx : index
      %j = arith.subi %r, %c1 : index
      %y = memref.load %tile[%j] : memref<16xf32, #gpu.address_space<workgroup>>
      %next = arith.addf %acc0, %y : f32
      gpu.barrier
      scf.yield %next : f32
    }
    memref.store %acc, %out[%bx, %tx] : memref<8x16xf32>
    gpu.terminator
  }
  return
}

// -----

// CHECK-LABEL: func.func @device_buffers
// CHECK:       %[[DEV:.*]] = memref.alloc() : memref<16xf32>
// CHECK:       memref.copy %arg0, %[[DEV]]
// CHECK:       memref.copy %[[DEV]], %arg0
// CHECK:       memref.dealloc %[[DEV]]
func.func @device_buffers(%host: memref<16xf32>) {
  %dev = gpu.alloc () : memref<16xf32>
  gpu.memcpy %dev, %host : memref<16xf32>, memref<16xf32>
  gpu.memcpy %host, %dev : memref<16xf32>, memref<16xf32>
  gpu.dealloc %dev : memref<16xf32>
  return
}
