// linear and matmul in both weight layouts, with and without bias, at shapes
// the register tile (the host's) divides and at shapes it does not (rows 5, 9, 13,
// columns 33, 50). Sums of up to 70 products of N(0,1) values: float32
// accumulation error stays far below atol 1e-4.
// RUN: kernelforge-compile %s -o %t.so
// RUN: %check %t.so --entry linear_bias --expect "ref.linear(x0, x1, x2)" --atol 1e-4
// RUN: %check %t.so --entry linear_out_in --expect "ref.linear(x0, x1, layout='out_in')" --atol 1e-4
// RUN: %check %t.so --entry linear_vector --expect "ref.linear(x0, x1, x2)" --atol 1e-4
// One row against a deep [k, n] weight: the reduction split across threads
// (each a contiguous block of weight rows), the parts added; and the same
// with the columns split instead.
// RUN: %check %t.so --entry linear_vector_deep --expect "ref.linear(x0, x1, x2)" --atol 1e-4
// RUN: kernelforge-compile %s -o %t.columns.so --pipeline-options="split-reduction=false"
// RUN: %check %t.columns.so --entry linear_vector_deep --expect "ref.linear(x0, x1, x2)" --atol 1e-4
// RUN: %check %t.so --entry linear_tiles --expect "ref.linear(x0, x1, x2)" --atol 1e-4
// RUN: %check %t.so --entry linear_large --expect "ref.linear(x0, x1, x2)" --atol 1e-4
// RUN: %check %t.so --entry matmul_batched --expect "ref.matmul(x0, x1)" --atol 1e-4
// RUN: %check %t.so --entry matmul_transposed --expect "ref.matmul(x0, x1, True)" --atol 1e-4
//
// The same products under the schedules other targets derive, run here:
// AVX-512 (16-float vectors, 8 x 32), NEON (4-float vectors, 8 x 8), and
// weight panels with the register loops columns outside (pack-weights,
// columns-outer).
// RUN: kernelforge-compile %s -o %t.avx512.so --pipeline-options="vector-width=16 register-rows=8 register-cols=32"
// RUN: %check %t.avx512.so --entry linear_bias --expect "ref.linear(x0, x1, x2)" --atol 1e-4
// RUN: %check %t.avx512.so --entry linear_out_in --expect "ref.linear(x0, x1, layout='out_in')" --atol 1e-4
// RUN: %check %t.avx512.so --entry linear_vector --expect "ref.linear(x0, x1, x2)" --atol 1e-4
// RUN: %check %t.avx512.so --entry linear_tiles --expect "ref.linear(x0, x1, x2)" --atol 1e-4
// RUN: %check %t.avx512.so --entry linear_large --expect "ref.linear(x0, x1, x2)" --atol 1e-4
// RUN: %check %t.avx512.so --entry matmul_batched --expect "ref.matmul(x0, x1)" --atol 1e-4
// RUN: %check %t.avx512.so --entry matmul_transposed --expect "ref.matmul(x0, x1, True)" --atol 1e-4
// RUN: kernelforge-compile %s -o %t.neon.so --pipeline-options="vector-width=4 register-rows=8 register-cols=8"
// RUN: %check %t.neon.so --entry linear_bias --expect "ref.linear(x0, x1, x2)" --atol 1e-4
// RUN: %check %t.neon.so --entry linear_out_in --expect "ref.linear(x0, x1, layout='out_in')" --atol 1e-4
// RUN: %check %t.neon.so --entry linear_vector --expect "ref.linear(x0, x1, x2)" --atol 1e-4
// RUN: %check %t.neon.so --entry linear_tiles --expect "ref.linear(x0, x1, x2)" --atol 1e-4
// RUN: %check %t.neon.so --entry linear_large --expect "ref.linear(x0, x1, x2)" --atol 1e-4
// RUN: %check %t.neon.so --entry matmul_batched --expect "ref.matmul(x0, x1)" --atol 1e-4
// RUN: %check %t.neon.so --entry matmul_transposed --expect "ref.matmul(x0, x1, True)" --atol 1e-4
// RUN: kernelforge-compile %s -o %t.packed.so --pipeline-options="pack-weights=true columns-outer=true register-rows=2 thread-tile=8"
// RUN: %check %t.packed.so --entry linear_bias --expect "ref.linear(x0, x1, x2)" --atol 1e-4
// RUN: %check %t.packed.so --entry linear_out_in --expect "ref.linear(x0, x1, layout='out_in')" --atol 1e-4
// RUN: %check %t.packed.so --entry linear_vector --expect "ref.linear(x0, x1, x2)" --atol 1e-4
// RUN: %check %t.packed.so --entry linear_tiles --expect "ref.linear(x0, x1, x2)" --atol 1e-4
// RUN: %check %t.packed.so --entry linear_large --expect "ref.linear(x0, x1, x2)" --atol 1e-4
// RUN: %check %t.packed.so --entry matmul_batched --expect "ref.matmul(x0, x1)" --atol 1e-4
// RUN: %check %t.packed.so --entry matmul_transposed --expect "ref.matmul(x0, x1, True)" --atol 1e-4
// AVX2's schedule (8-float vectors, 6 x 16 tiles, weight panels): 64 and
// 1030 rows leave rows over that each thread tile computes from its panels
// with a smaller tile, against either weight layout.
// RUN: kernelforge-compile %s -o %t.avx2.so --pipeline-options="vector-width=8 register-rows=6 register-cols=16 pack-weights=true"
// RUN: %check %t.avx2.so --entry linear_rows_left --expect "ref.linear(x0, x1, x2)" --atol 1e-4
// RUN: %check %t.avx2.so --entry linear_rows_left_out_in --expect "ref.linear(x0, x1, layout='out_in')" --atol 1e-4
// RUN: %check %t.avx2.so --entry linear_large --expect "ref.linear(x0, x1, x2)" --atol 1e-4
// RUN: %check %t.avx2.so --entry linear_tiles --expect "ref.linear(x0, x1, x2)" --atol 1e-4
// RUN: %check %t.avx2.so --entry linear_out_in --expect "ref.linear(x0, x1, layout='out_in')" --atol 1e-4

func.func @linear_rows_left(%x: tensor<64x96xf32>, %w: tensor<96x128xf32>, %b: tensor<128xf32>) -> tensor<64x128xf32> {
  %y = kf.linear %x, %w, %b layout(in_out) : tensor<64x96xf32>, tensor<96x128xf32>, tensor<128xf32> -> tensor<64x128xf32>
  return %y : tensor<64x128xf32>
}
func.func @linear_rows_left_out_in(%x: tensor<64x96xf32>, %w: tensor<128x96xf32>) -> tensor<64x128xf32> {
  %y = kf.linear %x, %w layout(out_in) : tensor<64x96xf32>, tensor<128x96xf32> -> tensor<64x128xf32>
  return %y : tensor<64x128xf32>
}
func.func @linear_bias(%x: tensor<2x5x70xf32>, %w: tensor<70x33xf32>, %b: tensor<33xf32>) -> tensor<2x5x33xf32> {
  %y = kf.linear %x, %w, %b layout(in_out) : tensor<2x5x70xf32>, tensor<70x33xf32>, tensor<33xf32> -> tensor<2x5x33xf32>
  return %y : tensor<2x5x33xf32>
}
func.func @linear_out_in(%x: tensor<1x9x64xf32>, %w: tensor<50x64xf32>) -> tensor<1x9x50xf32> {
  %y = kf.linear %x, %w layout(out_in) : tensor<1x9x64xf32>, tensor<50x64xf32> -> tensor<1x9x50xf32>
  return %y : tensor<1x9x50xf32>
}
func.func @linear_vector_deep(%x: tensor<1x768xf32>, %w: tensor<768x200xf32>, %b: tensor<200xf32>) -> tensor<1x200xf32> {
  %y = kf.linear %x, %w, %b layout(in_out) : tensor<1x768xf32>, tensor<768x200xf32>, tensor<200xf32> -> tensor<1x200xf32>
  return %y : tensor<1x200xf32>
}
func.func @linear_vector(%x: tensor<64xf32>, %w: tensor<64x40xf32>, %b: tensor<40xf32>) -> tensor<40xf32> {
  %y = kf.linear %x, %w, %b layout(in_out) : tensor<64xf32>, tensor<64x40xf32>, tensor<40xf32> -> tensor<40xf32>
  return %y : tensor<40xf32>
}
// Enough rows and columns for the GPU's full 64 x 64 tiles (no shape a
// multiple of them, nor k of 16).
func.func @linear_large(%x: tensor<1030x40xf32>, %w: tensor<40x1100xf32>, %b: tensor<1100xf32>) -> tensor<1030x1100xf32> {
  %y = kf.linear %x, %w, %b layout(in_out) : tensor<1030x40xf32>, tensor<40x1100xf32>, tensor<1100xf32> -> tensor<1030x1100xf32>
  return %y : tensor<1030x1100xf32>
}

func.func @linear_tiles(%x: tensor<72x64xf32>, %w: tensor<64x320xf32>, %b: tensor<320xf32>) -> tensor<72x320xf32> {
  %y = kf.linear %x, %w, %b layout(in_out) : tensor<72x64xf32>, tensor<64x320xf32>, tensor<320xf32> -> tensor<72x320xf32>
  return %y : tensor<72x320xf32>
}
func.func @matmul_batched(%a: tensor<2x3x20x24xf32>, %b: tensor<2x3x24x36xf32>) -> tensor<2x3x20x36xf32> {
  %c = kf.matmul %a, %b : tensor<2x3x20x24xf32>, tensor<2x3x24x36xf32> -> tensor<2x3x20x36xf32>
  return %c : tensor<2x3x20x36xf32>
}
func.func @matmul_transposed(%a: tensor<2x9x16xf32>, %b: tensor<2x13x16xf32>) -> tensor<2x9x13xf32> {
  %c = kf.matmul %a, %b transpose_rhs : tensor<2x9x16xf32>, tensor<2x13x16xf32> -> tensor<2x9x13xf32>
  return %c : tensor<2x9x13xf32>
}
