// RUN: kernelforge-opt %s --kf-serialize-nested-parallel | FileCheck %s

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

// A top-level parallel loop is left alone.
// CHECK-LABEL: func.func @negative_outermost
// CHECK: scf.parallel
// CHECK-NOT: scf.for
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
