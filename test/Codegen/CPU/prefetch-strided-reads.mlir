// RUN: kernelforge-opt %s --split-input-file --kf-prefetch-strided-reads="distance=4" | FileCheck %s
// RUN: kernelforge-opt %s --split-input-file --kf-prefetch-strided-reads | FileCheck %s --check-prefix=OFF

// A register tile's reduction loop: the weight row run (32 floats, two cache
// lines) moves a whole row (256 floats) per step and is prefetched 4 steps
// ahead, the row clamped to the last one, into L1 (locality 3: four rows
// of two lines, 1 KiB apart, in distinct L1 sets); the activation walks one
// float per step and is left to the hardware.
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
// CHECK:   memref.prefetch %arg1[%[[AT]], %[[COL:.+]]], read, locality<3>, data : memref<64x256xf32>
// CHECK:   %[[COL2:.+]] = arith.addi %[[COL]], %[[LINE]] : index
// CHECK:   memref.prefetch %arg1[%[[AT]], %[[COL2]]], read, locality<3>, data : memref<64x256xf32>
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


// -----

// A one-row product against i8 blocks (decode): its mark gives its own
// distance (3 steps, not the pass's 4), and its read goes through a view
// that splits the weight's rows into blocks ([2 parts, 3 blocks, 32 rows,
// n] of [192, n]). The prefetch is of the viewed memref, at the row the
// view's indices 3 steps ahead linearise to, clamped to the last of its 192
// rows: so the last steps of a block prefetch the next block's first rows.
// Into L1: three rows of two lines, 512 bytes apart.
// CHECK-LABEL: func.func @blocks
// CHECK-DAG: %[[AHEAD:.+]] = arith.constant 3 : index
// CHECK-DAG: %[[LAST:.+]] = arith.constant 191 : index
// CHECK: scf.for %[[J:.+]] = %{{.+}} to %{{.+}} step %{{.+}} iter_args
// CHECK:   %[[NEXT:.+]] = arith.addi %[[J]], %[[AHEAD]] : index
// CHECK:   %[[ROW:.+]] = affine.linearize_index [%[[PART:.+]], %[[BLOCK:.+]], %[[NEXT]]] by (2, 3, 32) : index
// CHECK:   %[[MIN:.+]] = arith.minsi %[[ROW]], %[[LAST]] : index
// CHECK:   %[[AT:.+]] = arith.maxsi %[[MIN]], %{{.+}} : index
// CHECK:   memref.prefetch %arg0[%[[AT]], %[[COL:.+]]], read, locality<3>, data : memref<192x512xi8>
// CHECK:   memref.prefetch %arg0[%[[AT]], %{{.+}}], read, locality<3>, data : memref<192x512xi8>
// CHECK-NOT: memref.prefetch
// CHECK:   vector.load %{{.+}}[%[[PART]], %[[BLOCK]], %[[J]], %[[COL]]] : memref<2x3x32x512xi8>, vector<128xi8>
// OFF-LABEL: func.func @blocks
// OFF-NOT: memref.prefetch
// OFF-NOT: affine.linearize_index
func.func @blocks(%q: memref<192x512xi8>, %part: index, %block: index, %col: index, %acc: vector<128xf32>) -> vector<128xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c32 = arith.constant 32 : index
  %view = memref.expand_shape %q [[0, 1, 2], [3]] output_shape [2, 3, 32, 512] : memref<192x512xi8> into memref<2x3x32x512xi8>
  %r = scf.for %j = %c0 to %c32 step %c1 iter_args(%a = %acc) -> (vector<128xf32>) {
    %w = vector.load %view[%part, %block, %j, %col] : memref<2x3x32x512xi8>, vector<128xi8>
    %f = arith.sitofp %w : vector<128xi8> to vector<128xf32>
    %n = arith.addf %a, %f : vector<128xf32>
    scf.yield %n : vector<128xf32>
  } {kf.prefetch = 3 : i64}
  return %r : vector<128xf32>
}

// -----

// Rows 4 KiB apart (1024 floats) pile into the same L1 sets: 12 rows ahead
// (the mark's own distance) of two lines each would put 12 lines in each of
// two sets, more than an L1 holds (8 ways at the least), so the prefetches
// go to L2 (locality 2).
// CHECK-LABEL: func.func @page_stride
// CHECK-COUNT-2: memref.prefetch %arg0[%{{.+}}, %{{.+}}], read, locality<2>, data : memref<64x1024xf32>
// CHECK-NOT: memref.prefetch
func.func @page_stride(%w: memref<64x1024xf32>, %col: index, %acc: vector<32xf32>) -> vector<32xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %r = scf.for %k = %c0 to %c64 step %c1 iter_args(%a = %acc) -> (vector<32xf32>) {
    %wv = vector.load %w[%k, %col] : memref<64x1024xf32>, vector<32xf32>
    %n = arith.addf %a, %wv : vector<32xf32>
    scf.yield %n : vector<32xf32>
  } {kf.prefetch = 12 : i64}
  return %r : vector<32xf32>
}

// -----

// A lane tile of the head with bf16 weights (kf.prefetch_rows = 12288): its
// loop walks two weight rows front to back, 32 bytes a step, and the loop
// around it steps 2 rows (3072 bytes); each read asks for the same place in
// the rows 4 steps (8 rows, 12288 bytes) below, the row clamped, into L1
// (12 KiB of consecutive lines). The rows are computed in the loop, from
// values outside it. The activation has no
// kf.prefetch mark: not prefetched.
// CHECK-LABEL: func.func @next_rows
// CHECK: scf.for %[[R:.+]] = %{{.+}} to %{{.+}} step %{{.+}} {
// CHECK-DAG: %[[BELOW:.+]] = arith.constant 8 : index
// CHECK-DAG: %[[LAST:.+]] = arith.constant 99 : index
// CHECK: scf.for %[[K:.+]] = %{{.+}} to %{{.+}} step %{{.+}} iter_args
// CHECK-NOT: memref.prefetch %arg0
// CHECK: %[[ROW:.+]] = affine.apply #{{.+}}()[%{{.+}}, %[[R]]]
// CHECK: %[[NEXT:.+]] = arith.addi %[[ROW]], %[[BELOW]] : index
// CHECK: %[[MIN:.+]] = arith.minsi %[[NEXT]], %[[LAST]] : index
// CHECK: %[[AT:.+]] = arith.maxsi %[[MIN]], %{{.+}} : index
// CHECK: memref.prefetch %arg1[%[[AT]], %[[K]], %{{.+}}], read, locality<3>, data : memref<100x48x16xbf16>
// CHECK: vector.transfer_read %arg1[%[[ROW]], %[[K]], %{{.+}}]
// CHECK: memref.prefetch %arg1
// CHECK: vector.transfer_read %arg1
// OFF-LABEL: func.func @next_rows
// OFF-NOT: memref.prefetch
#row0 = affine_map<()[s0, s1] -> (s0 + s1)>
#row1 = affine_map<()[s0, s1] -> (s0 + s1 + 1)>
func.func @next_rows(%x: memref<1x48x16xf32>, %w: memref<100x48x16xbf16>, %base: index, %acc: vector<16xf32>, %out: memref<12x16xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c24 = arith.constant 24 : index
  %c48 = arith.constant 48 : index
  %pad = arith.constant 0.0 : bf16
  scf.for %r = %c0 to %c24 step %c2 {
    %s = scf.for %k = %c0 to %c48 step %c1 iter_args(%a = %acc) -> (vector<16xf32>) {
      %xv = vector.load %x[%c0, %k, %c0] : memref<1x48x16xf32>, vector<16xf32>
      %row0 = affine.apply #row0()[%base, %r]
      %w0 = vector.transfer_read %w[%row0, %k, %c0], %pad {in_bounds = [true]} : memref<100x48x16xbf16>, vector<16xbf16>
      %row1 = affine.apply #row1()[%base, %r]
      %w1 = vector.transfer_read %w[%row1, %k, %c0], %pad {in_bounds = [true]} : memref<100x48x16xbf16>, vector<16xbf16>
      %e0 = arith.extf %w0 : vector<16xbf16> to vector<16xf32>
      %e1 = arith.extf %w1 : vector<16xbf16> to vector<16xf32>
      %f0 = vector.fma %xv, %e0, %a : vector<16xf32>
      %f1 = vector.fma %xv, %e1, %f0 : vector<16xf32>
      scf.yield %f1 : vector<16xf32>
    } {kf.prefetch_rows = 12288 : i64}
    %i = arith.divui %r, %c2 : index
    vector.store %s, %out[%i, %c0] : memref<12x16xf32>, vector<16xf32>
  }
  return
}

// -----

// A streamed row (kf-tile-and-vectorize's kf.stream_rows with AVX2's 32
// bf16 lanes, kf.prefetch_rows = 12288): each step reads one whole line of
// the row, one after another; the rows 12 KiB below are those of the loop
// that moves the row, past the k tile loop between, here 2 rows of 6 KiB.
// One line each, into L2 (locality 2). The activation moves with no row:
// nothing.
// CHECK-LABEL: func.func @streamed_rows
// CHECK: scf.for %[[R:.+]] = %{{.+}} to %{{.+}} step %{{.+}} {
// CHECK: scf.for %{{.+}} = %{{.+}} to %{{.+}} step %{{.+}} iter_args
// CHECK: %[[BELOW:.+]] = arith.constant 2 : index
// CHECK: scf.for %{{.+}} = %{{.+}} to %{{.+}} step %{{.+}} iter_args
// CHECK-NOT: memref.prefetch %arg0
// CHECK: %[[NEXT:.+]] = arith.addi %[[R]], %[[BELOW]] : index
// CHECK: memref.prefetch %arg1[%{{.+}}, %{{.+}}, %{{.+}}], read, locality<2>, data : memref<8x96x32xbf16>
// CHECK-NOT: memref.prefetch
// CHECK: vector.load %arg1[%[[R]], %{{.+}}, %{{.+}}]
// OFF-LABEL: func.func @streamed_rows
// OFF-NOT: memref.prefetch
#k = affine_map<()[s0, s1] -> (s0 + s1)>
func.func @streamed_rows(%x: memref<1x96x32xf32>, %w: memref<8x96x32xbf16>, %acc: vector<32xf32>, %out: memref<8x32xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c32 = arith.constant 32 : index
  %c96 = arith.constant 96 : index
  scf.for %r = %c0 to %c8 step %c1 {
    %s = scf.for %kt = %c0 to %c96 step %c32 iter_args(%a0 = %acc) -> (vector<32xf32>) {
      %t = scf.for %kk = %c0 to %c32 step %c1 iter_args(%a = %a0) -> (vector<32xf32>) {
        %k = affine.apply #k()[%kt, %kk]
        %xv = vector.load %x[%c0, %k, %c0] : memref<1x96x32xf32>, vector<32xf32>
        %wv = vector.load %w[%r, %k, %c0] : memref<8x96x32xbf16>, vector<32xbf16>
        %e = arith.extf %wv : vector<32xbf16> to vector<32xf32>
        %f = vector.fma %xv, %e, %a : vector<32xf32>
        scf.yield %f : vector<32xf32>
      } {kf.prefetch_rows = 12288 : i64}
      scf.yield %t : vector<32xf32>
    }
    vector.store %s, %out[%r, %c0] : memref<8x32xf32>, vector<32xf32>
  }
  return
}

// -----

// kf.prefetch_next_tiles: a row against i8 blocks walked blocks outer, one
// 64-byte run of each of a block's 32 rows per step, register tile after
// register tile. Each weight read prefetches the run two tiles (128
// columns) further along its row; past the row's end, where the next block
// starts (its row, the column wrapped). Every index is clamped; into L1
// (the block's 32 rows of 512 bytes, two tiles ahead each). The
// activation, which does not move with the tile loop, gets nothing. The
// mark goes with the distance: distance 0 turns it off too.
// CHECK-LABEL: func.func @next_tiles
// CHECK: scf.for %[[B:.+]] = %{{.+}} to %{{.+}} step %{{.+}} {
// CHECK: scf.for %[[N:.+]] = %{{.+}} to %{{.+}} step %{{.+}} {
// CHECK-DAG: %[[AHEAD:.+]] = arith.constant 128 : index
// CHECK-DAG: %[[WIDTH:.+]] = arith.constant 512 : index
// CHECK-DAG: %[[LASTCOL:.+]] = arith.constant 511 : index
// CHECK-DAG: %[[LASTBLOCK:.+]] = arith.constant 3 : index
// CHECK-DAG: %[[LASTROW:.+]] = arith.constant 31 : index
// CHECK:   scf.for %[[J:.+]] = %{{.+}} to %{{.+}} step %{{.+}} iter_args
// CHECK-NOT: memref.prefetch %arg0
// CHECK:     %[[NEXT:.+]] = arith.addi %[[N]], %[[AHEAD]] : index
// CHECK:     %[[PAST:.+]] = arith.cmpi sge, %[[NEXT]], %[[WIDTH]] : index
// CHECK:     %[[WRAPPED:.+]] = arith.subi %[[NEXT]], %[[WIDTH]] : index
// CHECK:     %[[COL:.+]] = arith.select %[[PAST]], %[[WRAPPED]], %[[NEXT]] : index
// CHECK:     %[[BNEXT:.+]] = arith.addi %[[B]], %{{.+}} : index
// CHECK:     %[[BLOCK:.+]] = arith.select %[[PAST]], %[[BNEXT]], %[[B]] : index
// CHECK:     %[[B1:.+]] = arith.minsi %[[BLOCK]], %[[LASTBLOCK]] : index
// CHECK:     %[[B2:.+]] = arith.maxsi %[[B1]], %{{.+}} : index
// CHECK:     %[[J1:.+]] = arith.minsi %[[J]], %[[LASTROW]] : index
// CHECK:     %[[J2:.+]] = arith.maxsi %[[J1]], %{{.+}} : index
// CHECK:     %[[C1:.+]] = arith.minsi %[[COL]], %[[LASTCOL]] : index
// CHECK:     %[[C2:.+]] = arith.maxsi %[[C1]], %{{.+}} : index
// CHECK:     memref.prefetch %arg1[%[[B2]], %[[J2]], %[[C2]]], read, locality<3>, data : memref<4x32x512xi8>
// CHECK-NOT: memref.prefetch
// CHECK:     vector.load %arg1[%[[B]], %[[J]], %[[N]]] : memref<4x32x512xi8>, vector<64xi8>
// CHECK-NOT: kf.prefetch_next_tiles
// OFF-LABEL: func.func @next_tiles
// OFF-NOT: memref.prefetch
// OFF-NOT: kf.prefetch_next_tiles
func.func @next_tiles(%x: memref<4x32xf32>, %w: memref<4x32x512xi8>, %out: memref<512xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c32 = arith.constant 32 : index
  %c64 = arith.constant 64 : index
  %c512 = arith.constant 512 : index
  %zero = arith.constant dense<0.0> : vector<64xf32>
  scf.for %b = %c0 to %c4 step %c1 {
    scf.for %n = %c0 to %c512 step %c64 {
      %sum = scf.for %j = %c0 to %c32 step %c1 iter_args(%a = %zero) -> (vector<64xf32>) {
        %xs = vector.load %x[%b, %j] : memref<4x32xf32>, vector<1xf32>
        %q = vector.load %w[%b, %j, %n] : memref<4x32x512xi8>, vector<64xi8>
        %qf = arith.sitofp %q : vector<64xi8> to vector<64xf32>
        %xe = vector.extract %xs[0] : f32 from vector<1xf32>
        %xb = vector.broadcast %xe : f32 to vector<64xf32>
        %s = vector.fma %xb, %qf, %a : vector<64xf32>
        scf.yield %s : vector<64xf32>
      } {kf.prefetch_next_tiles = 2 : i64}
      %old = vector.load %out[%n] : memref<512xf32>, vector<64xf32>
      %new = arith.addf %old, %sum : vector<64xf32>
      vector.store %new, %out[%n] : memref<512xf32>, vector<64xf32>
    } {kf.prefetch_next_tiles = 2 : i64}
  } {kf.prefetch_next_tiles = 2 : i64}
  return
}

// -----

// kf.prefetch_next_k_tile = 0: the copy of a [768, 3072] weight's k tile
// ([256, 64] at (%k, %col), seen as 4 panels of 16) prefetches, for each
// 64-byte run it copies, the same columns 256 rows further down the whole
// weight; past its last row, the first rows of the next 64 columns. Every
// index is clamped to the weight. Distance 0 turns it off.
// CHECK-LABEL: func.func @next_k_tile
// CHECK: scf.for %[[K:.+]] = %{{.+}} to %{{.+}} step %{{.+}} {
// CHECK: scf.for %[[R:.+]] = %{{.+}} to %{{.+}} step %{{.+}} {
// CHECK-DAG: %[[TILE:.+]] = arith.constant 256 : index
// CHECK-DAG: %[[ROWS:.+]] = arith.constant 768 : index
// CHECK-DAG: %[[COLS:.+]] = arith.constant 64 : index
// CHECK-DAG: %[[LASTROW:.+]] = arith.constant 767 : index
// CHECK-DAG: %[[LASTCOL:.+]] = arith.constant 3071 : index
// CHECK: scf.for %[[P:.+]] = %{{.+}} to %{{.+}} step %{{.+}} {
// CHECK:   %[[J:.+]] = affine.linearize_index disjoint [%[[P]], %{{.+}}] by (4, 16) : index
// CHECK:   %[[ROW:.+]] = arith.addi %[[R]], %[[K]] : index
// CHECK:   %[[COL:.+]] = arith.addi %[[J]], %arg1 : index
// CHECK:   %[[DOWN:.+]] = arith.addi %[[ROW]], %[[TILE]] : index
// CHECK:   %[[PAST:.+]] = arith.cmpi sge, %[[DOWN]], %[[ROWS]] : index
// CHECK:   %[[WRAPPED:.+]] = arith.subi %[[DOWN]], %[[ROWS]] : index
// CHECK:   %[[NEXTROW:.+]] = arith.select %[[PAST]], %[[WRAPPED]], %[[DOWN]] : index
// CHECK:   %[[RIGHT:.+]] = arith.addi %[[COL]], %[[COLS]] : index
// CHECK:   %[[NEXTCOL:.+]] = arith.select %[[PAST]], %[[RIGHT]], %[[COL]] : index
// CHECK:   %[[R1:.+]] = arith.minsi %[[NEXTROW]], %[[LASTROW]] : index
// CHECK:   %[[R2:.+]] = arith.maxsi %[[R1]], %{{.+}} : index
// CHECK:   %[[C1:.+]] = arith.minsi %[[NEXTCOL]], %[[LASTCOL]] : index
// CHECK:   %[[C2:.+]] = arith.maxsi %[[C1]], %{{.+}} : index
// CHECK:   memref.prefetch %arg0[%[[R2]], %[[C2]]], read, locality<2>, data : memref<768x3072xf32>
// CHECK-NOT: memref.prefetch
// CHECK:   vector.load %{{.+}}[%[[R]], %[[P]], %{{.+}}] : memref<256x4x16xf32, strided<[3072, 16, 1], offset: ?>>, vector<16xf32>
// CHECK-NOT: kf.prefetch_next_k_tile
// OFF-LABEL: func.func @next_k_tile
// OFF-NOT: memref.prefetch
// OFF-NOT: kf.prefetch_next_k_tile
func.func @next_k_tile(%w: memref<768x3072xf32>, %col: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c256 = arith.constant 256 : index
  %c768 = arith.constant 768 : index
  scf.for %k = %c0 to %c768 step %c256 {
    %tile = memref.subview %w[%k, %col] [256, 64] [1, 1] : memref<768x3072xf32> to memref<256x64xf32, strided<[3072, 1], offset: ?>>
    %view = memref.expand_shape %tile [[0], [1, 2]] output_shape [256, 4, 16] : memref<256x64xf32, strided<[3072, 1], offset: ?>> into memref<256x4x16xf32, strided<[3072, 16, 1], offset: ?>>
    %panels = memref.alloc() {alignment = 64 : i64} : memref<4x256x16xf32>
    scf.for %r = %c0 to %c256 step %c1 {
      scf.for %p = %c0 to %c4 step %c1 {
        %v = vector.load %view[%r, %p, %c0] : memref<256x4x16xf32, strided<[3072, 16, 1], offset: ?>>, vector<16xf32>
        vector.store %v, %panels[%p, %r, %c0] : memref<4x256x16xf32>, vector<16xf32>
      } {kf.prefetch_next_k_tile = 0 : i64}
    } {kf.prefetch_next_k_tile = 0 : i64}
    memref.dealloc %panels : memref<4x256x16xf32>
  }
  return
}

// -----

// kf.prefetch_next_k_tile = 1: a transposing copy of a [3072, 768] weight
// stored [n, k] ([64, 256] at (%row, %k), seen as 2 x 32 rows) reads rows
// of 8 along k with plain transfers; each prefetches the same run 256
// columns further along k, and past the row's end the next 64 rows' first.
// CHECK-LABEL: func.func @next_k_tile_out_in
// CHECK: scf.for %[[K:.+]] = %{{.+}} to %{{.+}} step %{{.+}} {
// CHECK: scf.for %{{.+}} = %{{.+}} to %{{.+}} step %{{.+}} {
// CHECK-DAG: %[[TILE:.+]] = arith.constant 256 : index
// CHECK-DAG: %[[DEPTH:.+]] = arith.constant 768 : index
// CHECK-DAG: %[[ROWS:.+]] = arith.constant 64 : index
// CHECK: scf.for %[[R:.+]] = %{{.+}} to %{{.+}} step %{{.+}} {
// CHECK:   %[[N:.+]] = affine.linearize_index disjoint [%{{.+}}, %{{.+}}] by (2, 32) : index
// CHECK:   %[[ROW:.+]] = arith.addi %[[N]], %arg1 : index
// CHECK:   %[[COL:.+]] = arith.addi %[[R]], %[[K]] : index
// CHECK:   %[[AHEAD:.+]] = arith.addi %[[COL]], %[[TILE]] : index
// CHECK:   %[[PAST:.+]] = arith.cmpi sge, %[[AHEAD]], %[[DEPTH]] : index
// CHECK:   %[[NEXTROW:.+]] = arith.addi %[[ROW]], %[[ROWS]] : index
// CHECK:   arith.select %[[PAST]], %[[NEXTROW]], %[[ROW]] : index
// CHECK:   memref.prefetch %arg0[%{{.+}}, %{{.+}}], read, locality<2>, data : memref<3072x768xf32>
// CHECK-NOT: memref.prefetch
// CHECK:   vector.transfer_read %{{.+}} : memref<2x32x256xf32, strided<[24576, 768, 1], offset: ?>>, vector<8xf32>
// CHECK-NOT: kf.prefetch_next_k_tile
// OFF-LABEL: func.func @next_k_tile_out_in
// OFF-NOT: memref.prefetch
func.func @next_k_tile_out_in(%w: memref<3072x768xf32>, %row: index) {
  %c0 = arith.constant 0 : index
  %c8 = arith.constant 8 : index
  %c32 = arith.constant 32 : index
  %c256 = arith.constant 256 : index
  %c768 = arith.constant 768 : index
  %pad = arith.constant 0.0 : f32
  scf.for %k = %c0 to %c768 step %c256 {
    %tile = memref.subview %w[%row, %k] [64, 256] [1, 1] : memref<3072x768xf32> to memref<64x256xf32, strided<[768, 1], offset: ?>>
    %view = memref.expand_shape %tile [[0, 1], [2]] output_shape [2, 32, 256] : memref<64x256xf32, strided<[768, 1], offset: ?>> into memref<2x32x256xf32, strided<[24576, 768, 1], offset: ?>>
    %panels = memref.alloc() {alignment = 64 : i64} : memref<2x256x32xf32>
    scf.for %p = %c0 to %c32 step %c8 {
      scf.for %r = %c0 to %c256 step %c8 {
        %v = vector.transfer_read %view[%c0, %p, %r], %pad {in_bounds = [true]} : memref<2x32x256xf32, strided<[24576, 768, 1], offset: ?>>, vector<8xf32>
        vector.store %v, %panels[%c0, %r, %p] : memref<2x256x32xf32>, vector<8xf32>
      } {kf.prefetch_next_k_tile = 1 : i64}
    } {kf.prefetch_next_k_tile = 1 : i64}
    memref.dealloc %panels : memref<2x256x32xf32>
  }
  return
}

// -----

// The same walk through an i8 weight's [blocks, block, n] view of [k, n]:
// each index is clamped in the view (block <= 3, row <= 31, column <= 511),
// before it is linearised into the weight's row, so that an index the loop
// bounds keep in range (the row) folds away and one invariant in the row
// loop (the block) is hoisted out of it.
// CHECK-LABEL: func.func @next_tiles_view
// CHECK: scf.for %[[B:.+]] = %{{.+}} to %{{.+}} step %{{.+}} {
// CHECK-DAG: %[[LASTBLOCK:.+]] = arith.constant 3 : index
// CHECK-DAG: %[[LASTROW:.+]] = arith.constant 31 : index
// CHECK-DAG: %[[LASTCOL:.+]] = arith.constant 511 : index
// CHECK:   scf.for %[[J:.+]] = %{{.+}} to %{{.+}} step %{{.+}} iter_args
// CHECK:     %[[BLOCK:.+]] = arith.select %{{.+}}, %{{.+}}, %[[B]] : index
// CHECK:     %[[B1:.+]] = arith.minsi %[[BLOCK]], %[[LASTBLOCK]] : index
// CHECK:     %[[B2:.+]] = arith.maxsi %[[B1]], %{{.+}} : index
// CHECK:     %[[J1:.+]] = arith.minsi %[[J]], %[[LASTROW]] : index
// CHECK:     %[[J2:.+]] = arith.maxsi %[[J1]], %{{.+}} : index
// CHECK:     %[[C1:.+]] = arith.minsi %{{.+}}, %[[LASTCOL]] : index
// CHECK:     %[[C2:.+]] = arith.maxsi %[[C1]], %{{.+}} : index
// CHECK:     %[[ROW:.+]] = affine.linearize_index [%[[B2]], %[[J2]]] by (4, 32) : index
// CHECK:     memref.prefetch %arg1[%[[ROW]], %[[C2]]], read, locality<3>, data : memref<128x512xi8>
// CHECK-NOT: memref.prefetch
func.func @next_tiles_view(%x: memref<4x32xf32>, %raw: memref<128x512xi8>, %out: memref<512xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c32 = arith.constant 32 : index
  %c64 = arith.constant 64 : index
  %c512 = arith.constant 512 : index
  %zero = arith.constant dense<0.0> : vector<64xf32>
  %w = memref.expand_shape %raw [[0, 1], [2]] output_shape [4, 32, 512] : memref<128x512xi8> into memref<4x32x512xi8>
  scf.for %b = %c0 to %c4 step %c1 {
    scf.for %n = %c0 to %c512 step %c64 {
      %sum = scf.for %j = %c0 to %c32 step %c1 iter_args(%a = %zero) -> (vector<64xf32>) {
        %xs = vector.load %x[%b, %j] : memref<4x32xf32>, vector<1xf32>
        %q = vector.load %w[%b, %j, %n] : memref<4x32x512xi8>, vector<64xi8>
        %qf = arith.sitofp %q : vector<64xi8> to vector<64xf32>
        %xe = vector.extract %xs[0] : f32 from vector<1xf32>
        %xb = vector.broadcast %xe : f32 to vector<64xf32>
        %s = vector.fma %xb, %qf, %a : vector<64xf32>
        scf.yield %s : vector<64xf32>
      } {kf.prefetch_next_tiles = 2 : i64}
      %old = vector.load %out[%n] : memref<512xf32>, vector<64xf32>
      %new = arith.addf %old, %sum : vector<64xf32>
      vector.store %new, %out[%n] : memref<512xf32>, vector<64xf32>
    } {kf.prefetch_next_tiles = 2 : i64}
  } {kf.prefetch_next_tiles = 2 : i64}
  return
}
