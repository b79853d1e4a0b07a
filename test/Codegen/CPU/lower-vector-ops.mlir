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

// -----

// An int8 block's f16 scale, widened and broadcast across the block's lanes:
// it is broadcast as f16 and widened after, so no lane insert remains.
// CHECK-LABEL: func.func @widen_after_broadcast
// CHECK: vector.load %{{.+}} : memref<8x4xf16>, vector<1xf16>
// CHECK-NOT: arith.extf
// CHECK: vector.insert %{{.+}} [31] : f16 into vector<32xf16>
// CHECK: %[[W:.+]] = arith.extf %{{.+}} : vector<32xf16> to vector<32xf32>
// CHECK: arith.mulf %{{.+}}, %[[W]] : vector<32xf32>
func.func @widen_after_broadcast(%q: memref<8x128xi8>, %s: memref<8x4xf16>, %out: memref<32xf32>, %r: index, %b: index) {
  %pad = arith.constant 0.0 : f16
  %pad8 = arith.constant 0 : i8
  %c0 = arith.constant 0 : index
  %scale = vector.transfer_read %s[%r, %b], %pad {in_bounds = [true]} : memref<8x4xf16>, vector<1xf16>
  %wide = arith.extf %scale : vector<1xf16> to vector<1xf32>
  %lanes = vector.broadcast %wide : vector<1xf32> to vector<32x1xf32>
  %flat = vector.shape_cast %lanes : vector<32x1xf32> to vector<32xf32>
  %vq = vector.transfer_read %q[%r, %c0], %pad8 {in_bounds = [true]} : memref<8x128xi8>, vector<32xi8>
  %fq = arith.sitofp %vq : vector<32xi8> to vector<32xf32>
  %y = arith.mulf %fq, %flat : vector<32xf32>
  vector.store %y, %out[%c0] : memref<32xf32>, vector<32xf32>
  return
}

// A broadcast of a value computed in f32 is left alone.
// CHECK-LABEL: func.func @negative_broadcast_f32
// CHECK: vector.broadcast %{{.+}} : f32 to vector<32xf32>
// CHECK-NOT: arith.extf
func.func @negative_broadcast_f32(%x: f32, %out: memref<32xf32>) {
  %c0 = arith.constant 0 : index
  %two = arith.addf %x, %x : f32
  %v = vector.broadcast %two : f32 to vector<32xf32>
  vector.store %v, %out[%c0] : memref<32xf32>, vector<32xf32>
  return
}

// -----

// An 8 x 8 f32 transpose on x86 with 256-bit registers (a transposing
// packing copy's tile): three rounds of 8 two-input shuffles of rows
// (interleaved pairs within 128-bit halves, pairs of pairs, then the
// halves), not one 64-element shuffle.
// CHECK-LABEL: func.func @transpose_8x8_f32
// CHECK-COUNT-8: vector.shuffle %{{.+}}, %{{.+}} [{{0, 8, 1, 9, 4, 12, 5, 13|2, 10, 3, 11, 6, 14, 7, 15}}] : vector<8xf32>, vector<8xf32>
// CHECK-COUNT-8: vector.shuffle %{{.+}}, %{{.+}} [{{0, 1, 8, 9, 4, 5, 12, 13|2, 3, 10, 11, 6, 7, 14, 15}}] : vector<8xf32>, vector<8xf32>
// CHECK-COUNT-8: vector.shuffle %{{.+}}, %{{.+}} [{{0, 1, 2, 3, 8, 9, 10, 11|4, 5, 6, 7, 12, 13, 14, 15}}] : vector<8xf32>, vector<8xf32>
// CHECK-NOT: vector.shuffle
// CHECK-NOT: vector.transpose
// CHECK: return
module attributes {kf.target = {triple = "x86_64-unknown-linux-gnu", cpu = "znver3", vector_bits = 256 : i64}} {
  func.func @transpose_8x8_f32(%v: vector<8x8xf32>) -> vector<8x8xf32> {
    %t = vector.transpose %v, [1, 0] : vector<8x8xf32> to vector<8x8xf32>
    return %t : vector<8x8xf32>
  }
}

// -----

// 16-bit elements, 128-bit rows: interleaved words, double words, then
// quad words (punpck{l,h}wd, dq, qdq), on the rows' bits as i16 (LLVM
// moves bf16 lanes one at a time).
// CHECK-LABEL: func.func @transpose_8x8_bf16
// CHECK-COUNT-8: vector.bitcast %{{.+}} : vector<8xbf16> to vector<8xi16>
// CHECK-COUNT-8: vector.shuffle %{{.+}}, %{{.+}} [{{0, 8, 1, 9, 2, 10, 3, 11|4, 12, 5, 13, 6, 14, 7, 15}}] : vector<8xi16>, vector<8xi16>
// CHECK-COUNT-8: vector.shuffle %{{.+}}, %{{.+}} [{{0, 1, 8, 9, 2, 3, 10, 11|4, 5, 12, 13, 6, 7, 14, 15}}] : vector<8xi16>, vector<8xi16>
// CHECK-COUNT-8: vector.shuffle %{{.+}}, %{{.+}} [{{0, 1, 2, 3, 8, 9, 10, 11|4, 5, 6, 7, 12, 13, 14, 15}}] : vector<8xi16>, vector<8xi16>
// CHECK-NOT: vector.shuffle
// CHECK-COUNT-8: vector.bitcast %{{.+}} : vector<8xi16> to vector<8xbf16>
// CHECK: return
module attributes {kf.target = {triple = "x86_64-unknown-linux-gnu", cpu = "skylake-avx512", vector_bits = 512 : i64}} {
  func.func @transpose_8x8_bf16(%v: vector<8x8xbf16>) -> vector<8x8xbf16> {
    %t = vector.transpose %v, [1, 0] : vector<8x8xbf16> to vector<8x8xbf16>
    return %t : vector<8x8xbf16>
  }
}

// -----

// Elsewhere (AArch64 here) the transpose is one flat shuffle (Shuffle1D).
// CHECK-LABEL: func.func @transpose_8x8_aarch64
// CHECK: vector.shuffle %{{.+}}, %{{.+}} [0, 8, 16, 24, 32, 40, 48, 56, 1,
// CHECK-NOT: vector.shuffle
// CHECK: return
module attributes {kf.target = {triple = "aarch64-unknown-linux-gnu", cpu = "neoverse-n1", vector_bits = 128 : i64}} {
  func.func @transpose_8x8_aarch64(%v: vector<8x8xf32>) -> vector<8x8xf32> {
    %t = vector.transpose %v, [1, 0] : vector<8x8xf32> to vector<8x8xf32>
    return %t : vector<8x8xf32>
  }
}

// -----

// A read the loop does not move, from a buffer the loop does not write (an
// int8 block's scales, read for each tile of panel rows), is read once
// before the loop; one from the buffer the loop writes stays inside.
// CHECK-LABEL: func.func @invariant_read
// CHECK: %[[S:.+]] = vector.load %arg1[%arg2]
// CHECK: scf.for
// CHECK-NOT: vector.load %arg1
// CHECK: arith.mulf %{{.+}}, %[[S]]
// CHECK: vector.store
// CHECK-LABEL: func.func @written_read
// CHECK: scf.for
// CHECK: vector.load %arg1[%arg2]
// CHECK: vector.store %{{.+}}, %arg1
func.func @invariant_read(%q: memref<64x8xf32>, %s: memref<64xf32>, %j: index, %out: memref<64x8xf32>) {
  %c0 = arith.constant 0 : index
  %c8 = arith.constant 8 : index
  %c64 = arith.constant 64 : index
  %pad = arith.constant 0.0 : f32
  scf.for %r = %c0 to %c64 step %c8 {
    %v = vector.transfer_read %q[%r, %c0], %pad {in_bounds = [true]} : memref<64x8xf32>, vector<8xf32>
    %scale = vector.transfer_read %s[%j], %pad {in_bounds = [true]} : memref<64xf32>, vector<8xf32>
    %p = arith.mulf %v, %scale : vector<8xf32>
    vector.transfer_write %p, %out[%r, %c0] {in_bounds = [true]} : vector<8xf32>, memref<64x8xf32>
  }
  return
}
func.func @written_read(%q: memref<64x8xf32>, %s: memref<64xf32>, %j: index) {
  %c0 = arith.constant 0 : index
  %c8 = arith.constant 8 : index
  %c64 = arith.constant 64 : index
  %pad = arith.constant 0.0 : f32
  scf.for %r = %c0 to %c64 step %c8 {
    %v = vector.transfer_read %q[%r, %c0], %pad {in_bounds = [true]} : memref<64x8xf32>, vector<8xf32>
    %scale = vector.transfer_read %s[%j], %pad {in_bounds = [true]} : memref<64xf32>, vector<8xf32>
    %p = arith.mulf %v, %scale : vector<8xf32>
    vector.transfer_write %p, %s[%r] {in_bounds = [true]} : vector<8xf32>, memref<64xf32>
  }
  return
}
