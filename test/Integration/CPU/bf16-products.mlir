// REQUIRES: x86-avx512bf16
// Prefill's products in bf16 pairs (kf-cpu-pipeline's bf16-products, on
// this AVX-512 BF16 host): both operands rounded to bf16, pairs multiplied
// by vdpbf16ps, sums in f32. The reference rounds both operands the same
// way (storage.round_bf16) and multiplies in float64, so what is left is
// f32 accumulation over 256-512 products: atol 1e-4 (the unrounded
// products differ by up to 1e-2 here, so a product left in f32 fails it).
// Products of 64 rows or more (8 register tiles; fewer keep f32 panels).
// Shapes: 64 rows, 69 rows (8 tiles and 5 rows split off inside each
// thread tile), 72 rows against [n, k], 131 columns (128 in pairs, and 3
// left over that a product of their own computes in f32: unrounded
// reference), f32 and bf16 weights, a bias.
// RUN: kernelforge-compile %s -o %t.so --pipeline-options="bf16-products=1"
// RUN: %check %t.so --entry f32_weights --expect "ref.linear(storage.round_bf16(x0), storage.round_bf16(x1), x2)" --atol 1e-4
// RUN: %check %t.so --entry bf16_weights --expect "ref.linear(storage.round_bf16(x0), x1)" --atol 1e-4
// RUN: %check %t.so --entry odd_rows --expect "ref.linear(storage.round_bf16(x0), storage.round_bf16(x1))" --atol 1e-4
// RUN: %check %t.so --entry columns_left --expect "np.concatenate([ref.linear(storage.round_bf16(x0), x1)[:, :128], ref.linear(x0, x1)[:, 128:]], axis=1)" --atol 1e-4
// Weights stored [n, k] (nn.Linear's layout, the tied head), transposed
// into the pair panels 8 x 8 pairs at a time.
// RUN: %check %t.so --entry f32_out_in --expect "ref.linear(storage.round_bf16(x0), storage.round_bf16(x1), layout='out_in')" --atol 1e-4
// RUN: %check %t.so --entry bf16_out_in --expect "ref.linear(storage.round_bf16(x0), x1, layout='out_in')" --atol 1e-4
// i8 blocks (kf.linear with scales): the pair panels are made from the
// blocks and scales, each weight q * scale rounded to bf16 ([k, n] with f16
// scales and a bias from 64 rows; [n, k] with f32 scales from 256 rows,
// where its transposing copy pays: 72 rows keep f32 panels).
// RUN: %check %t.so --entry i8_in_out --expect "ref.linear(storage.round_bf16(x0), storage.round_bf16(ref.dequantize(x1, p['w.scales'])), x2)" --atol 1e-4
// RUN: %check %t.so --entry i8_out_in --expect "ref.linear(storage.round_bf16(x0), storage.round_bf16(ref.dequantize(x1, p['w.scales'], 'out_in')), layout='out_in')" --atol 1e-4
// RUN: %check %t.so --entry i8_out_in_few --expect "ref.linear(x0, ref.dequantize(x1, p['w.scales'], 'out_in'), layout='out_in')" --atol 1e-4
// An odd reduction has no pairs: the product stays f32, exact to 1e-4
// against the unrounded reference.
// RUN: %check %t.so --entry odd_reduction --expect "ref.linear(x0, x1)" --atol 1e-4
// Fewer rows (32) keep f32 products, bf16-products or not.
// RUN: %check %t.so --entry few_rows --expect "ref.linear(x0, x1)" --atol 1e-4
// The same products without bf16-products: f32, against the unrounded
// reference (the rounded one is 1e-2 away).
// RUN: kernelforge-compile %s -o %t.f32.so
// RUN: %check %t.f32.so --entry f32_weights --expect "ref.linear(x0, x1, x2)" --atol 1e-4
// RUN: not %check %t.f32.so --entry f32_weights --expect "ref.linear(storage.round_bf16(x0), storage.round_bf16(x1), x2)" --atol 1e-4
// RUN: %check %t.f32.so --entry i8_in_out --expect "ref.linear(x0, ref.dequantize(x1, p['w.scales']), x2)" --atol 1e-4

func.func @f32_weights(%x: tensor<1x64x512xf32>, %w: tensor<512x256xf32>, %b: tensor<256xf32>) -> tensor<1x64x256xf32> {
  %y = kf.linear %x, %w, %b layout(in_out) : tensor<1x64x512xf32>, tensor<512x256xf32>, tensor<256xf32> -> tensor<1x64x256xf32>
  return %y : tensor<1x64x256xf32>
}
func.func @bf16_weights(%x: tensor<64x256xf32>, %w: tensor<256x128xbf16>) -> tensor<64x128xf32> {
  %y = kf.linear %x, %w layout(in_out) : tensor<64x256xf32>, tensor<256x128xbf16> -> tensor<64x128xf32>
  return %y : tensor<64x128xf32>
}
func.func @odd_rows(%x: tensor<69x256xf32>, %w: tensor<256x128xf32>) -> tensor<69x128xf32> {
  %y = kf.linear %x, %w layout(in_out) : tensor<69x256xf32>, tensor<256x128xf32> -> tensor<69x128xf32>
  return %y : tensor<69x128xf32>
}
func.func @columns_left(%x: tensor<64x256xf32>, %w: tensor<256x131xbf16>) -> tensor<64x131xf32> {
  %y = kf.linear %x, %w layout(in_out) : tensor<64x256xf32>, tensor<256x131xbf16> -> tensor<64x131xf32>
  return %y : tensor<64x131xf32>
}
func.func @odd_reduction(%x: tensor<64x255xf32>, %w: tensor<255x128xf32>) -> tensor<64x128xf32> {
  %y = kf.linear %x, %w layout(in_out) : tensor<64x255xf32>, tensor<255x128xf32> -> tensor<64x128xf32>
  return %y : tensor<64x128xf32>
}
func.func @f32_out_in(%x: tensor<64x256xf32>, %w: tensor<128x256xf32>) -> tensor<64x128xf32> {
  %y = kf.linear %x, %w layout(out_in) : tensor<64x256xf32>, tensor<128x256xf32> -> tensor<64x128xf32>
  return %y : tensor<64x128xf32>
}
func.func @bf16_out_in(%x: tensor<1x72x512xf32>, %w: tensor<256x512xbf16>) -> tensor<1x72x256xf32> {
  %y = kf.linear %x, %w layout(out_in) : tensor<1x72x512xf32>, tensor<256x512xbf16> -> tensor<1x72x256xf32>
  return %y : tensor<1x72x256xf32>
}
func.func @few_rows(%x: tensor<32x256xf32>, %w: tensor<256x128xf32>) -> tensor<32x128xf32> {
  %y = kf.linear %x, %w layout(in_out) : tensor<32x256xf32>, tensor<256x128xf32> -> tensor<32x128xf32>
  return %y : tensor<32x128xf32>
}
func.func @i8_in_out(%x: tensor<96x256xf32>, %w: tensor<256x128xi8> {kf.param = "w"}, %b: tensor<128xf32>,
                     %s: tensor<8x128xf16> {kf.param = "w.scales"}) -> tensor<96x128xf32> {
  %y = kf.linear %x, %w, %b scales(%s : tensor<8x128xf16>) layout(in_out) : tensor<96x256xf32>, tensor<256x128xi8>, tensor<128xf32> -> tensor<96x128xf32>
  return %y : tensor<96x128xf32>
}
func.func @i8_out_in(%x: tensor<1x256x512xf32>, %w: tensor<256x512xi8> {kf.param = "w"},
                     %s: tensor<256x16xf32> {kf.param = "w.scales"}) -> tensor<1x256x256xf32> {
  %y = kf.linear %x, %w scales(%s : tensor<256x16xf32>) layout(out_in) : tensor<1x256x512xf32>, tensor<256x512xi8> -> tensor<1x256x256xf32>
  return %y : tensor<1x256x256xf32>
}
func.func @i8_out_in_few(%x: tensor<1x72x512xf32>, %w: tensor<256x512xi8> {kf.param = "w"},
                         %s: tensor<256x16xf32> {kf.param = "w.scales"}) -> tensor<1x72x256xf32> {
  %y = kf.linear %x, %w scales(%s : tensor<256x16xf32>) layout(out_in) : tensor<1x72x512xf32>, tensor<256x512xi8> -> tensor<1x72x256xf32>
  return %y : tensor<1x72x256xf32>
}
