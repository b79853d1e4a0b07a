// RUN: kernelforge-opt %s --split-input-file --kf-widen-bytes-by-words | FileCheck %s

// A block sum of a row against i8 weights stored [k, n] (what
// kf-factor-block-scales leaves): the 64 bytes of a row are read as 16
// words, byte b of each moved to the top (shift by 24 - 8 b, then the mask;
// the lowest byte needs no mask, the highest no shift), converted exactly to
// q * 2^24 and summed by byte position. After the loop column c = 4 l + b is
// lane l of sum b: the sums are put back in column order and scaled by 2^-24.
// CHECK-LABEL: func.func @block_sum
// CHECK-DAG: %[[ZERO:.+]] = arith.constant dense<0.000000e+00> : vector<16xf32>
// CHECK-DAG: %[[SH24:.+]] = arith.constant dense<24> : vector<16xi32>
// CHECK-DAG: %[[SH16:.+]] = arith.constant dense<16> : vector<16xi32>
// CHECK-DAG: %[[SH8:.+]] = arith.constant dense<8> : vector<16xi32>
// CHECK-DAG: %[[TOP:.+]] = arith.constant dense<-16777216> : vector<16xi32>
// CHECK: %[[SUMS:.+]]:5 = scf.for %{{.+}} = %{{.+}} to %{{.+}} step %{{.+}} iter_args(%{{.+}} = %{{.+}}, %[[S0:.+]] = %[[ZERO]], %[[S1:.+]] = %[[ZERO]], %[[S2:.+]] = %[[ZERO]], %[[S3:.+]] = %[[ZERO]]) -> (vector<64xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>)
// CHECK:   %[[Q:.+]] = vector.load %arg1[%{{.+}}, %arg2] : memref<32x128xi8>, vector<64xi8>
// CHECK:   %[[XS:.+]] = memref.load %arg0
// CHECK-NOT: arith.sitofp %[[Q]]
// CHECK:   %[[W:.+]] = vector.bitcast %[[Q]] : vector<64xi8> to vector<16xi32>
// CHECK:   %[[X:.+]] = vector.broadcast %[[XS]] : f32 to vector<16xf32>
// CHECK:   %[[T0:.+]] = arith.shli %[[W]], %[[SH24]] : vector<16xi32>
// CHECK:   %[[F0:.+]] = arith.sitofp %[[T0]] : vector<16xi32> to vector<16xf32>
// CHECK:   %[[N0:.+]] = vector.fma %[[X]], %[[F0]], %[[S0]] : vector<16xf32>
// CHECK:   %[[U1:.+]] = arith.shli %[[W]], %[[SH16]] : vector<16xi32>
// CHECK:   %[[T1:.+]] = arith.andi %[[U1]], %[[TOP]] : vector<16xi32>
// CHECK:   %[[F1:.+]] = arith.sitofp %[[T1]] : vector<16xi32> to vector<16xf32>
// CHECK:   %[[N1:.+]] = vector.fma %[[X]], %[[F1]], %[[S1]] : vector<16xf32>
// CHECK:   %[[U2:.+]] = arith.shli %[[W]], %[[SH8]] : vector<16xi32>
// CHECK:   %[[T2:.+]] = arith.andi %[[U2]], %[[TOP]] : vector<16xi32>
// CHECK:   %[[N2:.+]] = vector.fma %[[X]], %{{.+}}, %[[S2]] : vector<16xf32>
// CHECK:   %[[T3:.+]] = arith.andi %[[W]], %[[TOP]] : vector<16xi32>
// CHECK:   %[[F3:.+]] = arith.sitofp %[[T3]] : vector<16xi32> to vector<16xf32>
// CHECK:   %[[N3:.+]] = vector.fma %[[X]], %[[F3]], %[[S3]] : vector<16xf32>
// CHECK:   scf.yield %{{.+}}, %[[N0]], %[[N1]], %[[N2]], %[[N3]]
// CHECK: %[[LOW:.+]] = vector.shuffle %[[SUMS]]#1, %[[SUMS]]#2 [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31]
// CHECK: %[[HIGH:.+]] = vector.shuffle %[[SUMS]]#3, %[[SUMS]]#4 [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31]
// CHECK: %[[ORDERED:.+]] = vector.shuffle %[[LOW]], %[[HIGH]] [0, 16, 32, 48, 1, 17, 33, 49, 2, 18, 34, 50, {{.*}}, 15, 31, 47, 63] : vector<32xf32>, vector<32xf32>
// CHECK: %[[SUM:.+]] = arith.mulf %[[ORDERED]], %{{.+}} : vector<64xf32>
// CHECK: return %[[SUM]] : vector<64xf32>
module attributes {kf.target = {triple = "x86_64-unknown-linux-gnu", cpu = "znver5", vector_bits = 512 : i64}} {
func.func @block_sum(%x: memref<32xf32>, %q: memref<32x128xi8>, %col: index) -> vector<64xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c32 = arith.constant 32 : index
  %zero = arith.constant dense<0.0> : vector<64xf32>
  %sum = scf.for %j = %c0 to %c32 step %c1 iter_args(%p = %zero) -> (vector<64xf32>) {
    %w = vector.load %q[%j, %col] : memref<32x128xi8>, vector<64xi8>
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

// Loops that are not such a sum are left alone: a sum that does not start
// at zero, a multiplicand that is not a broadcast scalar, and a row of 32
// bytes (fewer than four 512-bit vectors' worth of words).
// CHECK-LABEL: func.func @left_alone
// CHECK-NOT: vector.bitcast
// CHECK-NOT: arith.shli
// CHECK: return
module attributes {kf.target = {triple = "x86_64-unknown-linux-gnu", cpu = "znver5", vector_bits = 512 : i64}} {
func.func @left_alone(%x: memref<32xf32>, %q: memref<32x128xi8>, %v: vector<64xf32>, %init: vector<64xf32>) -> (vector<64xf32>, vector<64xf32>, vector<32xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c32 = arith.constant 32 : index
  %zero = arith.constant dense<0.0> : vector<64xf32>
  %zero32 = arith.constant dense<0.0> : vector<32xf32>
  %a, %b, %c = scf.for %j = %c0 to %c32 step %c1 iter_args(%p = %init, %r = %zero, %s = %zero32) -> (vector<64xf32>, vector<64xf32>, vector<32xf32>) {
    %w = vector.load %q[%j, %c0] : memref<32x128xi8>, vector<64xi8>
    %xs = memref.load %x[%j] : memref<32xf32>
    %wf = arith.sitofp %w : vector<64xi8> to vector<64xf32>
    %xb = vector.broadcast %xs : f32 to vector<64xf32>
    %p2 = vector.fma %xb, %wf, %p : vector<64xf32>
    %w2 = vector.load %q[%j, %c0] : memref<32x128xi8>, vector<64xi8>
    %wf2 = arith.sitofp %w2 : vector<64xi8> to vector<64xf32>
    %r2 = vector.fma %v, %wf2, %r : vector<64xf32>
    %w3 = vector.load %q[%j, %c0] : memref<32x128xi8>, vector<32xi8>
    %wf3 = arith.sitofp %w3 : vector<32xi8> to vector<32xf32>
    %xb3 = vector.broadcast %xs : f32 to vector<32xf32>
    %s2 = vector.fma %xb3, %wf3, %s : vector<32xf32>
    scf.yield %p2, %r2, %s2 : vector<64xf32>, vector<64xf32>, vector<32xf32>
  }
  return %a, %b, %c : vector<64xf32>, vector<64xf32>, vector<32xf32>
}
}

// -----

// Only x86 with 512-bit vectors, where it was measured to pay: on an AVX2
// target (and without a recorded target) the sum keeps its widening.
// CHECK-LABEL: func.func @avx2
// CHECK: arith.sitofp %{{.+}} : vector<64xi8> to vector<64xf32>
// CHECK-NOT: vector.bitcast
// CHECK-LABEL: func.func @no_target
// CHECK: arith.sitofp %{{.+}} : vector<64xi8> to vector<64xf32>
// CHECK-NOT: vector.bitcast
module attributes {kf.target = {triple = "x86_64-unknown-linux-gnu", cpu = "znver3", vector_bits = 256 : i64}} {
func.func @avx2(%x: memref<32xf32>, %q: memref<32x128xi8>) -> vector<64xf32> {
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
