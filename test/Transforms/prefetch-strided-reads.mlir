// RUN: kernelforge-opt %s --split-input-file --kf-prefetch-strided-reads="distance=4" | FileCheck %s
// RUN: kernelforge-opt %s --split-input-file --kf-prefetch-strided-reads | FileCheck %s --check-prefix=OFF

// A register tile's reduction loop: the weight row run (32 floats, two cache
// lines) moves a whole row (256 floats) per step and is prefetched 4 steps
// ahead, the row clamped to the last one; the activation walks one float
// per step and is left to the hardware.
// CHECK-LABEL: func.func @tile
// CHECK-DAG: %[[AHEAD:.+]] = arith.constant 4 : index
// CHECK-DAG: %[[LAST:.+]] = arith.constant 63 : index
// CHECK-DAG: %[[ZERO:.+]] = arith.constant 0 : index
// CHECK-DAG: %[[LINE:.+]] = arith.constant 16 : index
// CHECK: scf.for %[[K:.+]] = %{{.+}} to %{{.+}} step %{{.+}} iter_args
// CHECK:   %[[ROW:.+]] = affine.apply #{{.+}}()[%{{.+}}, %[[K]]]
// CHECK:   vector.load %{{.+}}[%{{.+}}, %[[ROW]]] : memref<8x64xf32>, vector<1xf32>
// CHECK-NOT: memref.prefetch %arg0
// CHECK:   %[[NEXT:.+]] = arith.addi %[[ROW]], %[[AHEAD]] : index
// CHECK:   %[[MIN:.+]] = arith.minsi %[[NEXT]], %[[LAST]] : index
// CHECK:   %[[AT:.+]] = arith.maxsi %[[MIN]], %[[ZERO]] : index
// CHECK:   memref.prefetch %arg1[%[[AT]], %[[COL:.+]]], read, locality<2>, data : memref<64x256xf32>
// CHECK:   %[[COL2:.+]] = arith.addi %[[COL]], %[[LINE]] : index
// CHECK:   memref.prefetch %arg1[%[[AT]], %[[COL2]]], read, locality<2>, data : memref<64x256xf32>
// CHECK:   vector.load %arg1[%[[ROW]], %[[COL]]] : memref<64x256xf32>, vector<32xf32>
// OFF-NOT: memref.prefetch
#row = affine_map<()[s0, s1] -> (s0 + s1)>
func.func @tile(%x: memref<8x64xf32>, %w: memref<64x256xf32>, %i: index, %col: index, %k0: index, %acc: vector<32xf32>) -> vector<32xf32> {
  %c1 = arith.constant 1 : index
  %c32 = arith.constant 32 : index
  %r = scf.for %k = %c1 to %c32 step %c1 iter_args(%a = %acc) -> (vector<32xf32>) {
    %row = affine.apply #row()[%k0, %k]
    %xs = vector.load %x[%i, %row] : memref<8x64xf32>, vector<1xf32>
    %wv = vector.load %w[%row, %col] : memref<64x256xf32>, vector<32xf32>
    %xe = vector.extract %xs[0] : f32 from vector<1xf32>
    %xb = vector.broadcast %xe : f32 to vector<32xf32>
    %n = vector.fma %xb, %wv, %a : vector<32xf32>
    scf.yield %n : vector<32xf32>
  } {kf.prefetch}
  return %r : vector<32xf32>
}

// -----

// Loops kf-tile-and-vectorize did not mark (a decode tile, any other loop),
// loops of no more steps than the distance, reads whose index moves with
// the loop in two dimensions or not by a constant, and narrow rows (16 bytes a
// step: within a cache line) get nothing.
// CHECK-LABEL: func.func @left_alone
// CHECK-NOT: memref.prefetch
#half = affine_map<(d0) -> (d0 floordiv 2)>
func.func @left_alone(%w: memref<64x256xf32>, %narrow: memref<64x4xf32>, %out: memref<256xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %c64 = arith.constant 64 : index
  %f = arith.constant 0.0 : f32
  scf.for %k = %c0 to %c64 step %c1 {
    %v = vector.load %w[%k, %c0] : memref<64x256xf32>, vector<16xf32>
    vector.store %v, %out[%c0] : memref<256xf32>, vector<16xf32>
  }
  scf.for %k = %c0 to %c4 step %c1 {
    %v = vector.load %w[%k, %c0] : memref<64x256xf32>, vector<16xf32>
    vector.store %v, %out[%c0] : memref<256xf32>, vector<16xf32>
  } {kf.prefetch}
  scf.for %k = %c0 to %c8 step %c1 {
    %v = vector.load %w[%k, %k] : memref<64x256xf32>, vector<16xf32>
    vector.store %v, %out[%c0] : memref<256xf32>, vector<16xf32>
    %s = affine.apply #half(%k)
    %e = memref.load %w[%s, %c0] : memref<64x256xf32>
    memref.store %e, %out[%c0] : memref<256xf32>
    %n = vector.transfer_read %narrow[%k, %c0], %f : memref<64x4xf32>, vector<4xf32>
    vector.transfer_write %n, %out[%c0] : vector<4xf32>, memref<256xf32>
  } {kf.prefetch}
  return
}

