// RUN: kernelforge-opt %s --split-input-file --kf-integer-row-pairs | FileCheck %s

// A block sum of a row against i8 weights stored [k, n] on an AVX2 target
// (what kf-factor-block-scales leaves), inside a loop over column tiles that
// reads the same 32 rows of x: the rows are quantised once, before that
// loop (their largest magnitude over 32767, rounded to even, stored as 16
// i32 pairs in a stack buffer); the sum steps over 16 row pairs, the two
// rows' bytes interleaved column by column, times the broadcast pair of
// quantised rows, summed in adjacent pairs into 64 i32 lanes and added as
// integers; after the loop, one conversion and one multiply by the scale.
// CHECK-LABEL: func.func @block_sum
// CHECK: %[[PAIRS:.+]] = memref.alloca() : memref<16xi32>
// CHECK: %[[X:.+]] = vector.load %arg0[%[[C0:.+]]] : memref<32xf32>, vector<32xf32>
// CHECK: %[[ABS:.+]] = math.absf %[[X]]
// CHECK: %[[MAX:.+]] = vector.reduction <maximumf>, %[[ABS]] : vector<32xf32> into f32
// CHECK: %[[SCALE:.+]] = arith.divf %[[MAX]], %[[LEVELS:.+]] : f32
// CHECK: %[[ROUNDED:.+]] = math.roundeven
// CHECK: %[[Q:.+]] = arith.fptosi %[[ROUNDED]] : vector<32xf32> to vector<32xi16>
// CHECK: %[[PACKED:.+]] = vector.bitcast %[[Q]] : vector<32xi16> to vector<16xi32>
// CHECK: vector.store %[[PACKED]], %[[PAIRS]]
// CHECK: scf.for %[[COL:.+]] = {{.+}} iter_args(%[[OUT:.+]] = %{{.+}}) -> (vector<64xf32>) {
// CHECK:   %[[SUM:.+]] = scf.for %[[P:.+]] = %{{.+}} to %{{.+}} step %{{.+}} iter_args(%[[ACC:.+]] = %{{.+}}) -> (vector<64xi32>) {
// CHECK:     %[[W0:.+]] = vector.load %arg1[%[[R0:.+]], %[[COL]]] : memref<32x128xi8>, vector<64xi8>
// CHECK:     %[[W1:.+]] = vector.load %arg1[%[[R1:.+]], %[[COL]]] : memref<32x128xi8>, vector<64xi8>
// CHECK:     %[[BYTES:.+]] = vector.shuffle %[[W0]], %[[W1]] [0, 64, 1, 65, 2, 66, {{.*}}, 63, 127] : vector<64xi8>, vector<64xi8>
// CHECK:     %[[PAIR:.+]] = memref.load %[[PAIRS]][%[[P]]] : memref<16xi32>
// CHECK:     %[[SPLAT:.+]] = vector.broadcast %[[PAIR]] : i32 to vector<64xi32>
// CHECK:     %[[XQ:.+]] = vector.bitcast %[[SPLAT]] : vector<64xi32> to vector<128xi16>
// CHECK:     %[[XW:.+]] = arith.extsi %[[XQ]] : vector<128xi16> to vector<128xi32>
// CHECK:     %[[WW:.+]] = arith.extsi %[[BYTES]] : vector<128xi8> to vector<128xi32>
// CHECK:     %[[PROD:.+]] = arith.muli %[[WW]], %[[XW]] : vector<128xi32>
// CHECK:     %[[ODD:.+]] = vector.shuffle %[[PROD]], %[[PROD]] [1, 3, 5, {{.*}}, 127]
// CHECK:     %[[EVEN:.+]] = vector.shuffle %[[PROD]], %[[PROD]] [0, 2, 4, {{.*}}, 126]
// CHECK:     %[[TWO:.+]] = arith.addi %[[EVEN]], %[[ODD]] : vector<64xi32>
// CHECK:     %[[NEXT:.+]] = arith.addi %[[ACC]], %[[TWO]] : vector<64xi32>
// CHECK:     scf.yield %[[NEXT]] : vector<64xi32>
// CHECK:   }
// CHECK:   %[[F:.+]] = arith.sitofp %[[SUM]] : vector<64xi32> to vector<64xf32>
// CHECK:   %[[S:.+]] = vector.broadcast %[[SCALE]] : f32 to vector<64xf32>
// CHECK:   %[[BLOCK:.+]] = arith.mulf %[[F]], %[[S]] : vector<64xf32>
// CHECK:   arith.addf %[[OUT]], %[[BLOCK]] : vector<64xf32>
// CHECK-NOT: arith.sitofp %{{.+}} : vector<64xi8>
module attributes {kf.target = {triple = "x86_64-unknown-linux-gnu", cpu = "znver3", vector_bits = 256 : i64}} {
func.func @block_sum(%x: memref<32xf32>, %q: memref<32x128xi8>) -> vector<64xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c32 = arith.constant 32 : index
  %c64 = arith.constant 64 : index
  %c128 = arith.constant 128 : index
  %zero = arith.constant dense<0.0> : vector<64xf32>
  %total = scf.for %col = %c0 to %c128 step %c64 iter_args(%out = %zero) -> (vector<64xf32>) {
    %sum = scf.for %j = %c0 to %c32 step %c1 iter_args(%p = %zero) -> (vector<64xf32>) {
      %w = vector.load %q[%j, %col] : memref<32x128xi8>, vector<64xi8>
      %xs = memref.load %x[%j] : memref<32xf32>
      %wf = arith.sitofp %w : vector<64xi8> to vector<64xf32>
      %xb = vector.broadcast %xs : f32 to vector<64xf32>
      %next = vector.fma %xb, %wf, %p : vector<64xf32>
      scf.yield %next : vector<64xf32>
    }
    %acc = arith.addf %out, %sum : vector<64xf32>
    scf.yield %acc : vector<64xf32>
  }
  return %total : vector<64xf32>
}
}

// -----

// Two sums of the same rows against two column vectors (a register tile of
// two) share one quantisation of the rows: one buffer of pairs, filled once.
// CHECK-LABEL: func.func @two_sums
// CHECK: %[[PAIRS:.+]] = memref.alloca() : memref<16xi32>
// CHECK-NOT: memref.alloca
// CHECK: vector.store %{{.+}}, %[[PAIRS]]
// CHECK-NOT: vector.store
// CHECK: scf.for {{.+}} -> (vector<64xi32>, vector<64xi32>)
// CHECK-COUNT-2: memref.load %[[PAIRS]]
// CHECK-NOT: arith.sitofp %{{.+}} : vector<64xi8>
module attributes {kf.target = {triple = "x86_64-unknown-linux-gnu", cpu = "znver3", vector_bits = 256 : i64}} {
func.func @two_sums(%x: memref<32xf32>, %q: memref<32x128xi8>) -> (vector<64xf32>, vector<64xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c32 = arith.constant 32 : index
  %c64 = arith.constant 64 : index
  %zero = arith.constant dense<0.0> : vector<64xf32>
  %a, %b = scf.for %j = %c0 to %c32 step %c1 iter_args(%p = %zero, %r = %zero) -> (vector<64xf32>, vector<64xf32>) {
    %xs = memref.load %x[%j] : memref<32xf32>
    %w = vector.load %q[%j, %c0] : memref<32x128xi8>, vector<64xi8>
    %wf = arith.sitofp %w : vector<64xi8> to vector<64xf32>
    %xb = vector.broadcast %xs : f32 to vector<64xf32>
    %p2 = vector.fma %xb, %wf, %p : vector<64xf32>
    %xs2 = memref.load %x[%j] : memref<32xf32>
    %w2 = vector.load %q[%j, %c64] : memref<32x128xi8>, vector<64xi8>
    %wf2 = arith.sitofp %w2 : vector<64xi8> to vector<64xf32>
    %xb2 = vector.broadcast %xs2 : f32 to vector<64xf32>
    %r2 = vector.fma %xb2, %wf2, %r : vector<64xf32>
    scf.yield %p2, %r2 : vector<64xf32>, vector<64xf32>
  }
  return %a, %b : vector<64xf32>, vector<64xf32>
}
}

// -----

// Loops that are not such a sum are left alone: one that does not start at
// zero, one with an odd number of rows, one of 512 rows (its i32 sums could
// overflow), one whose multiplicand is not a broadcast scalar, one that also
// writes the row it reads, and the same sum on a 512-bit target
// (kf-widen-bytes-by-words' case) or without a recorded target.
// CHECK-LABEL: func.func @not_from_zero
// CHECK-NOT: xi16>
// CHECK-LABEL: func.func @odd_rows
// CHECK-NOT: xi16>
// CHECK-LABEL: func.func @too_many_rows
// CHECK-NOT: xi16>
// CHECK-LABEL: func.func @not_broadcast
// CHECK-NOT: xi16>
// CHECK-LABEL: func.func @writes_row
// CHECK-NOT: xi16>
// CHECK: return
module attributes {kf.target = {triple = "x86_64-unknown-linux-gnu", cpu = "znver3", vector_bits = 256 : i64}} {
func.func @not_from_zero(%x: memref<32xf32>, %q: memref<32x128xi8>, %init: vector<64xf32>) -> vector<64xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c32 = arith.constant 32 : index
  %sum = scf.for %j = %c0 to %c32 step %c1 iter_args(%p = %init) -> (vector<64xf32>) {
    %w = vector.load %q[%j, %c0] : memref<32x128xi8>, vector<64xi8>
    %xs = memref.load %x[%j] : memref<32xf32>
    %wf = arith.sitofp %w : vector<64xi8> to vector<64xf32>
    %xb = vector.broadcast %xs : f32 to vector<64xf32>
    %next = vector.fma %xb, %wf, %p : vector<64xf32>
    scf.yield %next : vector<64xf32>
  }
  return %sum : vector<64xf32>
}
func.func @odd_rows(%x: memref<32xf32>, %q: memref<32x128xi8>) -> vector<64xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c31 = arith.constant 31 : index
  %zero = arith.constant dense<0.0> : vector<64xf32>
  %sum = scf.for %j = %c0 to %c31 step %c1 iter_args(%p = %zero) -> (vector<64xf32>) {
    %w = vector.load %q[%j, %c0] : memref<32x128xi8>, vector<64xi8>
    %xs = memref.load %x[%j] : memref<32xf32>
    %wf = arith.sitofp %w : vector<64xi8> to vector<64xf32>
    %xb = vector.broadcast %xs : f32 to vector<64xf32>
    %next = vector.fma %xb, %wf, %p : vector<64xf32>
    scf.yield %next : vector<64xf32>
  }
  return %sum : vector<64xf32>
}
func.func @too_many_rows(%x: memref<512xf32>, %q: memref<512x128xi8>) -> vector<64xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c512 = arith.constant 512 : index
  %zero = arith.constant dense<0.0> : vector<64xf32>
  %sum = scf.for %j = %c0 to %c512 step %c1 iter_args(%p = %zero) -> (vector<64xf32>) {
    %w = vector.load %q[%j, %c0] : memref<512x128xi8>, vector<64xi8>
    %xs = memref.load %x[%j] : memref<512xf32>
    %wf = arith.sitofp %w : vector<64xi8> to vector<64xf32>
    %xb = vector.broadcast %xs : f32 to vector<64xf32>
    %next = vector.fma %xb, %wf, %p : vector<64xf32>
    scf.yield %next : vector<64xf32>
  }
  return %sum : vector<64xf32>
}
func.func @not_broadcast(%q: memref<32x128xi8>, %v: vector<64xf32>) -> vector<64xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c32 = arith.constant 32 : index
  %zero = arith.constant dense<0.0> : vector<64xf32>
  %sum = scf.for %j = %c0 to %c32 step %c1 iter_args(%p = %zero) -> (vector<64xf32>) {
    %w = vector.load %q[%j, %c0] : memref<32x128xi8>, vector<64xi8>
    %wf = arith.sitofp %w : vector<64xi8> to vector<64xf32>
    %next = vector.fma %v, %wf, %p : vector<64xf32>
    scf.yield %next : vector<64xf32>
  }
  return %sum : vector<64xf32>
}
func.func @writes_row(%x: memref<32xf32>, %q: memref<32x128xi8>) -> vector<64xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c32 = arith.constant 32 : index
  %one = arith.constant 1.0 : f32
  %zero = arith.constant dense<0.0> : vector<64xf32>
  %sum = scf.for %j = %c0 to %c32 step %c1 iter_args(%p = %zero) -> (vector<64xf32>) {
    %w = vector.load %q[%j, %c0] : memref<32x128xi8>, vector<64xi8>
    %xs = memref.load %x[%j] : memref<32xf32>
    memref.store %one, %x[%j] : memref<32xf32>
    %wf = arith.sitofp %w : vector<64xi8> to vector<64xf32>
    %xb = vector.broadcast %xs : f32 to vector<64xf32>
    %next = vector.fma %xb, %wf, %p : vector<64xf32>
    scf.yield %next : vector<64xf32>
  }
  return %sum : vector<64xf32>
}
}

// -----

// CHECK-LABEL: func.func @avx512
// CHECK: arith.sitofp %{{.+}} : vector<64xi8> to vector<64xf32>
// CHECK-NOT: xi16>
module attributes {kf.target = {triple = "x86_64-unknown-linux-gnu", cpu = "znver5", vector_bits = 512 : i64}} {
func.func @avx512(%x: memref<32xf32>, %q: memref<32x128xi8>) -> vector<64xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c32 = arith.constant 32 : index
  %zero = arith.constant dense<0.0> : vector<64xf32>
  %sum = scf.for %j = %c0 to %c32 step %c1 iter_args(%p = %zero) -> (vector<64xf32>) {
    %w = vector.load %q[%j, %c0] : memref<32x128xi8>, vector<64xi8>
    %xs = memref.load %x[%j] : memref<32xf32>
    %wf = arith.sitofp %w : vector<64xi8> to vector<64xf32>
    %xb = vector.broadcast %xs : f32 to vector<64xf32>
    %next = vector.fma %xb, %wf, %p : vector<64xf32>
    scf.yield %next : vector<64xf32>
  }
  return %sum : vector<64xf32>
}
}

// -----

// CHECK-LABEL: func.func @no_target
// CHECK: arith.sitofp %{{.+}} : vector<64xi8> to vector<64xf32>
// CHECK-NOT: xi16>
module {
func.func @no_target(%x: memref<32xf32>, %q: memref<32x128xi8>) -> vector<64xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c32 = arith.constant 32 : index
  %zero = arith.constant dense<0.0> : vector<64xf32>
  %sum = scf.for %j = %c0 to %c32 step %c1 iter_args(%p = %zero) -> (vector<64xf32>) {
    %w = vector.load %q[%j, %c0] : memref<32x128xi8>, vector<64xi8>
    %xs = memref.load %x[%j] : memref<32xf32>
    %wf = arith.sitofp %w : vector<64xi8> to vector<64xf32>
    %xb = vector.broadcast %xs : f32 to vector<64xf32>
    %next = vector.fma %xb, %wf, %p : vector<64xf32>
    scf.yield %next : vector<64xf32>
  }
  return %sum : vector<64xf32>
}
}
