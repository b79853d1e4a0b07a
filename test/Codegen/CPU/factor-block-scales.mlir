// RUN: kernelforge-opt %s --split-input-file --kf-factor-block-scales | FileCheck %s

// The register loops of a row against i8 blocks: inside a block (the inner
// loop) each widened weight was scaled by the block's scales. The block's
// products are now summed from zero, unscaled, and the sum is scaled once
// onto the running total after the loop; the scales are read once, before
// the inner loop, with the next block's scales prefetched (one prefetch per
// cache line: 32 floats, two lines), the block index clamped to the last.
// CHECK-LABEL: func.func @blocks
// CHECK: scf.for %[[KB:.+]] = %{{.+}} to %{{.+}} step %[[ONE:.+]] iter_args(%[[ACC:.+]] = %{{.+}}) -> (vector<32xf32>) {
// CHECK:   %[[S:.+]] = vector.load %arg2[%[[KB]], %arg4] : memref<4x64xf32>, vector<32xf32>
// CHECK:   %[[NEXT:.+]] = arith.addi %[[KB]], %{{.+}} : index
// CHECK:   %[[MIN:.+]] = arith.minsi %[[NEXT]], %{{.+}} : index
// CHECK:   %[[AT:.+]] = arith.maxsi %[[MIN]], %{{.+}} : index
// CHECK:   memref.prefetch %arg2[%[[AT]], %arg4], read, locality<2>, data : memref<4x64xf32>
// CHECK:   memref.prefetch %arg2[%[[AT]], %{{.+}}], read, locality<2>, data : memref<4x64xf32>
// CHECK-NOT: memref.prefetch
// CHECK:   %[[ZERO:.+]] = arith.constant dense<0.000000e+00> : vector<32xf32>
// CHECK:   %[[SUM:.+]] = scf.for %{{.+}} = %{{.+}} to %{{.+}} step %{{.+}} iter_args(%[[P:.+]] = %[[ZERO]]) -> (vector<32xf32>) {
// CHECK-NOT:  arith.mulf
// CHECK:     %[[Q:.+]] = arith.sitofp %{{.+}} : vector<32xi8> to vector<32xf32>
// CHECK:     %[[NEW:.+]] = vector.fma %{{.+}}, %[[Q]], %[[P]] : vector<32xf32>
// CHECK:     scf.yield %[[NEW]] : vector<32xf32>
// CHECK:   %[[TOTAL:.+]] = vector.fma %[[SUM]], %[[S]], %[[ACC]] : vector<32xf32>
// CHECK:   scf.yield %[[TOTAL]] : vector<32xf32>
// CHECK-NOT: kf.block_scales
func.func @blocks(%x: memref<128xf32>, %q: memref<4x32x64xi8>, %s: memref<4x64xf32>, %init: vector<32xf32>, %col: index) -> vector<32xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c32 = arith.constant 32 : index
  %r = scf.for %kb = %c0 to %c4 step %c1 iter_args(%acc = %init) -> (vector<32xf32>) {
    %inner = scf.for %j = %c0 to %c32 step %c1 iter_args(%a = %acc) -> (vector<32xf32>) {
      %k = arith.addi %kb, %j : index
      %xv = memref.load %x[%k] : memref<128xf32>
      %xb = vector.broadcast %xv : f32 to vector<32xf32>
      %w = vector.load %q[%kb, %j, %col] : memref<4x32x64xi8>, vector<32xi8>
      %scale = vector.load %s[%kb, %col] : memref<4x64xf32>, vector<32xf32>
      %wf = arith.sitofp %w : vector<32xi8> to vector<32xf32>
      %ws = arith.mulf %wf, %scale : vector<32xf32>
      %n = vector.fma %xb, %ws, %a : vector<32xf32>
      scf.yield %n : vector<32xf32>
    } {kf.block_scales}
    scf.yield %inner : vector<32xf32>
  } {kf.block_scales}
  return %r : vector<32xf32>
}

// -----

// f16 scales (the Q8_0 layout): the read and its widening move before the
// inner loop together; the next block's scales are one cache line (32
// halves), one prefetch.
// CHECK-LABEL: func.func @half_scales
// CHECK: scf.for %[[KB:.+]] = %{{.+}} to %{{.+}} step %{{.+}} iter_args(%[[ACC:.+]] = %{{.+}}) -> (vector<32xf32>) {
// CHECK:   %[[H:.+]] = vector.load %arg2[%[[KB]], %arg4] : memref<4x64xf16>, vector<32xf16>
// CHECK:   %[[S:.+]] = arith.extf %[[H]] : vector<32xf16> to vector<32xf32>
// CHECK:   memref.prefetch %arg2[%{{.+}}, %arg4], read, locality<2>, data : memref<4x64xf16>
// CHECK-NOT: memref.prefetch
// CHECK:   %[[SUM:.+]] = scf.for
// CHECK-NOT:  arith.extf
// CHECK-NOT:  arith.mulf
// CHECK:     vector.fma
// CHECK:   vector.fma %[[SUM]], %[[S]], %[[ACC]] : vector<32xf32>
func.func @half_scales(%x: memref<128xf32>, %q: memref<4x32x64xi8>, %s: memref<4x64xf16>, %init: vector<32xf32>, %col: index) -> vector<32xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c32 = arith.constant 32 : index
  %r = scf.for %kb = %c0 to %c4 step %c1 iter_args(%acc = %init) -> (vector<32xf32>) {
    %inner = scf.for %j = %c0 to %c32 step %c1 iter_args(%a = %acc) -> (vector<32xf32>) {
      %k = arith.addi %kb, %j : index
      %xv = memref.load %x[%k] : memref<128xf32>
      %xb = vector.broadcast %xv : f32 to vector<32xf32>
      %w = vector.load %q[%kb, %j, %col] : memref<4x32x64xi8>, vector<32xi8>
      %half = vector.load %s[%kb, %col] : memref<4x64xf16>, vector<32xf16>
      %scale = arith.extf %half : vector<32xf16> to vector<32xf32>
      %wf = arith.sitofp %w : vector<32xi8> to vector<32xf32>
      %ws = arith.mulf %wf, %scale : vector<32xf32>
      %n = vector.fma %xb, %ws, %a : vector<32xf32>
      scf.yield %n : vector<32xf32>
    } {kf.block_scales}
    scf.yield %inner : vector<32xf32>
  } {kf.block_scales}
  return %r : vector<32xf32>
}

// -----

// A scale defined before the loop is used as it is; nothing to prefetch.
// CHECK-LABEL: func.func @outside
// CHECK-NOT: memref.prefetch
// CHECK: %[[SUM:.+]] = scf.for
// CHECK-NOT: arith.mulf
// CHECK: vector.fma %[[SUM]], %arg1, %arg2 : vector<16xf32>
func.func @outside(%q: memref<32x16xi8>, %scale: vector<16xf32>, %init: vector<16xf32>, %xb: vector<16xf32>) -> vector<16xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c32 = arith.constant 32 : index
  %r = scf.for %j = %c0 to %c32 step %c1 iter_args(%a = %init) -> (vector<16xf32>) {
    %w = vector.load %q[%j, %c0] : memref<32x16xi8>, vector<16xi8>
    %wf = arith.sitofp %w : vector<16xi8> to vector<16xf32>
    %ws = arith.mulf %scale, %wf : vector<16xf32>
    %n = vector.fma %ws, %xb, %a : vector<16xf32>
    scf.yield %n : vector<16xf32>
  } {kf.block_scales}
  return %r : vector<16xf32>
}

// -----

// Left alone: a loop without the mark; a scale read in a loop that writes
// memory (the read may change); a sum used for more than the update; a
// scale that changes with the loop.
// CHECK-LABEL: func.func @left_alone
// CHECK-COUNT-4: arith.mulf
// CHECK-NOT: kf.block_scales
func.func @left_alone(%q: memref<32x16xi8>, %s: memref<32x16xf32>, %out: memref<16xf32>, %scale: vector<16xf32>, %init: vector<16xf32>, %xb: vector<16xf32>) -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c32 = arith.constant 32 : index
  %unmarked = scf.for %j = %c0 to %c32 step %c1 iter_args(%a = %init) -> (vector<16xf32>) {
    %w = vector.load %q[%j, %c0] : memref<32x16xi8>, vector<16xi8>
    %wf = arith.sitofp %w : vector<16xi8> to vector<16xf32>
    %ws = arith.mulf %wf, %scale : vector<16xf32>
    %n = vector.fma %xb, %ws, %a : vector<16xf32>
    scf.yield %n : vector<16xf32>
  }
  %writes = scf.for %j = %c0 to %c32 step %c1 iter_args(%a = %init) -> (vector<16xf32>) {
    %w = vector.load %q[%j, %c0] : memref<32x16xi8>, vector<16xi8>
    %sc = vector.load %s[%c0, %c0] : memref<32x16xf32>, vector<16xf32>
    %wf = arith.sitofp %w : vector<16xi8> to vector<16xf32>
    %ws = arith.mulf %wf, %sc : vector<16xf32>
    %n = vector.fma %xb, %ws, %a : vector<16xf32>
    vector.store %n, %out[%c0] : memref<16xf32>, vector<16xf32>
    scf.yield %n : vector<16xf32>
  } {kf.block_scales}
  %used = scf.for %j = %c0 to %c32 step %c1 iter_args(%a = %init) -> (vector<16xf32>) {
    %w = vector.load %q[%j, %c0] : memref<32x16xi8>, vector<16xi8>
    %wf = arith.sitofp %w : vector<16xi8> to vector<16xf32>
    %ws = arith.mulf %wf, %scale : vector<16xf32>
    %m = arith.maximumf %a, %xb : vector<16xf32>
    %n = vector.fma %m, %ws, %a : vector<16xf32>
    scf.yield %n : vector<16xf32>
  } {kf.block_scales}
  %moving = scf.for %j = %c0 to %c32 step %c1 iter_args(%a = %init) -> (vector<16xf32>) {
    %w = vector.load %q[%j, %c0] : memref<32x16xi8>, vector<16xi8>
    %sc = vector.load %s[%j, %c0] : memref<32x16xf32>, vector<16xf32>
    %wf = arith.sitofp %w : vector<16xi8> to vector<16xf32>
    %ws = arith.mulf %wf, %sc : vector<16xf32>
    %n = vector.fma %xb, %ws, %a : vector<16xf32>
    scf.yield %n : vector<16xf32>
  } {kf.block_scales}
  return %unmarked, %writes, %used, %moving : vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>
}

// -----

// Two rows' register tile (a short prompt against [k, n] blocks): the sums
// are one vector<2x32xf32>, the block's weights widened and scaled as a
// matrix of two equal rows. They are split into one sum per row first, each
// then summed unscaled from zero against the one widened vector and scaled
// once after the block, the scales read once for both rows.
// CHECK-LABEL: func.func @two_rows
// CHECK: scf.for %[[KB:.+]] = %{{.+}} to %{{.+}} step %{{.+}} iter_args(%[[ACC0:.+]] = %{{.+}}, %[[ACC1:.+]] = %{{.+}}) -> (vector<32xf32>, vector<32xf32>) {
// CHECK:   %[[S:.+]] = vector.load %arg2[%[[KB]], %arg4] : memref<4x64xf32>, vector<32xf32>
// CHECK:   %[[SUMS:.+]]:2 = scf.for {{.+}} -> (vector<32xf32>, vector<32xf32>) {
// CHECK-NOT:  arith.mulf
// CHECK:     %[[Q:.+]] = arith.sitofp %{{.+}} : vector<32xi8> to vector<32xf32>
// CHECK-NOT:  arith.mulf
// CHECK:     %[[N0:.+]] = vector.fma %{{.+}}, %[[Q]], %{{.+}} : vector<32xf32>
// CHECK:     %[[N1:.+]] = vector.fma %{{.+}}, %[[Q]], %{{.+}} : vector<32xf32>
// CHECK:     scf.yield %[[N0]], %[[N1]] : vector<32xf32>, vector<32xf32>
// CHECK-DAG: %[[T0:.+]] = vector.fma %[[SUMS]]#0, %[[S]], %[[ACC0]] : vector<32xf32>
// CHECK-DAG: %[[T1:.+]] = vector.fma %[[SUMS]]#1, %[[S]], %[[ACC1]] : vector<32xf32>
// CHECK:   scf.yield %[[T0]], %[[T1]]
func.func @two_rows(%x: memref<2x128xf32>, %q: memref<4x32x64xi8>, %s: memref<4x64xf32>, %init: vector<32xf32>, %col: index) -> (vector<32xf32>, vector<32xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c32 = arith.constant 32 : index
  %r:2 = scf.for %kb = %c0 to %c4 step %c1 iter_args(%a0 = %init, %a1 = %init) -> (vector<32xf32>, vector<32xf32>) {
    %p = ub.poison : vector<2x32xf32>
    %s0 = vector.insert %a0, %p [0] : vector<32xf32> into vector<2x32xf32>
    %start = vector.insert %a1, %s0 [1] : vector<32xf32> into vector<2x32xf32>
    %inner = scf.for %j = %c0 to %c32 step %c1 iter_args(%a = %start) -> (vector<2x32xf32>) {
      %k = arith.addi %kb, %j : index
      %x0 = memref.load %x[%c0, %k] : memref<2x128xf32>
      %x1 = memref.load %x[%c1, %k] : memref<2x128xf32>
      %w = vector.load %q[%kb, %j, %col] : memref<4x32x64xi8>, vector<32xi8>
      %scale = vector.load %s[%kb, %col] : memref<4x64xf32>, vector<32xf32>
      %wf = arith.sitofp %w : vector<32xi8> to vector<32xf32>
      %wb = vector.broadcast %wf : vector<32xf32> to vector<2x32xf32>
      %sb = vector.broadcast %scale : vector<32xf32> to vector<2x32xf32>
      %ws = arith.mulf %wb, %sb : vector<2x32xf32>
      %w0 = vector.extract %ws[0] : vector<32xf32> from vector<2x32xf32>
      %w1 = vector.extract %ws[1] : vector<32xf32> from vector<2x32xf32>
      %b0 = vector.extract %a[0] : vector<32xf32> from vector<2x32xf32>
      %b1 = vector.extract %a[1] : vector<32xf32> from vector<2x32xf32>
      %xb0 = vector.broadcast %x0 : f32 to vector<32xf32>
      %xb1 = vector.broadcast %x1 : f32 to vector<32xf32>
      %n0 = vector.fma %xb0, %w0, %b0 : vector<32xf32>
      %n1 = vector.fma %xb1, %w1, %b1 : vector<32xf32>
      %i0 = vector.insert %n0, %p [0] : vector<32xf32> into vector<2x32xf32>
      %i1 = vector.insert %n1, %i0 [1] : vector<32xf32> into vector<2x32xf32>
      scf.yield %i1 : vector<2x32xf32>
    } {kf.block_scales}
    %r0 = vector.extract %inner[0] : vector<32xf32> from vector<2x32xf32>
    %r1 = vector.extract %inner[1] : vector<32xf32> from vector<2x32xf32>
    scf.yield %r0, %r1 : vector<32xf32>, vector<32xf32>
  } {kf.block_scales}
  return %r#0, %r#1 : vector<32xf32>, vector<32xf32>
}
