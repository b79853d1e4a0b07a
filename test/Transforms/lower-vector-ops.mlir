// RUN: kernelforge-opt %s --kf-lower-vector-ops --split-input-file | FileCheck %s

// The 8x32 register tile's accumulator is read and written once around the
// k loop (hoisted), and the contraction becomes FMAs on 16-wide rows.
// CHECK-LABEL: func.func @register_tile
// CHECK: vector.transfer_read %{{.+}} : memref<8x32xf32>, vector<8x32xf32>
// CHECK: scf.for
// CHECK-NOT: vector.transfer_read %{{.+}} : memref<8x32xf32>
// CHECK: vector.fma {{.*}} : vector<32xf32>
// CHECK-NOT: vector.contract
// CHECK: vector.transfer_write
func.func @register_tile(%a: memref<8x64xf32>, %b: memref<64x32xf32>, %c: memref<8x32xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %pad = arith.constant 0.0 : f32
  scf.for %k = %c0 to %c64 step %c1 {
    %va = vector.transfer_read %a[%c0, %k], %pad {in_bounds = [true, true]} : memref<8x64xf32>, vector<8x1xf32>
    %vb = vector.transfer_read %b[%k, %c0], %pad {in_bounds = [true, true]} : memref<64x32xf32>, vector<1x32xf32>
    %acc = vector.transfer_read %c[%c0, %c0], %pad {in_bounds = [true, true]} : memref<8x32xf32>, vector<8x32xf32>
    %r = vector.contract {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d2, d1)>, affine_map<(d0, d1, d2) -> (d0, d1)>], iterator_types = ["parallel", "parallel", "reduction"], kind = #vector.kind<add>} %va, %vb, %acc : vector<8x1xf32>, vector<1x32xf32> into vector<8x32xf32>
    vector.transfer_write %r, %c[%c0, %c0] {in_bounds = [true, true]} : vector<8x32xf32>, memref<8x32xf32>
  }
  return
}

// -----

// Another read of the accumulator's buffer inside the loop: the pair stays
// in the loop (keeping it in registers would hide the updates from it).
// CHECK-LABEL: func.func @negative_other_access
// CHECK: scf.for
// CHECK: vector.transfer_read %{{.+}} : memref<8x32xf32>, vector<8x32xf32>
// CHECK: vector.transfer_write %{{.+}} : vector<8x32xf32>, memref<8x32xf32>
// CHECK: memref.load
// CHECK: }
func.func @negative_other_access(%a: memref<8x64xf32>, %b: memref<64x32xf32>, %c: memref<8x32xf32>, %log: memref<64xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %pad = arith.constant 0.0 : f32
  scf.for %k = %c0 to %c64 step %c1 {
    %va = vector.transfer_read %a[%c0, %k], %pad {in_bounds = [true, true]} : memref<8x64xf32>, vector<8x1xf32>
    %vb = vector.transfer_read %b[%k, %c0], %pad {in_bounds = [true, true]} : memref<64x32xf32>, vector<1x32xf32>
    %acc = vector.transfer_read %c[%c0, %c0], %pad {in_bounds = [true, true]} : memref<8x32xf32>, vector<8x32xf32>
    %r = vector.contract {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d2, d1)>, affine_map<(d0, d1, d2) -> (d0, d1)>], iterator_types = ["parallel", "parallel", "reduction"], kind = #vector.kind<add>} %va, %vb, %acc : vector<8x1xf32>, vector<1x32xf32> into vector<8x32xf32>
    vector.transfer_write %r, %c[%c0, %c0] {in_bounds = [true, true]} : vector<8x32xf32>, memref<8x32xf32>
    %seen = memref.load %c[%c0, %c0] : memref<8x32xf32>
    memref.store %seen, %log[%k] : memref<64xf32>
  }
  return
}
