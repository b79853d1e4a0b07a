// RUN: kernelforge-opt %s --split-input-file --kf-prefetch-next-key-tile --cse | FileCheck %s

// A decode query's key loop (tiles of 64 keys, bf16 rows of 64): the keys'
// tile view and the value rows the P V loop reads, one per step. That loop
// asks for the same row of the next tile of both, two cache lines each,
// first thing in its body; the row is clamped to the key loop's last row,
// then to the buffer. The mark is gone.
// CHECK-LABEL: func.func @decode_keys
// CHECK-DAG: %[[C0:.+]] = arith.constant 0 : index
// CHECK-DAG: %[[C1:.+]] = arith.constant 1 : index
// CHECK-DAG: %[[TILE:.+]] = arith.constant 64 : index
// CHECK-DAG: %[[LAST:.+]] = arith.subi %arg4, %[[C1]] : index
// CHECK-DAG: %[[END:.+]] = arith.constant 1023 : index
// CHECK-DAG: %[[LINE:.+]] = arith.constant 32 : index
// CHECK: scf.for %[[KT:.+]] = %[[C0]] to %arg4 step %[[TILE]]
// CHECK:   scf.for %[[R:.+]] = %[[C0]] to %[[TILE]] step %[[C1]]
// CHECK-NEXT: %[[NEXT:.+]] = arith.addi %[[KT]], %[[TILE]] : index
// CHECK-NEXT: %[[SUM:.+]] = arith.addi %[[NEXT]], %[[R]] : index
// CHECK-NEXT: %[[ROW:.+]] = arith.minsi %[[SUM]], %[[LAST]] : index
// CHECK-NEXT: %[[SAME:.+]] = arith.addi %[[ROW]], %[[C0]] : index
// CHECK-NEXT: %[[IN:.+]] = arith.minsi %[[SAME]], %[[END]] : index
// CHECK-NEXT: %[[AT:.+]] = arith.maxsi %[[IN]], %[[C0]] : index
// CHECK-NEXT: memref.prefetch %arg2[%[[C0]], %arg3, %[[AT]], %[[C0]]], read, locality<2>, data : memref<1x12x1024x64xbf16>
// CHECK-NEXT: %[[COL:.+]] = arith.addi %[[C0]], %[[LINE]] : index
// CHECK-NEXT: memref.prefetch %arg2[%[[C0]], %arg3, %[[AT]], %[[COL]]], read, locality<2>, data
// CHECK-NEXT: memref.prefetch %arg1[%[[C0]], %arg3, %[[AT]], %[[C0]]], read, locality<2>, data : memref<1x12x1024x64xbf16>
// CHECK-NEXT: memref.prefetch %arg1[%[[C0]], %arg3, %[[AT]], %[[COL]]], read, locality<2>, data
// CHECK-NOT:  memref.prefetch
// CHECK:      vector.load %arg2
// CHECK-NOT: kf.key_tile_loop
#sum = affine_map<()[s0, s1] -> (s0 + s1)>
func.func @decode_keys(%q: memref<64xf32>, %k: memref<1x12x1024x64xbf16>, %v: memref<1x12x1024x64xbf16>, %h: index, %ub: index, %p: memref<64xf32>, %out: memref<64xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %z = arith.constant 0.0 : bf16
  scf.for %kt = %c0 to %ub step %c64 {
    %tile = memref.subview %k[0, %h, %kt, 0] [1, 1, 64, 64] [1, 1, 1, 1] : memref<1x12x1024x64xbf16> to memref<64x64xbf16, strided<[64, 1], offset: ?>>
    %s = vector.transfer_read %tile[%c0, %c0], %z {in_bounds = [true]} : memref<64x64xbf16, strided<[64, 1], offset: ?>>, vector<64xbf16>
    %acc0 = vector.load %out[%c0] : memref<64xf32>, vector<64xf32>
    %acc = scf.for %r = %c0 to %c64 step %c1 iter_args(%a = %acc0) -> (vector<64xf32>) {
      %row = affine.apply #sum()[%kt, %r]
      %vr = vector.load %v[%c0, %h, %row, %c0] : memref<1x12x1024x64xbf16>, vector<64xbf16>
      %vf = arith.extf %vr : vector<64xbf16> to vector<64xf32>
      %pr = memref.load %p[%r] : memref<64xf32>
      %pb = vector.broadcast %pr : f32 to vector<64xf32>
      %n = vector.fma %pb, %vf, %a : vector<64xf32>
      scf.yield %n : vector<64xf32>
    }
    vector.store %acc, %out[%c0] : memref<64xf32>, vector<64xf32>
  } {kf.key_tile_loop}
  return
}

// -----

// Keys and values in one cache buffer (GPT-2's [2, heads, positions, dim]
// slice of a layer): the view reads plane 0, the value rows plane 1, so
// both are prefetched; a second view of the value rows adds nothing.
// CHECK-LABEL: func.func @one_cache
// CHECK-DAG: %[[C0:.+]] = arith.constant 0 : index
// CHECK-DAG: %[[C1:.+]] = arith.constant 1 : index
// CHECK: scf.for
// CHECK:   scf.for
// CHECK:      %[[AT:.+]] = arith.maxsi
// CHECK-NEXT: memref.prefetch %arg0[%[[C1]], %arg1, %[[AT]], %[[C0]]]
// CHECK-NEXT: %[[COL:.+]] = arith.addi
// CHECK-NEXT: memref.prefetch %arg0[%[[C1]], %arg1, %[[AT]], %[[COL]]]
// CHECK-NEXT: memref.prefetch %arg0[%[[C0]], %arg1, %[[AT]], %[[C0]]]
// CHECK-NEXT: memref.prefetch %arg0[%[[C0]], %arg1, %[[AT]], %[[COL]]]
// CHECK-NOT: memref.prefetch
// CHECK: vector.load %arg0[%[[C1]]
#sum = affine_map<()[s0, s1] -> (s0 + s1)>
func.func @one_cache(%kv: memref<2x12x1024x64xbf16>, %h: index, %ub: index, %out: memref<64xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %z = arith.constant 0.0 : bf16
  scf.for %kt = %c0 to %ub step %c64 {
    %keys = memref.subview %kv[0, %h, %kt, 0] [1, 1, 64, 64] [1, 1, 1, 1] : memref<2x12x1024x64xbf16> to memref<64x64xbf16, strided<[64, 1], offset: ?>>
    %values = memref.subview %kv[1, %h, %kt, 0] [1, 1, 64, 64] [1, 1, 1, 1] : memref<2x12x1024x64xbf16> to memref<64x64xbf16, strided<[64, 1], offset: ?>>
    %s = vector.transfer_read %keys[%c0, %c0], %z {in_bounds = [true]} : memref<64x64xbf16, strided<[64, 1], offset: ?>>, vector<64xbf16>
    %t = vector.transfer_read %values[%c0, %c0], %z {in_bounds = [true]} : memref<64x64xbf16, strided<[64, 1], offset: ?>>, vector<64xbf16>
    scf.for %r = %c0 to %c64 step %c1 {
      %row = affine.apply #sum()[%kt, %r]
      %vr = vector.load %kv[%c1, %h, %row, %c0] : memref<2x12x1024x64xbf16>, vector<64xbf16>
      %vf = arith.extf %vr : vector<64xbf16> to vector<64xf32>
      vector.store %vf, %out[%c0] : memref<64xf32>, vector<64xf32>
    }
  } {kf.key_tile_loop}
  return
}

// -----

// How far ahead is whole tiles of at least 4 KiB of the widest row read:
// 16 bf16 rows of 64 are 2 KiB, so the rows two tiles ahead (kt + 32);
// 16 f32 rows of 64 are 4 KiB, so the next tile's (kt + 16).
// CHECK-LABEL: func.func @small_tiles
// CHECK-DAG: %[[C16:.+]] = arith.constant 16 : index
// CHECK-DAG: %[[C32:.+]] = arith.constant 32 : index
// CHECK: scf.for %[[KT:.+]] = %{{.+}} to %{{.+}} step %[[C16]]
// CHECK:   scf.for
// CHECK-NEXT: %[[NEXT:.+]] = arith.addi %[[KT]], %[[C32]] : index
// CHECK: memref.prefetch %arg0
// CHECK: scf.for %[[KT2:.+]] = %{{.+}} to %{{.+}} step %[[C16]]
// CHECK:   scf.for
// CHECK-NEXT: %[[NEXT2:.+]] = arith.addi %[[KT2]], %[[C16]] : index
// CHECK: memref.prefetch %arg1
#sum = affine_map<()[s0, s1] -> (s0 + s1)>
func.func @small_tiles(%v: memref<1024x64xbf16>, %w: memref<1024x64xf32>, %ub: index, %out: memref<64xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  scf.for %kt = %c0 to %ub step %c16 {
    scf.for %r = %c0 to %c16 step %c1 {
      %row = affine.apply #sum()[%kt, %r]
      %vr = vector.load %v[%row, %c0] : memref<1024x64xbf16>, vector<64xbf16>
      %vf = arith.extf %vr : vector<64xbf16> to vector<64xf32>
      vector.store %vf, %out[%c0] : memref<64xf32>, vector<64xf32>
    }
  } {kf.key_tile_loop}
  scf.for %kt = %c0 to %ub step %c16 {
    scf.for %r = %c0 to %c16 step %c1 {
      %row = affine.apply #sum()[%kt, %r]
      %wr = vector.load %w[%row, %c0] : memref<1024x64xf32>, vector<64xf32>
      vector.store %wr, %out[%c0] : memref<64xf32>, vector<64xf32>
    }
  } {kf.key_tile_loop}
  return
}

// -----

// No row loop over the tile (a prefill block's key loop, or a tile the
// loop walks 8 rows at a time): nothing is prefetched, the mark goes. An
// unmarked loop is left alone.
// CHECK-LABEL: func.func @no_row_loop
// CHECK-NOT: memref.prefetch
// CHECK-NOT: kf.key_tile_loop
#sum = affine_map<()[s0, s1] -> (s0 + s1)>
func.func @no_row_loop(%v: memref<1024x64xf32>, %ub: index, %out: memref<64xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c64 = arith.constant 64 : index
  scf.for %kt = %c0 to %ub step %c64 {
    scf.for %r = %c0 to %c64 step %c8 {
      %row = affine.apply #sum()[%kt, %r]
      %vr = vector.load %v[%row, %c0] : memref<1024x64xf32>, vector<64xf32>
      vector.store %vr, %out[%c0] : memref<64xf32>, vector<64xf32>
    }
  } {kf.key_tile_loop}
  scf.for %kt = %c0 to %ub step %c64 {
    scf.for %r = %c0 to %c64 step %c1 {
      %row = affine.apply #sum()[%kt, %r]
      %vr = vector.load %v[%row, %c0] : memref<1024x64xf32>, vector<64xf32>
      vector.store %vr, %out[%c0] : memref<64xf32>, vector<64xf32>
    }
  }
  return
}
