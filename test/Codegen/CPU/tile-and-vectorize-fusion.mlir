// RUN: kernelforge-opt %s --split-input-file --pass-pipeline="builtin.module(kf-cpu-target{triple=x86_64-unknown-linux-gnu cpu=skylake-avx512 cores=2},convert-kf-to-linalg,canonicalize,func.func(kf-tile-and-vectorize))" | FileCheck %s
// RUN: kernelforge-opt %s --split-input-file --pass-pipeline="builtin.module(kf-cpu-target{triple=x86_64-unknown-linux-gnu cpu=skylake-avx512 cores=2},convert-kf-to-linalg,canonicalize,func.func(kf-tile-and-vectorize{threads=false}))" | FileCheck %s --check-prefix=SERIAL

// The ops that only prepare another's operands are computed in its thread
// tiles. A layer norm is one parallel loop: each thread's 8 rows get their
// means, then their variances (sums of squares about the means), then are
// normalized, all from the thread's rows in cache.
// CHECK-LABEL: func.func @layer_norm
// CHECK: scf.forall (%[[ROW:.+]]) = (0) to (64) step (8)
// CHECK: tensor.extract_slice %{{.+}}[%[[ROW]]] [8] [1] : tensor<64xf32> to tensor<8xf32>
// CHECK: %[[MEANS:.+]] = scf.for
// CHECK: vector.multi_reduction <add>
// CHECK: %[[VARS:.+]] = scf.for
// CHECK: vector.transfer_read %[[MEANS]]
// CHECK: vector.contract
// CHECK: scf.for
// CHECK: vector.transfer_read %[[MEANS]]
// CHECK: vector.transfer_read %[[VARS]]
// CHECK: math.rsqrt
// CHECK: } {kf.parallel = "rows"}
// CHECK-NOT: scf.forall
// CHECK: return
// Without threads nothing waits: the three ops one after another.
// SERIAL-LABEL: func.func @layer_norm
// SERIAL-NOT: scf.forall
// SERIAL: vector.multi_reduction <add>
// SERIAL: vector.contract
// SERIAL: math.rsqrt
func.func @layer_norm(%x: tensor<64x96xf32>, %g: tensor<96xf32>, %b: tensor<96xf32>) -> tensor<64x96xf32> {
  %y = kf.layer_norm %x scale(%g : tensor<96xf32>) bias(%b : tensor<96xf32>) {epsilon = 1.0e-05 : f64} : tensor<64x96xf32>
  return %y : tensor<64x96xf32>
}

// -----

// A product's bias is broadcast into each thread's block of the output
// right before its k loop accumulates into it; the threads' shared output
// starts empty.
// CHECK-LABEL: func.func @linear_bias
// CHECK: %[[EMPTY:.+]] = tensor.empty() : tensor<64x96xf32>
// CHECK: scf.forall (%{{.+}}, %[[COL:.+]]) = (0, 0) to (64, 96) step (16, 96) shared_outs(%{{.+}} = %[[EMPTY]])
// CHECK: %[[BIAS:.+]] = scf.for
// CHECK: vector.transfer_read %arg2[{{.+}} : tensor<96xf32>, vector<48xf32>
// CHECK: scf.for {{.*}} iter_args(%{{.+}} = %[[BIAS]])
// CHECK: vector.contract
// CHECK: } {kf.parallel = "rows"
// CHECK-NOT: scf.forall
// CHECK: return
func.func @linear_bias(%x: tensor<64x32xf32>, %w: tensor<32x96xf32>, %bias: tensor<96xf32>) -> tensor<64x96xf32> {
  %y = kf.linear %x, %w, %bias layout(in_out) : tensor<64x32xf32>, tensor<32x96xf32>, tensor<96xf32> -> tensor<64x96xf32>
  return %y : tensor<64x96xf32>
}

// -----

// A softmax: each thread's rows get their maxima and their sums of
// exponentials, then are divided by them.
// CHECK-LABEL: func.func @softmax
// CHECK: scf.forall
// CHECK: vector.multi_reduction <maximumf>
// CHECK: math.exp
// CHECK: vector.multi_reduction <add>
// CHECK: math.exp
// CHECK: arith.divf
// CHECK: } {kf.parallel = "rows"}
// CHECK-NOT: scf.forall
// CHECK: return
func.func @softmax(%x: tensor<64x96xf32>) -> tensor<64x96xf32> {
  %y = kf.softmax %x : tensor<64x96xf32>
  return %y : tensor<64x96xf32>
}

// -----

// An elementwise op read as an input does not wait: a residual sum the norm
// reads is also the block's result (it would be computed twice). It keeps its
// parallel loop; the norm's sum of squares still goes into the norm's.
// CHECK-LABEL: func.func @negative_residual
// CHECK: %[[SUM:.+]] = scf.forall
// CHECK: arith.addf
// CHECK: } {kf.parallel = "rows"}
// CHECK: %[[NORM:.+]] = scf.forall
// CHECK: vector.contract
// CHECK: math.rsqrt
// CHECK: } {kf.parallel = "rows"}
// CHECK: return %[[NORM]], %[[SUM]]
func.func @negative_residual(%x: tensor<64x96xf32>, %r: tensor<64x96xf32>, %g: tensor<96xf32>) -> (tensor<64x96xf32>, tensor<64x96xf32>) {
  %s = kf.add %x, %r : tensor<64x96xf32>, tensor<64x96xf32>
  %y = kf.rms_norm %s, %g {epsilon = 1.0e-06 : f64} : tensor<64x96xf32>, tensor<96xf32>
  return %y, %s : tensor<64x96xf32>, tensor<64x96xf32>
}

// -----

// One row (decode): the norm runs on the calling thread, no thread tiles
// to wait for; its means are computed first, as before.
// CHECK-LABEL: func.func @negative_one_row
// CHECK-NOT: scf.forall
// CHECK: vector.multi_reduction <add>
// CHECK: math.rsqrt
func.func @negative_one_row(%x: tensor<1x96xf32>, %g: tensor<96xf32>, %b: tensor<96xf32>) -> tensor<1x96xf32> {
  %y = kf.layer_norm %x scale(%g : tensor<96xf32>) bias(%b : tensor<96xf32>) {epsilon = 1.0e-05 : f64} : tensor<1x96xf32>
  return %y : tensor<1x96xf32>
}

// -----

// Rows the threads' tiles leave over (37 against tiles of 8) are split off
// before tiling, the bias with them: the 32 rows' thread tiles broadcast it
// into their block before their k loop; the 5 rows left, a product of their
// own, get theirs on the calling thread.
// CHECK-LABEL: func.func @rows_left
// CHECK: scf.forall (%{{.+}}, %{{.+}}) = (0, 0) to (32, 96) step (8, 96)
// CHECK: vector.transfer_read %arg2
// CHECK: vector.contract
// CHECK: } {kf.parallel = "rows"
// CHECK-NOT: scf.forall
// CHECK: vector.transfer_read %arg2
// CHECK: scf.forall
// CHECK: vector.contract
func.func @rows_left(%x: tensor<37x32xf32>, %w: tensor<32x96xf32>, %bias: tensor<96xf32>) -> tensor<37x96xf32> {
  %y = kf.linear %x, %w, %bias layout(in_out) : tensor<37x32xf32>, tensor<32x96xf32>, tensor<96xf32> -> tensor<37x96xf32>
  return %y : tensor<37x96xf32>
}

// -----

// Columns the register tiles leave over (100 against 32, as the tied head's
// 50257) are split off before tiling, the zero fill with them: each piece's
// thread tiles zero their own block of the output right before their k
// loop, rather than a parallel loop of its own zeroing the whole output
// first, for the products to read back from memory.
// CHECK-LABEL: func.func @columns_left
// CHECK-DAG: %[[ZERO4:.+]] = arith.constant dense<0.000000e+00> : vector<1x4xf32>
// CHECK-DAG: %[[ZERO48:.+]] = arith.constant dense<0.000000e+00> : vector<1x48xf32>
// CHECK-NOT: scf.forall
// CHECK: scf.forall (%{{.+}}, %{{.+}}) = (0, 0) to (64, 96) step (16, 96)
// CHECK: vector.transfer_write %[[ZERO48]], %{{.+}} : vector<1x48xf32>, tensor<16x96xf32>
// CHECK: vector.contract
// CHECK: } {kf.parallel = "rows"
// CHECK-NOT: %[[ZERO48]]
// CHECK: scf.forall (%{{.+}}, %{{.+}}) = (0, 0) to (64, 4) step (16, 4)
// CHECK: vector.transfer_write %[[ZERO4]], %{{.+}} : vector<1x4xf32>, tensor<16x4xf32>
// CHECK: vector.contract
// CHECK: } {kf.parallel = "rows"
// CHECK-NOT: scf.forall
// CHECK: return
func.func @columns_left(%x: tensor<64x32xf32>, %w: tensor<100x32xf32>) -> tensor<64x100xf32> {
  %y = kf.linear %x, %w layout(out_in) : tensor<64x32xf32>, tensor<100x32xf32> -> tensor<64x100xf32>
  return %y : tensor<64x100xf32>
}

// -----

// The elementwise op that reads a product (its GELU) is applied in the
// product's thread tiles, right after each tile's k loop, while the tile is
// in cache: one parallel loop, whose second result is the GELU's.
// CHECK-LABEL: func.func @linear_gelu
// CHECK: %[[BLOCK:.+]]:2 = scf.forall (%{{.+}}, %{{.+}}) = (0, 0) to (64, 96) step (16, 96)
// CHECK: vector.contract
// CHECK: math.tanh
// CHECK: } {kf.parallel = "rows", kf.schedule = {{.+}}thread_tiles
// CHECK-NOT: scf.forall
// CHECK-NOT: math.tanh
// CHECK: return %[[BLOCK]]#1
// SERIAL-LABEL: func.func @linear_gelu
// SERIAL-NOT: scf.forall
func.func @linear_gelu(%x: tensor<64x32xf32>, %w: tensor<32x96xf32>, %bias: tensor<96xf32>) -> tensor<64x96xf32> {
  %y = kf.linear %x, %w, %bias layout(in_out) : tensor<64x32xf32>, tensor<32x96xf32>, tensor<96xf32> -> tensor<64x96xf32>
  %g = kf.gelu %y tanh : tensor<64x96xf32>
  return %g : tensor<64x96xf32>
}

// -----

// A residual sum after a product: the sum's other operand is read in the
// tiles too.
// CHECK-LABEL: func.func @linear_residual
// CHECK: %[[BLOCK:.+]]:2 = scf.forall
// CHECK: vector.contract
// CHECK: vector.transfer_read %arg3
// CHECK: arith.addf
// CHECK: } {kf.parallel = "rows"
// CHECK-NOT: scf.forall
// CHECK: return %[[BLOCK]]#1
func.func @linear_residual(%x: tensor<64x32xf32>, %w: tensor<32x96xf32>, %bias: tensor<96xf32>, %r: tensor<64x96xf32>) -> tensor<64x96xf32> {
  %y = kf.linear %x, %w, %bias layout(in_out) : tensor<64x32xf32>, tensor<32x96xf32>, tensor<96xf32> -> tensor<64x96xf32>
  %s = kf.add %r, %y : tensor<64x96xf32>, tensor<64x96xf32>
  return %s : tensor<64x96xf32>
}

// -----

// A product whose result is also read elsewhere keeps its consumers apart:
// the result would be written whole anyway.
// CHECK-LABEL: func.func @negative_two_uses
// CHECK: %[[PRODUCT:.+]] = scf.forall
// CHECK: vector.contract
// CHECK: } {kf.parallel = "rows"
// CHECK: %[[GELU:.+]] = scf.forall
// CHECK: math.tanh
// CHECK: return %[[GELU]], %[[PRODUCT]]
func.func @negative_two_uses(%x: tensor<64x32xf32>, %w: tensor<32x96xf32>, %bias: tensor<96xf32>) -> (tensor<64x96xf32>, tensor<64x96xf32>) {
  %y = kf.linear %x, %w, %bias layout(in_out) : tensor<64x32xf32>, tensor<32x96xf32>, tensor<96xf32> -> tensor<64x96xf32>
  %g = kf.gelu %y tanh : tensor<64x96xf32>
  return %g, %y : tensor<64x96xf32>, tensor<64x96xf32>
}

// -----

// The graph's [1, rows, n] (kf ops on 3-D activations): the GELU is
// collapsed to the product's [rows, n] (upstream's iteration-dimension
// collapsing) and fused there; the result is expanded after the loop.
// CHECK-LABEL: func.func @linear_gelu_rows
// CHECK: %[[BLOCK:.+]]:2 = scf.forall (%{{.+}}, %{{.+}}) = (0, 0) to (64, 96) step (16, 96)
// CHECK: vector.contract
// CHECK: math.tanh
// CHECK: } {kf.parallel = "rows"
// CHECK-NOT: scf.forall
// CHECK: %[[ROWS:.+]] = tensor.expand_shape %[[BLOCK]]#1 {{\[}}[0, 1], [2]] output_shape [1, 64, 96]
// CHECK: return %[[ROWS]]
func.func @linear_gelu_rows(%x: tensor<1x64x32xf32>, %w: tensor<32x96xf32>, %bias: tensor<96xf32>) -> tensor<1x64x96xf32> {
  %y = kf.linear %x, %w, %bias layout(in_out) : tensor<1x64x32xf32>, tensor<32x96xf32>, tensor<96xf32> -> tensor<1x64x96xf32>
  %g = kf.gelu %y tanh : tensor<1x64x96xf32>
  return %g : tensor<1x64x96xf32>
}

// -----

// An operand broadcast along a dimension of size 1 (a scale per row, read
// at column 0) cannot be collapsed with the rows: the product keeps the
// multiplication apart.
// CHECK-LABEL: func.func @negative_row_scale
// CHECK: %[[PRODUCT:.+]] = scf.forall
// CHECK: vector.contract
// CHECK: } {kf.parallel = "rows"
// CHECK: %[[ROWS:.+]] = tensor.expand_shape %[[PRODUCT]]
// CHECK: scf.forall
// CHECK: arith.mulf
func.func @negative_row_scale(%x: tensor<1x64x32xf32>, %w: tensor<32x96xf32>, %bias: tensor<96xf32>, %s: tensor<1x64x1xf32>) -> tensor<1x64x96xf32> {
  %y = kf.linear %x, %w, %bias layout(in_out) : tensor<1x64x32xf32>, tensor<32x96xf32>, tensor<96xf32> -> tensor<1x64x96xf32>
  %g = kf.mul %y, %s : tensor<1x64x96xf32>, tensor<1x64x1xf32>
  return %g : tensor<1x64x96xf32>
}
