// RUN: kernelforge-opt %s --split-input-file --kf-integer-block-dots | FileCheck %s

// A row against i8 blocks stored [n, k] (kf-tile-and-vectorize's lane-sum
// loop, marked kf.lane_sums): the row's two steps of 32 values are quantised
// to i16 once, before the loop over the weight rows (which writes only its
// own buffer), each with its scale, max|x| / 32767. The dot loop sums the
// products of 16-bit integers in adjacent pairs (x86: pmaddwd), converts the
// 16 sums once and adds them with the step's whole scale (the weight's times
// the row's, filled for the row's steps by vector operations before the
// loop) into two rotating accumulators (one 512-bit register each, as many
// as the loop has steps, up to four); after the loop both go into the first
// 16 lanes of the old sum. The scales' prefetch for a later row is made once
// per cache line before the loop, not once per step.
// CHECK-LABEL: func.func @rows
// CHECK-DAG: %[[COMBINED:.+]] = memref.alloca() : memref<2xf32>
// CHECK-DAG: %[[LEVELS:.+]] = memref.alloca() {alignment = 64 : i64} : memref<2x32xi16>
// CHECK-DAG: %[[ROWSCALES:.+]] = memref.alloca() : memref<2xf32>
// CHECK: scf.for %[[T:.+]] = %{{.+}} to %{{.+}} step %{{.+}} {
// CHECK:   %[[X:.+]] = vector.load %{{.+}}[%[[T]], %{{.+}}] : memref<2x32xf32>, vector<32xf32>
// CHECK:   %[[ABS:.+]] = math.absf %[[X]] : vector<32xf32>
// CHECK:   %[[MAX:.+]] = vector.reduction <maximumf>, %[[ABS]] : vector<32xf32> into f32
// CHECK:   %[[SCALE:.+]] = arith.divf %[[MAX]], %{{.+}} : f32
// CHECK:   arith.cmpf ogt, %[[MAX]]
// CHECK:   %[[ROUND:.+]] = math.roundeven %{{.+}} : vector<32xf32>
// CHECK:   %[[Q:.+]] = arith.fptosi %[[ROUND]] : vector<32xf32> to vector<32xi16>
// CHECK:   vector.store %[[Q]], %[[LEVELS]]
// CHECK:   memref.store %[[SCALE]], %[[ROWSCALES]]
// CHECK: scf.for %[[R:.+]] = %{{.+}} to %{{.+}} step %{{.+}} {
// CHECK-NOT: scf.for
// CHECK:   memref.prefetch %arg2[%{{.+}}, %{{.+}}]
// CHECK:   memref.prefetch %arg2[%{{.+}}, %{{.+}}]
// CHECK:   %[[W:.+]] = vector.load %arg2[%[[R]], %{{.+}}] : memref<96x2xf16>, vector<2xf16>
// CHECK:   %[[WF:.+]] = arith.extf %[[W]] : vector<2xf16> to vector<2xf32>
// CHECK:   %[[XS:.+]] = vector.load %[[ROWSCALES]]
// CHECK:   %[[BOTH:.+]] = arith.mulf %[[WF]], %[[XS]] : vector<2xf32>
// CHECK:   vector.store %[[BOTH]], %[[COMBINED]]
// CHECK:   %[[SUMS:.+]]:3 = scf.for {{.+}} iter_args(%[[OLD:.+]] = %{{.+}}, %[[A:.+]] = %[[Z:.+]], %[[B:.+]] = %[[Z]]) -> (vector<32xf32>, vector<16xf32>, vector<16xf32>) {
// CHECK-NOT: memref.prefetch
// CHECK:     %[[QW:.+]] = vector.load %{{.+}} : memref<96x2x32xi8>, vector<32xi8>
// CHECK:     %[[XQ:.+]] = vector.load %[[LEVELS]]
// CHECK:     %[[XI:.+]] = arith.extsi %[[XQ]] : vector<32xi16> to vector<32xi32>
// CHECK:     %[[QI:.+]] = arith.extsi %[[QW]] : vector<32xi8> to vector<32xi32>
// CHECK:     %[[P:.+]] = arith.muli %[[QI]], %[[XI]] : vector<32xi32>
// CHECK:     %[[ODD:.+]] = vector.shuffle %[[P]], %[[P]] [1, 3, 5, {{.*}}, 29, 31]
// CHECK:     %[[EVEN:.+]] = vector.shuffle %[[P]], %[[P]] [0, 2, 4, {{.*}}, 28, 30]
// CHECK:     %[[PAIRS:.+]] = arith.addi %[[EVEN]], %[[ODD]] : vector<16xi32>
// CHECK:     %[[S:.+]] = memref.load %[[COMBINED]]
// CHECK:     %[[SB:.+]] = vector.broadcast %[[S]] : f32 to vector<16xf32>
// CHECK:     %[[PF:.+]] = arith.sitofp %[[PAIRS]] : vector<16xi32> to vector<16xf32>
// CHECK:     %[[NEW:.+]] = vector.fma %[[PF]], %[[SB]], %[[A]] : vector<16xf32>
// CHECK:     scf.yield %[[OLD]], %[[B]], %[[NEW]]
// CHECK:   } {kf.lane_sums}
// CHECK:   %[[BOTHSUMS:.+]] = arith.addf %[[SUMS]]#1, %[[SUMS]]#2 : vector<16xf32>
// CHECK:   %[[SPREAD:.+]] = vector.insert_strided_slice %[[BOTHSUMS]], %{{.+}} {offsets = [0], strides = [1]} : vector<16xf32> into vector<32xf32>
// CHECK:   %[[TOTAL:.+]] = arith.addf %[[SUMS]]#0, %[[SPREAD]] : vector<32xf32>
// CHECK:   vector.store %[[TOTAL]]
module attributes {kf.target = {triple = "x86_64-unknown-linux-gnu", cpu = "znver5", vector_bits = 512 : i64}} {
func.func @rows(%x: memref<64xf32>, %q: memref<96x64xi8>, %s: memref<96x2xf16>) -> memref<96x32xf32> {
  %y = memref.alloc() : memref<96x32xf32>
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c96 = arith.constant 96 : index
  %zero = arith.constant dense<0.0> : vector<32xf32>
  %xb = memref.expand_shape %x [[0, 1]] output_shape [2, 32] : memref<64xf32> into memref<2x32xf32>
  %qb = memref.expand_shape %q [[0], [1, 2]] output_shape [96, 2, 32] : memref<96x64xi8> into memref<96x2x32xi8>
  scf.for %r = %c0 to %c96 step %c1 {
    %ahead = arith.addi %r, %c2 : index
    %sum = scf.for %t = %c0 to %c2 step %c1 iter_args(%acc = %zero) -> (vector<32xf32>) {
      %xv = vector.load %xb[%t, %c0] : memref<2x32xf32>, vector<32xf32>
      memref.prefetch %s[%ahead, %t], read, locality<3>, data : memref<96x2xf16>
      %qv = vector.load %qb[%r, %t, %c0] : memref<96x2x32xi8>, vector<32xi8>
      %sv = vector.load %s[%r, %t] : memref<96x2xf16>, vector<1xf16>
      %se = vector.extract %sv[0] : f16 from vector<1xf16>
      %sb = vector.broadcast %se : f16 to vector<32xf16>
      %sf = arith.extf %sb : vector<32xf16> to vector<32xf32>
      %w = arith.sitofp %qv : vector<32xi8> to vector<32xf32>
      %ws = arith.mulf %w, %sf : vector<32xf32>
      %next = vector.fma %xv, %ws, %acc : vector<32xf32>
      scf.yield %next : vector<32xf32>
    } {kf.lane_sums}
    vector.store %sum, %y[%r, %c0] : memref<96x32xf32>, vector<32xf32>
  }
  return %y : memref<96x32xf32>
}
}

// -----

// The loop around writes a function argument, which may be the row's own
// buffer: the row is quantised inside it, just before the dot loop.
// CHECK-LABEL: func.func @output_argument
// CHECK: scf.for
// CHECK:   scf.for
// CHECK:     math.roundeven
// CHECK:   scf.for {{.+}} -> (vector<32xf32>, vector<16xf32>, vector<16xf32>)
module attributes {kf.target = {triple = "x86_64-unknown-linux-gnu", cpu = "znver5", vector_bits = 512 : i64}} {
func.func @output_argument(%x: memref<64xf32>, %q: memref<96x64xi8>, %s: memref<96x2xf16>, %y: memref<96x32xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c96 = arith.constant 96 : index
  %zero = arith.constant dense<0.0> : vector<32xf32>
  %xb = memref.expand_shape %x [[0, 1]] output_shape [2, 32] : memref<64xf32> into memref<2x32xf32>
  %qb = memref.expand_shape %q [[0], [1, 2]] output_shape [96, 2, 32] : memref<96x64xi8> into memref<96x2x32xi8>
  scf.for %r = %c0 to %c96 step %c1 {
    %ahead = arith.addi %r, %c2 : index
    %sum = scf.for %t = %c0 to %c2 step %c1 iter_args(%acc = %zero) -> (vector<32xf32>) {
      %xv = vector.load %xb[%t, %c0] : memref<2x32xf32>, vector<32xf32>
      memref.prefetch %s[%ahead, %t], read, locality<3>, data : memref<96x2xf16>
      %qv = vector.load %qb[%r, %t, %c0] : memref<96x2x32xi8>, vector<32xi8>
      %sv = vector.load %s[%r, %t] : memref<96x2xf16>, vector<1xf16>
      %se = vector.extract %sv[0] : f16 from vector<1xf16>
      %sb = vector.broadcast %se : f16 to vector<32xf16>
      %sf = arith.extf %sb : vector<32xf16> to vector<32xf32>
      %w = arith.sitofp %qv : vector<32xi8> to vector<32xf32>
      %ws = arith.mulf %w, %sf : vector<32xf32>
      %next = vector.fma %xv, %ws, %acc : vector<32xf32>
      scf.yield %next : vector<32xf32>
    } {kf.lane_sums}
    vector.store %sum, %y[%r, %c0] : memref<96x32xf32>, vector<32xf32>
  }
  return
}
}

// -----

// The same loop writing a result's out-parameter (buffer-results-to-out-
// params marks it `bufferize.result`): a buffer the caller provides for the
// result alone, which aliases no input, so the row is quantised once, before
// the loop around.
// CHECK-LABEL: func.func @result_argument
// CHECK: scf.for
// CHECK:   math.roundeven
// CHECK: scf.for
// CHECK-NOT: math.roundeven
// CHECK:   scf.for {{.+}} -> (vector<32xf32>, vector<16xf32>, vector<16xf32>)
module attributes {kf.target = {triple = "x86_64-unknown-linux-gnu", cpu = "znver5", vector_bits = 512 : i64}} {
func.func @result_argument(%x: memref<64xf32>, %q: memref<96x64xi8>, %s: memref<96x2xf16>, %y: memref<96x32xf32> {bufferize.result}) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c96 = arith.constant 96 : index
  %zero = arith.constant dense<0.0> : vector<32xf32>
  %xb = memref.expand_shape %x [[0, 1]] output_shape [2, 32] : memref<64xf32> into memref<2x32xf32>
  %qb = memref.expand_shape %q [[0], [1, 2]] output_shape [96, 2, 32] : memref<96x64xi8> into memref<96x2x32xi8>
  scf.for %r = %c0 to %c96 step %c1 {
    %ahead = arith.addi %r, %c2 : index
    %sum = scf.for %t = %c0 to %c2 step %c1 iter_args(%acc = %zero) -> (vector<32xf32>) {
      %xv = vector.load %xb[%t, %c0] : memref<2x32xf32>, vector<32xf32>
      memref.prefetch %s[%ahead, %t], read, locality<3>, data : memref<96x2xf16>
      %qv = vector.load %qb[%r, %t, %c0] : memref<96x2x32xi8>, vector<32xi8>
      %sv = vector.load %s[%r, %t] : memref<96x2xf16>, vector<1xf16>
      %se = vector.extract %sv[0] : f16 from vector<1xf16>
      %sb = vector.broadcast %se : f16 to vector<32xf16>
      %sf = arith.extf %sb : vector<32xf16> to vector<32xf32>
      %w = arith.sitofp %qv : vector<32xi8> to vector<32xf32>
      %ws = arith.mulf %w, %sf : vector<32xf32>
      %next = vector.fma %xv, %ws, %acc : vector<32xf32>
      scf.yield %next : vector<32xf32>
    } {kf.lane_sums}
    vector.store %sum, %y[%r, %c0] : memref<96x32xf32>, vector<32xf32>
  }
  return
}
}

// -----

// The dot loop writes the row it reads: left alone.
// CHECK-LABEL: func.func @writes_row
// CHECK-NOT: math.roundeven
// CHECK: arith.sitofp %{{.+}} : vector<32xi8> to vector<32xf32>
module attributes {kf.target = {triple = "x86_64-unknown-linux-gnu", cpu = "znver5", vector_bits = 512 : i64}} {
func.func @writes_row(%x: memref<64xf32>, %q: memref<96x64xi8>, %s: memref<96x2xf16>) -> memref<96x32xf32> {
  %y = memref.alloc() : memref<96x32xf32>
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c96 = arith.constant 96 : index
  %zero = arith.constant dense<0.0> : vector<32xf32>
  %xb = memref.expand_shape %x [[0, 1]] output_shape [2, 32] : memref<64xf32> into memref<2x32xf32>
  %qb = memref.expand_shape %q [[0], [1, 2]] output_shape [96, 2, 32] : memref<96x64xi8> into memref<96x2x32xi8>
  scf.for %r = %c0 to %c96 step %c1 {
    %ahead = arith.addi %r, %c2 : index
    %sum = scf.for %t = %c0 to %c2 step %c1 iter_args(%acc = %zero) -> (vector<32xf32>) {
      %xv = vector.load %xb[%t, %c0] : memref<2x32xf32>, vector<32xf32>
      memref.prefetch %s[%ahead, %t], read, locality<3>, data : memref<96x2xf16>
      %qv = vector.load %qb[%r, %t, %c0] : memref<96x2x32xi8>, vector<32xi8>
      %sv = vector.load %s[%r, %t] : memref<96x2xf16>, vector<1xf16>
      %se = vector.extract %sv[0] : f16 from vector<1xf16>
      %sb = vector.broadcast %se : f16 to vector<32xf16>
      %sf = arith.extf %sb : vector<32xf16> to vector<32xf32>
      %w = arith.sitofp %qv : vector<32xi8> to vector<32xf32>
      %ws = arith.mulf %w, %sf : vector<32xf32>
      %next = vector.fma %xv, %ws, %acc : vector<32xf32>
      vector.store %zero, %xb[%t, %c0] : memref<2x32xf32>, vector<32xf32>
      scf.yield %next : vector<32xf32>
    } {kf.lane_sums}
    vector.store %sum, %y[%r, %c0] : memref<96x32xf32>, vector<32xf32>
  }
  return %y : memref<96x32xf32>
}
}

// -----

// Not marked as lane sums (the lanes might be read one by one): left alone.
// CHECK-LABEL: func.func @unmarked
// CHECK-NOT: math.roundeven
// CHECK: arith.sitofp %{{.+}} : vector<32xi8> to vector<32xf32>
// CHECK: vector.fma %{{.+}} : vector<32xf32>
module attributes {kf.target = {triple = "x86_64-unknown-linux-gnu", cpu = "znver5", vector_bits = 512 : i64}} {
func.func @unmarked(%x: memref<64xf32>, %q: memref<96x64xi8>, %s: memref<96x2xf16>) -> memref<96x32xf32> {
  %y = memref.alloc() : memref<96x32xf32>
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c96 = arith.constant 96 : index
  %zero = arith.constant dense<0.0> : vector<32xf32>
  %xb = memref.expand_shape %x [[0, 1]] output_shape [2, 32] : memref<64xf32> into memref<2x32xf32>
  %qb = memref.expand_shape %q [[0], [1, 2]] output_shape [96, 2, 32] : memref<96x64xi8> into memref<96x2x32xi8>
  scf.for %r = %c0 to %c96 step %c1 {
    %ahead = arith.addi %r, %c2 : index
    %sum = scf.for %t = %c0 to %c2 step %c1 iter_args(%acc = %zero) -> (vector<32xf32>) {
      %xv = vector.load %xb[%t, %c0] : memref<2x32xf32>, vector<32xf32>
      memref.prefetch %s[%ahead, %t], read, locality<3>, data : memref<96x2xf16>
      %qv = vector.load %qb[%r, %t, %c0] : memref<96x2x32xi8>, vector<32xi8>
      %sv = vector.load %s[%r, %t] : memref<96x2xf16>, vector<1xf16>
      %se = vector.extract %sv[0] : f16 from vector<1xf16>
      %sb = vector.broadcast %se : f16 to vector<32xf16>
      %sf = arith.extf %sb : vector<32xf16> to vector<32xf32>
      %w = arith.sitofp %qv : vector<32xi8> to vector<32xf32>
      %ws = arith.mulf %w, %sf : vector<32xf32>
      %next = vector.fma %xv, %ws, %acc : vector<32xf32>
      scf.yield %next : vector<32xf32>
    }
    vector.store %sum, %y[%r, %c0] : memref<96x32xf32>, vector<32xf32>
  }
  return %y : memref<96x32xf32>
}
}

// -----

// Not an x86 target: left alone.
// CHECK-LABEL: func.func @aarch64
// CHECK-NOT: math.roundeven
// CHECK: arith.sitofp %{{.+}} : vector<32xi8> to vector<32xf32>
module attributes {kf.target = {triple = "aarch64-unknown-linux-gnu", cpu = "neoverse-n1", vector_bits = 128 : i64}} {
func.func @aarch64(%x: memref<64xf32>, %q: memref<96x64xi8>, %s: memref<96x2xf16>) -> memref<96x32xf32> {
  %y = memref.alloc() : memref<96x32xf32>
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c96 = arith.constant 96 : index
  %zero = arith.constant dense<0.0> : vector<32xf32>
  %xb = memref.expand_shape %x [[0, 1]] output_shape [2, 32] : memref<64xf32> into memref<2x32xf32>
  %qb = memref.expand_shape %q [[0], [1, 2]] output_shape [96, 2, 32] : memref<96x64xi8> into memref<96x2x32xi8>
  scf.for %r = %c0 to %c96 step %c1 {
    %ahead = arith.addi %r, %c2 : index
    %sum = scf.for %t = %c0 to %c2 step %c1 iter_args(%acc = %zero) -> (vector<32xf32>) {
      %xv = vector.load %xb[%t, %c0] : memref<2x32xf32>, vector<32xf32>
      memref.prefetch %s[%ahead, %t], read, locality<3>, data : memref<96x2xf16>
      %qv = vector.load %qb[%r, %t, %c0] : memref<96x2x32xi8>, vector<32xi8>
      %sv = vector.load %s[%r, %t] : memref<96x2xf16>, vector<1xf16>
      %se = vector.extract %sv[0] : f16 from vector<1xf16>
      %sb = vector.broadcast %se : f16 to vector<32xf16>
      %sf = arith.extf %sb : vector<32xf16> to vector<32xf32>
      %w = arith.sitofp %qv : vector<32xi8> to vector<32xf32>
      %ws = arith.mulf %w, %sf : vector<32xf32>
      %next = vector.fma %xv, %ws, %acc : vector<32xf32>
      scf.yield %next : vector<32xf32>
    } {kf.lane_sums}
    vector.store %sum, %y[%r, %c0] : memref<96x32xf32>, vector<32xf32>
  }
  return %y : memref<96x32xf32>
}
}

// -----

// A scale per lane, not one per step: left alone.
// CHECK-LABEL: func.func @scales_per_lane
// CHECK-NOT: math.roundeven
// CHECK: arith.sitofp %{{.+}} : vector<32xi8> to vector<32xf32>
module attributes {kf.target = {triple = "x86_64-unknown-linux-gnu", cpu = "znver5", vector_bits = 512 : i64}} {
func.func @scales_per_lane(%x: memref<64xf32>, %q: memref<96x64xi8>, %s: memref<96x2xf16>, %lanes: memref<2x32xf32>) -> memref<96x32xf32> {
  %y = memref.alloc() : memref<96x32xf32>
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c96 = arith.constant 96 : index
  %zero = arith.constant dense<0.0> : vector<32xf32>
  %xb = memref.expand_shape %x [[0, 1]] output_shape [2, 32] : memref<64xf32> into memref<2x32xf32>
  %qb = memref.expand_shape %q [[0], [1, 2]] output_shape [96, 2, 32] : memref<96x64xi8> into memref<96x2x32xi8>
  scf.for %r = %c0 to %c96 step %c1 {
    %ahead = arith.addi %r, %c2 : index
    %sum = scf.for %t = %c0 to %c2 step %c1 iter_args(%acc = %zero) -> (vector<32xf32>) {
      %xv = vector.load %xb[%t, %c0] : memref<2x32xf32>, vector<32xf32>
      memref.prefetch %s[%ahead, %t], read, locality<3>, data : memref<96x2xf16>
      %qv = vector.load %qb[%r, %t, %c0] : memref<96x2x32xi8>, vector<32xi8>
      %sf = vector.load %lanes[%t, %c0] : memref<2x32xf32>, vector<32xf32>
      %w = arith.sitofp %qv : vector<32xi8> to vector<32xf32>
      %ws = arith.mulf %w, %sf : vector<32xf32>
      %next = vector.fma %xv, %ws, %acc : vector<32xf32>
      scf.yield %next : vector<32xf32>
    } {kf.lane_sums}
    vector.store %sum, %y[%r, %c0] : memref<96x32xf32>, vector<32xf32>
  }
  return %y : memref<96x32xf32>
}
}

// -----

// Two rows against the same i8 blocks (kf-tile-and-vectorize's register
// tile of a few rows, `lane_rows`): vectorisation carries both rows' sums
// as one vector<2x32xf32>, the block widened and scaled once as a matrix of
// two equal rows. The sums are split into one iter_arg per row and each is
// rewritten as a single row's is: each row quantised once before the loop,
// the block's bytes multiplied in integer pairs with each row's levels (two
// rotating accumulators per row: four registers in all), no byte widened to
// a float; after the loop each row's pair sums go into its old sum, and the
// rows are stored where the matrix's were.
// CHECK-LABEL: func.func @few_rows
// CHECK-COUNT-2: math.roundeven %{{.+}} : vector<32xf32>
// CHECK-NOT: math.roundeven
// CHECK: scf.for %[[R:.+]] = %{{.+}} to %{{.+}} step %{{.+}} {
// CHECK:   %[[SUMS:.+]]:6 = scf.for {{.+}} -> (vector<32xf32>, vector<32xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>) {
// CHECK-NOT:   arith.sitofp %{{.+}} : vector<32xi8>
// CHECK-COUNT-2: arith.muli %{{.+}}, %{{.+}} : vector<32xi32>
// CHECK-NOT:   arith.sitofp %{{.+}} : vector<32xi8>
// CHECK:   } {kf.lane_sums}
// CHECK:   %[[ROW0:.+]] = arith.addf %[[SUMS]]#0, %{{.+}} : vector<32xf32>
// CHECK:   %[[ROW1:.+]] = arith.addf %[[SUMS]]#1, %{{.+}} : vector<32xf32>
// CHECK:   vector.store %[[ROW0]], %{{.+}}[%[[R]], %{{.+}}]
// CHECK:   vector.store %[[ROW1]], %{{.+}}[%[[R]], %{{.+}}]
module attributes {kf.target = {triple = "x86_64-unknown-linux-gnu", cpu = "znver5", vector_bits = 512 : i64}} {
func.func @few_rows(%x: memref<2x64xf32>, %q: memref<96x64xi8>, %s: memref<96x2xf16>) -> memref<96x2x32xf32> {
  %y = memref.alloc() : memref<96x2x32xf32>
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c96 = arith.constant 96 : index
  %zero = arith.constant dense<0.0> : vector<2x32xf32>
  %xb = memref.expand_shape %x [[0], [1, 2]] output_shape [2, 2, 32] : memref<2x64xf32> into memref<2x2x32xf32>
  %qb = memref.expand_shape %q [[0], [1, 2]] output_shape [96, 2, 32] : memref<96x64xi8> into memref<96x2x32xi8>
  scf.for %r = %c0 to %c96 step %c1 {
    %sum = scf.for %t = %c0 to %c2 step %c1 iter_args(%acc = %zero) -> (vector<2x32xf32>) {
      %x0 = vector.load %xb[%c0, %t, %c0] : memref<2x2x32xf32>, vector<32xf32>
      %x1 = vector.load %xb[%c1, %t, %c0] : memref<2x2x32xf32>, vector<32xf32>
      %qv = vector.load %qb[%r, %t, %c0] : memref<96x2x32xi8>, vector<32xi8>
      %sv = vector.load %s[%r, %t] : memref<96x2xf16>, vector<1xf16>
      %se = vector.extract %sv[0] : f16 from vector<1xf16>
      %sf = arith.extf %se : f16 to f32
      %sb = vector.broadcast %sf : f32 to vector<2x32xf32>
      %w = arith.sitofp %qv : vector<32xi8> to vector<32xf32>
      %wb = vector.broadcast %w : vector<32xf32> to vector<2x32xf32>
      %ws = arith.mulf %wb, %sb : vector<2x32xf32>
      %w0 = vector.extract %ws[0] : vector<32xf32> from vector<2x32xf32>
      %a0 = vector.extract %acc[0] : vector<32xf32> from vector<2x32xf32>
      %n0 = vector.fma %x0, %w0, %a0 : vector<32xf32>
      %w1 = vector.extract %ws[1] : vector<32xf32> from vector<2x32xf32>
      %a1 = vector.extract %acc[1] : vector<32xf32> from vector<2x32xf32>
      %n1 = vector.fma %x1, %w1, %a1 : vector<32xf32>
      %p = ub.poison : vector<2x32xf32>
      %i0 = vector.insert %n0, %p [0] : vector<32xf32> into vector<2x32xf32>
      %i1 = vector.insert %n1, %i0 [1] : vector<32xf32> into vector<2x32xf32>
      scf.yield %i1 : vector<2x32xf32>
    } {kf.lane_sums}
    %s0 = vector.extract %sum[0] : vector<32xf32> from vector<2x32xf32>
    %s1 = vector.extract %sum[1] : vector<32xf32> from vector<2x32xf32>
    vector.store %s0, %y[%r, %c0, %c0] : memref<96x2x32xf32>, vector<32xf32>
    vector.store %s1, %y[%r, %c1, %c0] : memref<96x2x32xf32>, vector<32xf32>
  }
  return %y : memref<96x2x32xf32>
}
}
