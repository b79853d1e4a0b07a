// Weights kept in 16-bit storage (bf16, f16) under f32 activations: read as
// stored, widened in registers, f32 products and sums. The reference is
// float64 on the same rounded weights, so the only error is f32
// accumulation (sums of up to 200 products of N(0,1) values): atol 1e-4.
// Shapes: one row (decode's mat-vec) and several, columns and reductions the
// vector width and register tiles do not divide, both layouts.
// RUN: kernelforge-compile %s -o %t.so
// RUN: %check %t.so --entry bf16_vector --expect "ref.linear(x0, x1, x2)" --atol 1e-4
// RUN: %check %t.so --entry bf16_rows --expect "ref.linear(x0, x1, x2)" --atol 1e-4
// RUN: %check %t.so --entry bf16_out_in_vector --expect "ref.linear(x0, x1, layout='out_in')" --atol 1e-4
// RUN: %check %t.so --entry f16_out_in_rows --expect "ref.linear(x0, x1, layout='out_in')" --atol 1e-4
// RUN: %check %t.so --entry bf16_out_in_rows_packed --expect "ref.linear(x0, x1, layout='out_in')" --atol 1e-4
// RUN: %check %t.so --entry f16_out_in_rows_packed --expect "ref.linear(x0, x1, layout='out_in')" --atol 1e-4
// RUN: %check %t.so --entry f16_vector --expect "ref.linear(x0, x1, x2)" --atol 1e-4
// RUN: %check %t.so --entry f16_matmul --expect "ref.matmul(x0, x1, True)" --atol 1e-4
// RUN: %check %t.so --entry bf16_embedding --ints-below 37 --scalar 3 --expect "ref.embedding(x0, x1, x2, offset=3)" --atol 1e-6
// Decode against [n, k] rows streamed one by one (k a multiple of four
// vectors of lanes; 77 and 37 outputs, blocks of 11 and 37 rows):
// RUN: %check %t.so --entry bf16_out_in_streamed --expect "ref.linear(x0, x1, layout='out_in')" --atol 1e-4
// RUN: %check %t.so --entry f16_out_in_streamed --expect "ref.linear(x0, x1, layout='out_in')" --atol 1e-4
//
// The same under the other targets' schedules (AVX-512 and NEON tiles).
// RUN: kernelforge-compile %s -o %t.avx512.so --pipeline-options="vector-width=16 register-rows=8 register-cols=32"
// RUN: %check %t.avx512.so --entry bf16_vector --expect "ref.linear(x0, x1, x2)" --atol 1e-4
// RUN: %check %t.avx512.so --entry bf16_out_in_vector --expect "ref.linear(x0, x1, layout='out_in')" --atol 1e-4
// RUN: %check %t.avx512.so --entry f16_out_in_rows --expect "ref.linear(x0, x1, layout='out_in')" --atol 1e-4
// RUN: %check %t.avx512.so --entry bf16_out_in_rows_packed --expect "ref.linear(x0, x1, layout='out_in')" --atol 1e-4
// RUN: %check %t.avx512.so --entry bf16_out_in_streamed --expect "ref.linear(x0, x1, layout='out_in')" --atol 1e-4
// RUN: %check %t.avx512.so --entry f16_out_in_streamed --expect "ref.linear(x0, x1, layout='out_in')" --atol 1e-4
// RUN: kernelforge-compile %s -o %t.neon.so --pipeline-options="vector-width=4 register-rows=8 register-cols=8"
// RUN: %check %t.neon.so --entry bf16_rows --expect "ref.linear(x0, x1, x2)" --atol 1e-4
// RUN: %check %t.neon.so --entry f16_vector --expect "ref.linear(x0, x1, x2)" --atol 1e-4

func.func @bf16_vector(%x: tensor<1x200xf32>, %w: tensor<200x131xbf16>, %b: tensor<131xf32>) -> tensor<1x131xf32> {
  %y = kf.linear %x, %w, %b layout(in_out) : tensor<1x200xf32>, tensor<200x131xbf16>, tensor<131xf32> -> tensor<1x131xf32>
  return %y : tensor<1x131xf32>
}
func.func @bf16_out_in_streamed(%x: tensor<1x1x128xf32>, %w: tensor<77x128xbf16>) -> tensor<1x1x77xf32> {
  %y = kf.linear %x, %w layout(out_in) : tensor<1x1x128xf32>, tensor<77x128xbf16> -> tensor<1x1x77xf32>
  return %y : tensor<1x1x77xf32>
}
func.func @f16_out_in_streamed(%x: tensor<1x192xf32>, %w: tensor<37x192xf16>) -> tensor<1x37xf32> {
  %y = kf.linear %x, %w layout(out_in) : tensor<1x192xf32>, tensor<37x192xf16> -> tensor<1x37xf32>
  return %y : tensor<1x37xf32>
}
// A few rows against [k, n] weights read in place: register tiles as wide
// as one row's, shared between the rows (2 rows x 300 columns: 256 and the
// 44 left over; 3 f16 rows x 96).
func.func @bf16_few_rows(%x: tensor<2x96xf32>, %w: tensor<96x300xbf16>, %b: tensor<300xf32>) -> tensor<2x300xf32> {
  %y = kf.linear %x, %w, %b layout(in_out) : tensor<2x96xf32>, tensor<96x300xbf16>, tensor<300xf32> -> tensor<2x300xf32>
  return %y : tensor<2x300xf32>
}
func.func @f16_few_rows(%x: tensor<3x64xf32>, %w: tensor<64x96xf16>) -> tensor<3x96xf32> {
  %y = kf.linear %x, %w layout(in_out) : tensor<3x64xf32>, tensor<64x96xf16> -> tensor<3x96xf32>
  return %y : tensor<3x96xf32>
}
func.func @bf16_rows(%x: tensor<9x70xf32>, %w: tensor<70x50xbf16>, %b: tensor<50xf32>) -> tensor<9x50xf32> {
  %y = kf.linear %x, %w, %b layout(in_out) : tensor<9x70xf32>, tensor<70x50xbf16>, tensor<50xf32> -> tensor<9x50xf32>
  return %y : tensor<9x50xf32>
}
func.func @bf16_out_in_vector(%x: tensor<1x1x96xf32>, %w: tensor<77x96xbf16>) -> tensor<1x1x77xf32> {
  %y = kf.linear %x, %w layout(out_in) : tensor<1x1x96xf32>, tensor<77x96xbf16> -> tensor<1x1x77xf32>
  return %y : tensor<1x1x77xf32>
}
func.func @f16_out_in_rows(%x: tensor<13x40xf32>, %w: tensor<33x40xf16>) -> tensor<13x33xf32> {
  %y = kf.linear %x, %w layout(out_in) : tensor<13x40xf32>, tensor<33x40xf16> -> tensor<13x33xf32>
  return %y : tensor<13x33xf32>
}
// Many rows against [n, k] weights: packed into panels by copies that
// transpose 8 x 8 tiles in registers (72 along k), or 4 x 4 where k is 100;
// 56 and 48 features, which the register tiles leave columns of.
func.func @bf16_out_in_rows_packed(%x: tensor<40x72xf32>, %w: tensor<56x72xbf16>) -> tensor<40x56xf32> {
  %y = kf.linear %x, %w layout(out_in) : tensor<40x72xf32>, tensor<56x72xbf16> -> tensor<40x56xf32>
  return %y : tensor<40x56xf32>
}
func.func @f16_out_in_rows_packed(%x: tensor<36x100xf32>, %w: tensor<48x100xf16>) -> tensor<36x48xf32> {
  %y = kf.linear %x, %w layout(out_in) : tensor<36x100xf32>, tensor<48x100xf16> -> tensor<36x48xf32>
  return %y : tensor<36x48xf32>
}
func.func @f16_vector(%x: tensor<1x64xf32>, %w: tensor<64x100xf16>, %b: tensor<100xf32>) -> tensor<1x100xf32> {
  %y = kf.linear %x, %w, %b layout(in_out) : tensor<1x64xf32>, tensor<64x100xf16>, tensor<100xf32> -> tensor<1x100xf32>
  return %y : tensor<1x100xf32>
}
func.func @f16_matmul(%a: tensor<2x5x24xf32>, %b: tensor<2x7x24xf16>) -> tensor<2x5x7xf32> {
  %y = kf.matmul %a, %b transpose_rhs : tensor<2x5x24xf32>, tensor<2x7x24xf16> -> tensor<2x5x7xf32>
  return %y : tensor<2x5x7xf32>
}
func.func @bf16_embedding(%ids: tensor<1x5xi64>, %wte: tensor<37x48xbf16>, %wpe: tensor<9x48xf32>, %pos: index) -> tensor<1x5x48xf32> {
  %y = kf.embedding %ids, %wte positions(%wpe : tensor<9x48xf32>) offset(%pos) : tensor<1x5xi64>, tensor<37x48xbf16> -> tensor<1x5x48xf32>
  return %y : tensor<1x5x48xf32>
}

// i8 weights with f32 scales per block of 32 input features, dequantised in
// registers for one row and through a dequantised copy for several; the
// reference dequantises the same integers and scales in float64. Values
// reach ~100 (sums of 64-256 products of N(0,1) and ~1): atol 1e-3. One row
// against [n, k] blocks multiplies the row quantised to 16 bits per block
// (kf-integer-block-dots on x86: an error of at most 2^-16 of each block's
// largest value per element, about 1e-4 of these sums).
// RUN: %check %t.so --entry q8_vector --expect "ref.linear(x0, ref.dequantize(x1, p['w.scales']), x2)" --atol 1e-3
// RUN: %check %t.so --entry q8_out_in_vector --expect "ref.linear(x0, ref.dequantize(x1, p['w.scales'], 'out_in'), layout='out_in')" --atol 1e-3
// RUN: %check %t.so --entry q8_rows --expect "ref.linear(x0, ref.dequantize(x1, p['w.scales']), x2)" --atol 1e-3
// RUN: %check %t.so --entry q8_embedding --ints-below 37 --expect "ref.embedding(x0, ref.dequantize(x1, p['t.scales'], 'out_in'), x2)" --atol 1e-5
// RUN: %check %t.avx512.so --entry q8_vector --expect "ref.linear(x0, ref.dequantize(x1, p['w.scales']), x2)" --atol 1e-3
// RUN: %check %t.neon.so --entry q8_out_in_vector --expect "ref.linear(x0, ref.dequantize(x1, p['w.scales'], 'out_in'), layout='out_in')" --atol 1e-3
// RUN: %check %t.avx512.so --entry q8_out_in_vector --expect "ref.linear(x0, ref.dequantize(x1, p['w.scales'], 'out_in'), layout='out_in')" --atol 1e-3
// Many rows against i8 blocks read weight panels made from the blocks and
// scales directly (no dequantised copy of the weight): [k, n] blocks with
// f16 scales in two k tiles, 50 rows (a register tile's leftover rows split
// off inside), [n, k] blocks (the tied head's layout), and 25 blocks along
// k (k tiles of 5 blocks), for the host, AVX-512 and AVX2 register tiles.
// RUN: %check %t.so --entry q8_rows_packed --expect "ref.linear(x0, ref.dequantize(x1, p['w.scales']), x2)" --atol 2e-3
// RUN: %check %t.so --entry q8_out_in_rows_packed --expect "ref.linear(x0, ref.dequantize(x1, p['w.scales'], 'out_in'), layout='out_in')" --atol 2e-3
// RUN: %check %t.avx512.so --entry q8_rows_packed --expect "ref.linear(x0, ref.dequantize(x1, p['w.scales']), x2)" --atol 2e-3
// RUN: %check %t.avx512.so --entry q8_out_in_rows_packed --expect "ref.linear(x0, ref.dequantize(x1, p['w.scales'], 'out_in'), layout='out_in')" --atol 2e-3
// RUN: %check %t.so --entry q8_rows_k_blocks --expect "ref.linear(x0, ref.dequantize(x1, p['w.scales']))" --atol 2e-3
// RUN: kernelforge-compile %s -o %t.ymm.so --pipeline-options="vector-width=8 register-rows=6 register-cols=16 pack-weights=false"
// RUN: %check %t.ymm.so --entry q8_rows_packed --expect "ref.linear(x0, ref.dequantize(x1, p['w.scales']), x2)" --atol 2e-3
// RUN: %check %t.ymm.so --entry q8_out_in_rows_packed --expect "ref.linear(x0, ref.dequantize(x1, p['w.scales'], 'out_in'), layout='out_in')" --atol 2e-3
// RUN: %check %t.ymm.so --entry q8_out_in_vector --expect "ref.linear(x0, ref.dequantize(x1, p['w.scales'], 'out_in'), layout='out_in')" --atol 1e-3
// RUN: %check %t.ymm.so --entry bf16_out_in_rows_packed --expect "ref.linear(x0, x1, layout='out_in')" --atol 1e-4
// RUN: %check %t.ymm.so --entry f16_out_in_rows_packed --expect "ref.linear(x0, x1, layout='out_in')" --atol 1e-4
// A few rows (a short prompt) against [n, k] weights and i8 blocks, packed
// like many (11 rows: a register tile and the rows it leaves over):
// RUN: %check %t.so --entry bf16_out_in_few_rows --expect "ref.linear(x0, x1, layout='out_in')" --atol 1e-4
// RUN: %check %t.so --entry q8_out_in_few_rows --expect "ref.linear(x0, ref.dequantize(x1, p['w.scales'], 'out_in'), layout='out_in')" --atol 2e-3
// RUN: %check %t.so --entry q8_few_rows --expect "ref.linear(x0, ref.dequantize(x1, p['w.scales']), x2)" --atol 2e-3
// RUN: %check %t.avx512.so --entry bf16_out_in_few_rows --expect "ref.linear(x0, x1, layout='out_in')" --atol 1e-4
// RUN: %check %t.avx512.so --entry q8_out_in_few_rows --expect "ref.linear(x0, ref.dequantize(x1, p['w.scales'], 'out_in'), layout='out_in')" --atol 2e-3
// RUN: %check %t.ymm.so --entry bf16_out_in_few_rows --expect "ref.linear(x0, x1, layout='out_in')" --atol 1e-4
// RUN: %check %t.ymm.so --entry q8_out_in_few_rows --expect "ref.linear(x0, ref.dequantize(x1, p['w.scales'], 'out_in'), layout='out_in')" --atol 2e-3
// RUN: %check %t.ymm.so --entry q8_few_rows --expect "ref.linear(x0, ref.dequantize(x1, p['w.scales']), x2)" --atol 2e-3
// RUN: %check %t.so --entry bf16_few_rows --expect "ref.linear(x0, x1, x2)" --atol 1e-4
// RUN: %check %t.so --entry f16_few_rows --expect "ref.linear(x0, x1)" --atol 1e-4
// RUN: %check %t.avx512.so --entry bf16_few_rows --expect "ref.linear(x0, x1, x2)" --atol 1e-4
// RUN: %check %t.avx512.so --entry f16_few_rows --expect "ref.linear(x0, x1)" --atol 1e-4
// RUN: %check %t.ymm.so --entry bf16_few_rows --expect "ref.linear(x0, x1, x2)" --atol 1e-4
// RUN: %check %t.ymm.so --entry f16_few_rows --expect "ref.linear(x0, x1)" --atol 1e-4
// Up to 8 rows against i8 blocks stored [n, k] in register tiles of as
// many rows as the accumulators hold a block for (8 with AVX-512's tiles, 3
// with AVX2's, 2 with NEON's: groups of that many, the rest a group of its
// own): 5 rows against 41 outputs (too few to share out in blocks of
// outputs: the groups stay whole products), 5 and 8 rows against 64 and 48.
// RUN: %check %t.so --entry q8_out_in_five_rows --expect "ref.linear(x0, ref.dequantize(x1, p['w.scales'], 'out_in'), layout='out_in')" --atol 2e-3
// RUN: %check %t.so --entry q8_out_in_few_outputs --expect "ref.linear(x0, ref.dequantize(x1, p['w.scales'], 'out_in'), layout='out_in')" --atol 1e-3
// RUN: %check %t.so --entry q8_out_in_eight_rows --expect "ref.linear(x0, ref.dequantize(x1, p['w.scales'], 'out_in'), layout='out_in')" --atol 2e-3
// RUN: %check %t.avx512.so --entry q8_out_in_five_rows --expect "ref.linear(x0, ref.dequantize(x1, p['w.scales'], 'out_in'), layout='out_in')" --atol 2e-3
// RUN: %check %t.avx512.so --entry q8_out_in_eight_rows --expect "ref.linear(x0, ref.dequantize(x1, p['w.scales'], 'out_in'), layout='out_in')" --atol 2e-3
// RUN: %check %t.ymm.so --entry q8_out_in_five_rows --expect "ref.linear(x0, ref.dequantize(x1, p['w.scales'], 'out_in'), layout='out_in')" --atol 2e-3
// RUN: %check %t.ymm.so --entry q8_out_in_few_outputs --expect "ref.linear(x0, ref.dequantize(x1, p['w.scales'], 'out_in'), layout='out_in')" --atol 1e-3
// RUN: %check %t.ymm.so --entry q8_out_in_eight_rows --expect "ref.linear(x0, ref.dequantize(x1, p['w.scales'], 'out_in'), layout='out_in')" --atol 2e-3
// RUN: %check %t.neon.so --entry q8_out_in_five_rows --expect "ref.linear(x0, ref.dequantize(x1, p['w.scales'], 'out_in'), layout='out_in')" --atol 2e-3
// RUN: %check %t.neon.so --entry q8_out_in_few_outputs --expect "ref.linear(x0, ref.dequantize(x1, p['w.scales'], 'out_in'), layout='out_in')" --atol 1e-3
// RUN: %check %t.neon.so --entry q8_out_in_eight_rows --expect "ref.linear(x0, ref.dequantize(x1, p['w.scales'], 'out_in'), layout='out_in')" --atol 2e-3
// RUN: %check %t.so --entry q8_in_out_three_rows --expect "ref.linear(x0, ref.dequantize(x1, p['w.scales']), x2)" --atol 2e-3
// RUN: %check %t.ymm.so --entry q8_in_out_three_rows --expect "ref.linear(x0, ref.dequantize(x1, p['w.scales']), x2)" --atol 2e-3
// RUN: %check %t.so --entry q8_in_out_two_rows --expect "ref.linear(x0, ref.dequantize(x1, p['w.scales']), x2)" --atol 2e-3
// RUN: %check %t.so --entry q8_in_out_four_rows --expect "ref.linear(x0, ref.dequantize(x1, p['w.scales']))" --atol 2e-3
// RUN: %check %t.avx512.so --entry q8_in_out_two_rows --expect "ref.linear(x0, ref.dequantize(x1, p['w.scales']), x2)" --atol 2e-3
// RUN: %check %t.avx512.so --entry q8_in_out_four_rows --expect "ref.linear(x0, ref.dequantize(x1, p['w.scales']))" --atol 2e-3
// RUN: %check %t.so --entry q8_in_out_five_rows --expect "ref.linear(x0, ref.dequantize(x1, p['w.scales']), x2)" --atol 2e-3
// RUN: %check %t.avx512.so --entry q8_in_out_five_rows --expect "ref.linear(x0, ref.dequantize(x1, p['w.scales']), x2)" --atol 2e-3
// RUN: %check %t.ymm.so --entry q8_in_out_five_rows --expect "ref.linear(x0, ref.dequantize(x1, p['w.scales']), x2)" --atol 2e-3
// RUN: %check %t.neon.so --entry q8_in_out_five_rows --expect "ref.linear(x0, ref.dequantize(x1, p['w.scales']), x2)" --atol 2e-3
// RUN: %check %t.so --entry q8_in_out_eight_rows --expect "ref.linear(x0, ref.dequantize(x1, p['w.scales']), x2)" --atol 2e-3
// RUN: %check %t.avx512.so --entry q8_in_out_eight_rows --expect "ref.linear(x0, ref.dequantize(x1, p['w.scales']), x2)" --atol 2e-3
// RUN: %check %t.ymm.so --entry q8_in_out_eight_rows --expect "ref.linear(x0, ref.dequantize(x1, p['w.scales']), x2)" --atol 2e-3
// RUN: %check %t.neon.so --entry q8_in_out_eight_rows --expect "ref.linear(x0, ref.dequantize(x1, p['w.scales']), x2)" --atol 2e-3
// RUN: %check %t.ymm.so --entry q8_in_out_two_rows --expect "ref.linear(x0, ref.dequantize(x1, p['w.scales']), x2)" --atol 2e-3
// RUN: %check %t.ymm.so --entry q8_in_out_four_rows --expect "ref.linear(x0, ref.dequantize(x1, p['w.scales']))" --atol 2e-3
// RUN: %check %t.neon.so --entry q8_in_out_four_rows --expect "ref.linear(x0, ref.dequantize(x1, p['w.scales']))" --atol 2e-3
// One row against [k, n] blocks of odd shapes: 3 blocks (no even split into
// the threads' parts: the threads split the columns) and 520 columns (a
// 1 x 256 register tile and the 8 left over); 4 blocks of 16 and 300
// columns, split into two parts. Each block's sum is scaled once.
// RUN: %check %t.so --entry q8_vector_odd --expect "ref.linear(x0, ref.dequantize(x1, p['w.scales']), x2)" --atol 1e-3
// RUN: %check %t.so --entry q8_vector_parts --expect "ref.linear(x0, ref.dequantize(x1, p['w.scales']))" --atol 1e-3
// RUN: %check %t.neon.so --entry q8_vector_odd --expect "ref.linear(x0, ref.dequantize(x1, p['w.scales']), x2)" --atol 1e-3

func.func @q8_vector(%x: tensor<1x256xf32>, %w: tensor<256x72xi8> {kf.param = "w"}, %b: tensor<72xf32>,
                     %s: tensor<8x72xf32> {kf.param = "w.scales"}) -> tensor<1x72xf32> {
  %y = kf.linear %x, %w, %b scales(%s : tensor<8x72xf32>) layout(in_out) : tensor<1x256xf32>, tensor<256x72xi8>, tensor<72xf32> -> tensor<1x72xf32>
  return %y : tensor<1x72xf32>
}
func.func @q8_vector_odd(%x: tensor<1x96xf32>, %w: tensor<96x520xi8> {kf.param = "w"}, %b: tensor<520xf32>,
                         %s: tensor<3x520xf32> {kf.param = "w.scales"}) -> tensor<1x520xf32> {
  %y = kf.linear %x, %w, %b scales(%s : tensor<3x520xf32>) layout(in_out) : tensor<1x96xf32>, tensor<96x520xi8>, tensor<520xf32> -> tensor<1x520xf32>
  return %y : tensor<1x520xf32>
}
func.func @q8_vector_parts(%x: tensor<1x64xf32>, %w: tensor<64x300xi8> {kf.param = "w"},
                           %s: tensor<4x300xf32> {kf.param = "w.scales"}) -> tensor<1x300xf32> {
  %y = kf.linear %x, %w scales(%s : tensor<4x300xf32>) layout(in_out) : tensor<1x64xf32>, tensor<64x300xi8> -> tensor<1x300xf32>
  return %y : tensor<1x300xf32>
}
func.func @q8_out_in_vector(%x: tensor<1x1x96xf32>, %w: tensor<41x96xi8> {kf.param = "w"},
                            %s: tensor<41x3xf32> {kf.param = "w.scales"}) -> tensor<1x1x41xf32> {
  %y = kf.linear %x, %w scales(%s : tensor<41x3xf32>) layout(out_in) : tensor<1x1x96xf32>, tensor<41x96xi8> -> tensor<1x1x41xf32>
  return %y : tensor<1x1x41xf32>
}
func.func @q8_rows(%x: tensor<7x64xf32>, %w: tensor<64x40xi8> {kf.param = "w"}, %b: tensor<40xf32>,
                   %s: tensor<2x40xf32> {kf.param = "w.scales"}) -> tensor<7x40xf32> {
  %y = kf.linear %x, %w, %b scales(%s : tensor<2x40xf32>) layout(in_out) : tensor<7x64xf32>, tensor<64x40xi8>, tensor<40xf32> -> tensor<7x40xf32>
  return %y : tensor<7x40xf32>
}
func.func @q8_rows_packed(%x: tensor<50x512xf32>, %w: tensor<512x96xi8> {kf.param = "w"}, %b: tensor<96xf32>,
                          %s: tensor<16x96xf16> {kf.param = "w.scales"}) -> tensor<50x96xf32> {
  %y = kf.linear %x, %w, %b scales(%s : tensor<16x96xf16>) layout(in_out) : tensor<50x512xf32>, tensor<512x96xi8>, tensor<96xf32> -> tensor<50x96xf32>
  return %y : tensor<50x96xf32>
}
func.func @q8_out_in_rows_packed(%x: tensor<40x512xf32>, %w: tensor<64x512xi8> {kf.param = "w"},
                                 %s: tensor<64x16xf16> {kf.param = "w.scales"}) -> tensor<40x64xf32> {
  %y = kf.linear %x, %w scales(%s : tensor<64x16xf16>) layout(out_in) : tensor<40x512xf32>, tensor<64x512xi8> -> tensor<40x64xf32>
  return %y : tensor<40x64xf32>
}
func.func @bf16_out_in_few_rows(%x: tensor<11x72xf32>, %w: tensor<96x72xbf16>) -> tensor<11x96xf32> {
  %y = kf.linear %x, %w layout(out_in) : tensor<11x72xf32>, tensor<96x72xbf16> -> tensor<11x96xf32>
  return %y : tensor<11x96xf32>
}
// (i8 blocks: 11 rows in either layout; fewer are below.)
func.func @q8_out_in_few_rows(%x: tensor<11x512xf32>, %w: tensor<64x512xi8> {kf.param = "w"},
                              %s: tensor<64x16xf16> {kf.param = "w.scales"}) -> tensor<11x64xf32> {
  %y = kf.linear %x, %w scales(%s : tensor<64x16xf16>) layout(out_in) : tensor<11x512xf32>, tensor<64x512xi8> -> tensor<11x64xf32>
  return %y : tensor<11x64xf32>
}
func.func @q8_few_rows(%x: tensor<11x256xf32>, %w: tensor<256x96xi8> {kf.param = "w"}, %b: tensor<96xf32>,
                       %s: tensor<8x96xf16> {kf.param = "w.scales"}) -> tensor<11x96xf32> {
  %y = kf.linear %x, %w, %b scales(%s : tensor<8x96xf16>) layout(in_out) : tensor<11x256xf32>, tensor<256x96xi8>, tensor<96xf32> -> tensor<11x96xf32>
  return %y : tensor<11x96xf32>
}
// Up to 8 rows against i8 blocks stored [n, k]: a few rows in each
// register tile, dequantised in registers, their inputs rounded to 16-bit
// integers per block on x86 (kf-integer-block-dots), as decode's row is.
func.func @q8_out_in_five_rows(%x: tensor<5x512xf32>, %w: tensor<64x512xi8> {kf.param = "w"},
                               %s: tensor<64x16xf16> {kf.param = "w.scales"}) -> tensor<5x64xf32> {
  %y = kf.linear %x, %w scales(%s : tensor<64x16xf16>) layout(out_in) : tensor<5x512xf32>, tensor<64x512xi8> -> tensor<5x64xf32>
  return %y : tensor<5x64xf32>
}
func.func @q8_out_in_few_outputs(%x: tensor<5x96xf32>, %w: tensor<41x96xi8> {kf.param = "w"},
                                 %s: tensor<41x3xf32> {kf.param = "w.scales"}) -> tensor<5x41xf32> {
  %y = kf.linear %x, %w scales(%s : tensor<41x3xf32>) layout(out_in) : tensor<5x96xf32>, tensor<41x96xi8> -> tensor<5x41xf32>
  return %y : tensor<5x41xf32>
}
func.func @q8_out_in_eight_rows(%x: tensor<8x256xf32>, %w: tensor<48x256xi8> {kf.param = "w"},
                                %s: tensor<48x8xf16> {kf.param = "w.scales"}) -> tensor<8x48xf32> {
  %y = kf.linear %x, %w scales(%s : tensor<48x8xf16>) layout(out_in) : tensor<8x256xf32>, tensor<48x256xi8> -> tensor<8x48xf32>
  return %y : tensor<8x48xf32>
}
// Up to 8 rows against i8 blocks stored [k, n]: register tiles of up to
// half the register rows (4 with AVX-512's tiles, 3 with AVX2's), the
// blocks split into the threads' parts as one row's are: 3 rows; 2 rows of
// 3 blocks (no even split: the threads split the columns) and 520 columns
// (a register tile's columns and 8 left over); 4 rows of 4 blocks of 16 and
// 300 columns; 5 rows (a tile and a row left over) against 520 columns; 8
// rows of 8 blocks (two tiles of 4; with AVX2's, 6 rows in tiles of 3 and 2
// split off).
func.func @q8_in_out_two_rows(%x: tensor<2x96xf32>, %w: tensor<96x520xi8> {kf.param = "w"}, %b: tensor<520xf32>,
                              %s: tensor<3x520xf32> {kf.param = "w.scales"}) -> tensor<2x520xf32> {
  %y = kf.linear %x, %w, %b scales(%s : tensor<3x520xf32>) layout(in_out) : tensor<2x96xf32>, tensor<96x520xi8>, tensor<520xf32> -> tensor<2x520xf32>
  return %y : tensor<2x520xf32>
}
func.func @q8_in_out_four_rows(%x: tensor<4x64xf32>, %w: tensor<64x300xi8> {kf.param = "w"},
                               %s: tensor<4x300xf32> {kf.param = "w.scales"}) -> tensor<4x300xf32> {
  %y = kf.linear %x, %w scales(%s : tensor<4x300xf32>) layout(in_out) : tensor<4x64xf32>, tensor<64x300xi8> -> tensor<4x300xf32>
  return %y : tensor<4x300xf32>
}
func.func @q8_in_out_five_rows(%x: tensor<5x96xf32>, %w: tensor<96x520xi8> {kf.param = "w"}, %b: tensor<520xf32>,
                               %s: tensor<3x520xf32> {kf.param = "w.scales"}) -> tensor<5x520xf32> {
  %y = kf.linear %x, %w, %b scales(%s : tensor<3x520xf32>) layout(in_out) : tensor<5x96xf32>, tensor<96x520xi8>, tensor<520xf32> -> tensor<5x520xf32>
  return %y : tensor<5x520xf32>
}
func.func @q8_in_out_eight_rows(%x: tensor<8x256xf32>, %w: tensor<256x96xi8> {kf.param = "w"}, %b: tensor<96xf32>,
                                %s: tensor<8x96xf16> {kf.param = "w.scales"}) -> tensor<8x96xf32> {
  %y = kf.linear %x, %w, %b scales(%s : tensor<8x96xf16>) layout(in_out) : tensor<8x256xf32>, tensor<256x96xi8>, tensor<96xf32> -> tensor<8x96xf32>
  return %y : tensor<8x96xf32>
}
func.func @q8_in_out_three_rows(%x: tensor<3x256xf32>, %w: tensor<256x96xi8> {kf.param = "w"}, %b: tensor<96xf32>,
                         %s: tensor<8x96xf16> {kf.param = "w.scales"}) -> tensor<3x96xf32> {
  %y = kf.linear %x, %w, %b scales(%s : tensor<8x96xf16>) layout(in_out) : tensor<3x256xf32>, tensor<256x96xi8>, tensor<96xf32> -> tensor<3x96xf32>
  return %y : tensor<3x96xf32>
}
func.func @q8_rows_k_blocks(%x: tensor<40x800xf32>, %w: tensor<800x64xi8> {kf.param = "w"},
                            %s: tensor<25x64xf16> {kf.param = "w.scales"}) -> tensor<40x64xf32> {
  %y = kf.linear %x, %w scales(%s : tensor<25x64xf16>) layout(in_out) : tensor<40x800xf32>, tensor<800x64xi8> -> tensor<40x64xf32>
  return %y : tensor<40x64xf32>
}
func.func @q8_embedding(%ids: tensor<1x5xi64>, %t: tensor<37x64xi8> {kf.param = "t"}, %wpe: tensor<9x64xf32>,
                        %s: tensor<37x2xf32> {kf.param = "t.scales"}) -> tensor<1x5x64xf32> {
  %y = kf.embedding %ids, %t scales(%s : tensor<37x2xf32>) positions(%wpe : tensor<9x64xf32>) : tensor<1x5xi64>, tensor<37x64xi8> -> tensor<1x5x64xf32>
  return %y : tensor<1x5x64xf32>
}
