// RUN: kernelforge-opt %s --kf-serialize-nested-parallel | FileCheck %s
// RUN: kernelforge-opt %s --kf-serialize-nested-parallel="min-work=4096" | FileCheck %s --check-prefix=SMALL

// The outer loop stays parallel (OpenMP will own it); the inner reduction
// becomes an scf.for carrying the accumulator, combined by the scf.reduce
// region's body.
// CHECK-LABEL: func.func @rows
// CHECK: scf.parallel (%[[ROW:.+]]) =
// CHECK:   %[[INIT:.+]] = memref.load
// CHECK:   %[[SUM:.+]] = scf.for %[[K:.+]] = %{{.+}} to %{{.+}} step %{{.+}} iter_args(%[[ACC:.+]] = %[[INIT]]) -> (f32) {
// CHECK:     %[[X:.+]] = memref.load %{{.+}}[%[[ROW]], %[[K]]]
// CHECK:     %[[NEXT:.+]] = arith.addf %[[ACC]], %[[X]] : f32
// CHECK:     scf.yield %[[NEXT]] : f32
// CHECK:   memref.store %[[SUM]]
// CHECK-NOT: scf.reduce(
func.func @rows(%in: memref<4x16xf32>, %out: memref<4xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c16 = arith.constant 16 : index
  scf.parallel (%i) = (%c0) to (%c4) step (%c1) {
    %init = memref.load %out[%i] : memref<4xf32>
    %s = scf.parallel (%k) = (%c0) to (%c16) step (%c1) init (%init) -> f32 {
      %x = memref.load %in[%i, %k] : memref<4x16xf32>
      scf.reduce(%x : f32) {
      ^bb0(%a: f32, %b: f32):
        %c = arith.addf %a, %b : f32
        scf.reduce.return %c : f32
      }
    }
    memref.store %s, %out[%i] : memref<4xf32>
    scf.reduce
  }
  return
}

// A top-level parallel loop is left alone; with min-work, one that does
// fewer element operations (4 stores) runs sequentially.
// CHECK-LABEL: func.func @negative_outermost
// CHECK: scf.parallel
// CHECK-NOT: scf.for
// SMALL-LABEL: func.func @negative_outermost
// SMALL-NOT: scf.parallel
// SMALL: scf.for
// SMALL-NOT: scf.parallel
func.func @negative_outermost(%out: memref<4xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %z = arith.constant 0.0 : f32
  scf.parallel (%i) = (%c0) to (%c4) step (%c1) {
    memref.store %z, %out[%i] : memref<4xf32>
    scf.reduce
  }
  return
}

// The work of a loop counts vector lanes and static inner trip counts:
// 8 x (4 x (64-lane load + 64-lane store + addi + yield) + reduce) = 4168
// >= 4096 stays parallel, the loop doing half of it runs sequentially.
// CHECK-LABEL: func.func @vector_copies
// SMALL-LABEL: func.func @vector_copies
// SMALL: scf.parallel
// SMALL: scf.for
// SMALL-NOT: scf.parallel
// SMALL: return
func.func @vector_copies(%in: memref<2048xf32>, %out: memref<2048xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %c64 = arith.constant 64 : index
  %c256 = arith.constant 256 : index
  %c1024 = arith.constant 1024 : index
  %c2048 = arith.constant 2048 : index
  scf.parallel (%i) = (%c0) to (%c2048) step (%c256) {
    scf.for %j = %c0 to %c256 step %c64 {
      %o = arith.addi %i, %j : index
      %v = vector.load %in[%o] : memref<2048xf32>, vector<64xf32>
      vector.store %v, %out[%o] : memref<2048xf32>, vector<64xf32>
    }
    scf.reduce
  }
  scf.parallel (%i) = (%c0) to (%c1024) step (%c256) {
    scf.for %j = %c0 to %c256 step %c64 {
      %o = arith.addi %i, %j : index
      %v = vector.load %in[%o] : memref<2048xf32>, vector<64xf32>
      vector.store %v, %out[%o] : memref<2048xf32>, vector<64xf32>
    }
    scf.reduce
  }
  return
}

// A trip count known only at run time keeps a loop parallel, however small
// its body; a small reduction runs sequentially with its accumulator carried.
// SMALL-LABEL: func.func @dynamic_and_reduction
// SMALL: scf.parallel (%{{.+}}) = (%{{.+}}) to (%[[N:.+]]) step
// SMALL: %[[SUM:.+]] = scf.for %{{.+}} = %{{.+}} to %{{.+}} step %{{.+}} iter_args(%[[ACC:.+]] = %{{.+}}) -> (f32) {
// SMALL:   %[[X:.+]] = memref.load
// SMALL:   %[[NEXT:.+]] = arith.addf %[[ACC]], %[[X]] : f32
// SMALL:   scf.yield %[[NEXT]] : f32
// SMALL: memref.store %[[SUM]]
// SMALL-NOT: scf.parallel
func.func @dynamic_and_reduction(%in: memref<16xf32>, %out: memref<16xf32>, %n: index, %total: memref<f32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %z = arith.constant 0.0 : f32
  scf.parallel (%i) = (%c0) to (%n) step (%c1) {
    memref.store %z, %out[%i] : memref<16xf32>
    scf.reduce
  }
  %s = scf.parallel (%k) = (%c0) to (%c16) step (%c1) init (%z) -> f32 {
    %x = memref.load %in[%k] : memref<16xf32>
    scf.reduce(%x : f32) {
    ^bb0(%a: f32, %b: f32):
      %c = arith.addf %a, %b : f32
      scf.reduce.return %c : f32
    }
  }
  memref.store %s, %total[] : memref<f32>
  return
}
