// Scaled dot-product attention, fused (per batch, head and query block, an
// online softmax over key tiles; the default) and decomposed: causal prefill, an additive mask without causal,
// grouped-query attention, an explicit scale, and decode against a KV cache
// whose rows past the query offset hold garbage that must stay hidden.
// Key lengths 20 and 35 are not multiples of the key tile. Outputs are
// convex combinations of N(0,1) values; atol/rtol 1e-5.
// RUN: kernelforge-compile %s -o %t.fused.so
// RUN: kernelforge-compile %s -o %t.decomposed.so --pipeline-options="decompose-attention=1"
// RUN: %check %t.fused.so --entry causal --expect "ref.attention(x0, x1, x2, causal=True)"
// RUN: %check %t.decomposed.so --entry causal --expect "ref.attention(x0, x1, x2, causal=True)"
// RUN: %check %t.fused.so --entry masked --expect "ref.attention(x0, x1, x2, mask=x3)"
// RUN: %check %t.decomposed.so --entry masked --expect "ref.attention(x0, x1, x2, mask=x3)"
// RUN: %check %t.fused.so --entry grouped --expect "ref.attention(x0, x1, x2, causal=True, scale=0.3)"
// RUN: %check %t.decomposed.so --entry grouped --expect "ref.attention(x0, x1, x2, causal=True, scale=0.3)"
// RUN: %check %t.fused.so --entry decode --scalar 9 --expect "ref.attention(x0, x1, x2, causal=True, offset=9)"
// RUN: %check %t.decomposed.so --entry decode --scalar 9 --expect "ref.attention(x0, x1, x2, causal=True, offset=9)"
// RUN: %check %t.fused.so --entry causal_blocks --expect "ref.attention(x0, x1, x2, causal=True)"
// Prefill blocks of 64 queries over key tiles of 64, whose tiles are
// transposed (8 x 8 register tiles) before their scores: f32 (two blocks,
// the second seeing two tiles), and grouped queries over a bf16 cache.
// RUN: %check %t.fused.so --entry causal_wide --expect "ref.attention(x0, x1, x2, causal=True)"
// RUN: %check %t.fused.so --entry grouped_bf16_prefill --expect "ref.attention(x0, x1, x2, causal=True)"
// A sliding window (the fused loop starts at the tile holding a block's
// first visible key; partly visible tiles mask by index) and a logit
// soft-cap, prefill and decode.
// RUN: %check %t.fused.so --entry windowed --expect "ref.attention(x0, x1, x2, causal=True, window=7, softcap=2.0)"
// RUN: %check %t.decomposed.so --entry windowed --expect "ref.attention(x0, x1, x2, causal=True, window=7, softcap=2.0)"
// RUN: %check %t.fused.so --entry windowed_decode --scalar 70 --expect "ref.attention(x0, x1, x2, causal=True, offset=70, window=16)"
// RUN: %check %t.decomposed.so --entry windowed_decode --scalar 70 --expect "ref.attention(x0, x1, x2, causal=True, offset=70, window=16)"
// RUN: %check %t.fused.so --entry decode --scalar 0 --expect "ref.attention(x0, x1, x2, causal=True, offset=0)"
// RUN: %check %t.fused.so --entry decode_long --scalar 599 --expect "ref.attention(x0, x1, x2, causal=True, offset=599)"
// RUN: %check %t.fused.so --entry decode_long --scalar 200 --expect "ref.attention(x0, x1, x2, causal=True, offset=200)"
// RUN: %check %t.fused.so --entry windowed_long --scalar 599 --expect "ref.attention(x0, x1, x2, causal=True, offset=599, window=50, softcap=5.0)"
// RUN: %check %t.fused.so --entry windowed_long --scalar 30 --expect "ref.attention(x0, x1, x2, causal=True, offset=30, window=50, softcap=5.0)"
// A 16-bit KV cache under f32 queries: keys and values read as stored and
// widened in registers; the reference reads the same rounded values, so
// atol/rtol 1e-5 still holds. A decode step writes its f32 row into the
// cache first (rounded to nearest even, as storage.round_bf16 does).
// RUN: %check %t.fused.so --entry decode_bf16_cache --scalar 599 --expect "ref.attention(x0, x1, x2, causal=True, offset=599)"
// RUN: %check %t.decomposed.so --entry decode_bf16_cache --scalar 311 --expect "ref.attention(x0, x1, x2, causal=True, offset=311)"
// RUN: %check %t.fused.so --entry grouped_f16_cache --expect "ref.attention(x0, x1, x2, causal=True)"
// RUN: %check %t.decomposed.so --entry grouped_f16_cache --expect "ref.attention(x0, x1, x2, causal=True)"
// RUN: %check %t.fused.so --entry write_bf16_cache --scalar 37 --expect "ref.attention(x0, ref.kv_cache_update(storage.round_bf16(x1), x3, 37), ref.kv_cache_update(storage.round_bf16(x2), x4, 37), causal=True, offset=37)"
// RUN: %check %t.decomposed.so --entry write_bf16_cache --scalar 63 --expect "ref.attention(x0, ref.kv_cache_update(storage.round_bf16(x1), x3, 63), ref.kv_cache_update(storage.round_bf16(x2), x4, 63), causal=True, offset=63)"

func.func @causal(%q: tensor<1x4x20x16xf32>, %k: tensor<1x4x20x16xf32>, %v: tensor<1x4x20x16xf32>) -> tensor<1x4x20x16xf32> {
  %o = kf.attention %q, %k, %v causal : tensor<1x4x20x16xf32>, tensor<1x4x20x16xf32>, tensor<1x4x20x16xf32> -> tensor<1x4x20x16xf32>
  return %o : tensor<1x4x20x16xf32>
}
// Two query blocks of 50 and key tiles of 50: the first block's key loop
// stops after one tile, the second sees both.
func.func @causal_blocks(%q: tensor<1x2x100x16xf32>, %k: tensor<1x2x100x16xf32>, %v: tensor<1x2x100x16xf32>) -> tensor<1x2x100x16xf32> {
  %o = kf.attention %q, %k, %v causal : tensor<1x2x100x16xf32>, tensor<1x2x100x16xf32>, tensor<1x2x100x16xf32> -> tensor<1x2x100x16xf32>
  return %o : tensor<1x2x100x16xf32>
}
func.func @windowed(%q: tensor<1x4x100x16xf32>, %k: tensor<1x2x100x16xf32>, %v: tensor<1x2x100x16xf32>) -> tensor<1x4x100x16xf32> {
  %o = kf.attention %q, %k, %v causal {window = 7 : i64, softcap = 2.000000e+00 : f64} : tensor<1x4x100x16xf32>, tensor<1x2x100x16xf32>, tensor<1x2x100x16xf32> -> tensor<1x4x100x16xf32>
  return %o : tensor<1x4x100x16xf32>
}
func.func @windowed_decode(%q: tensor<1x2x1x16xf32>, %k: tensor<1x2x80x16xf32>, %v: tensor<1x2x80x16xf32>, %pos: index) -> tensor<1x2x1x16xf32> {
  %o = kf.attention %q, %k, %v causal offset(%pos) {window = 16 : i64} : tensor<1x2x1x16xf32>, tensor<1x2x80x16xf32>, tensor<1x2x80x16xf32> -> tensor<1x2x1x16xf32>
  return %o : tensor<1x2x1x16xf32>
}
func.func @masked(%q: tensor<2x2x5x8xf32>, %k: tensor<2x2x35x8xf32>, %v: tensor<2x2x35x12xf32>, %m: tensor<1x1x5x35xf32>) -> tensor<2x2x5x12xf32> {
  %o = kf.attention %q, %k, %v mask(%m : tensor<1x1x5x35xf32>) : tensor<2x2x5x8xf32>, tensor<2x2x35x8xf32>, tensor<2x2x35x12xf32> -> tensor<2x2x5x12xf32>
  return %o : tensor<2x2x5x12xf32>
}
func.func @grouped(%q: tensor<1x4x6x8xf32>, %k: tensor<1x2x6x8xf32>, %v: tensor<1x2x6x8xf32>) -> tensor<1x4x6x8xf32> {
  %o = kf.attention %q, %k, %v causal {scale = 3.000000e-01 : f64} : tensor<1x4x6x8xf32>, tensor<1x2x6x8xf32>, tensor<1x2x6x8xf32> -> tensor<1x4x6x8xf32>
  return %o : tensor<1x4x6x8xf32>
}
// A decode step over a long cache (on the GPU: its keys split over 4
// blocks per head, combined by a second kernel; at offset 200 the last two
// ranges see no key).
func.func @decode_long(%q: tensor<1x2x1x40xf32>, %k: tensor<1x2x600x40xf32>, %v: tensor<1x2x600x40xf32>, %pos: index) -> tensor<1x2x1x40xf32> {
  %o = kf.attention %q, %k, %v causal offset(%pos) : tensor<1x2x1x40xf32>, tensor<1x2x600x40xf32>, tensor<1x2x600x40xf32> -> tensor<1x2x1x40xf32>
  return %o : tensor<1x2x1x40xf32>
}

func.func @decode(%q: tensor<1x2x1x16xf32>, %k: tensor<1x2x80x16xf32>, %v: tensor<1x2x80x16xf32>, %pos: index) -> tensor<1x2x1x16xf32> {
  %o = kf.attention %q, %k, %v causal offset(%pos) : tensor<1x2x1x16xf32>, tensor<1x2x80x16xf32>, tensor<1x2x80x16xf32> -> tensor<1x2x1x16xf32>
  return %o : tensor<1x2x1x16xf32>
}

func.func @windowed_long(%q: tensor<1x2x1x40xf32>, %k: tensor<1x2x600x40xf32>, %v: tensor<1x2x600x40xf32>, %pos: index) -> tensor<1x2x1x40xf32> {
  %o = kf.attention %q, %k, %v causal offset(%pos) {window = 50 : i64, softcap = 5.000000e+00 : f64} : tensor<1x2x1x40xf32>, tensor<1x2x600x40xf32>, tensor<1x2x600x40xf32> -> tensor<1x2x1x40xf32>
  return %o : tensor<1x2x1x40xf32>
}
func.func @decode_bf16_cache(%q: tensor<1x2x1x40xf32>, %k: tensor<1x2x600x40xbf16>, %v: tensor<1x2x600x40xbf16>, %pos: index) -> tensor<1x2x1x40xf32> {
  %o = kf.attention %q, %k, %v causal offset(%pos) : tensor<1x2x1x40xf32>, tensor<1x2x600x40xbf16>, tensor<1x2x600x40xbf16> -> tensor<1x2x1x40xf32>
  return %o : tensor<1x2x1x40xf32>
}
func.func @grouped_f16_cache(%q: tensor<1x4x35x16xf32>, %k: tensor<1x2x35x16xf16>, %v: tensor<1x2x35x16xf16>) -> tensor<1x4x35x16xf32> {
  %o = kf.attention %q, %k, %v causal : tensor<1x4x35x16xf32>, tensor<1x2x35x16xf16>, tensor<1x2x35x16xf16> -> tensor<1x4x35x16xf32>
  return %o : tensor<1x4x35x16xf32>
}
func.func @write_bf16_cache(%q: tensor<1x2x1x40xf32>, %k: tensor<1x2x1x40xf32>, %v: tensor<1x2x1x40xf32>,
                            %kc: tensor<1x2x64x40xbf16>, %vc: tensor<1x2x64x40xbf16>, %pos: index) -> tensor<1x2x1x40xf32> {
  %kc2 = kf.kv_cache_update %k into %kc[%pos] : tensor<1x2x1x40xf32> into tensor<1x2x64x40xbf16>
  %vc2 = kf.kv_cache_update %v into %vc[%pos] : tensor<1x2x1x40xf32> into tensor<1x2x64x40xbf16>
  %o = kf.attention %q, %kc2, %vc2 causal offset(%pos) : tensor<1x2x1x40xf32>, tensor<1x2x64x40xbf16>, tensor<1x2x64x40xbf16> -> tensor<1x2x1x40xf32>
  return %o : tensor<1x2x1x40xf32>
}
func.func @causal_wide(%q: tensor<1x2x128x64xf32>, %k: tensor<1x2x128x64xf32>, %v: tensor<1x2x128x64xf32>) -> tensor<1x2x128x64xf32> {
  %o = kf.attention %q, %k, %v causal : tensor<1x2x128x64xf32>, tensor<1x2x128x64xf32>, tensor<1x2x128x64xf32> -> tensor<1x2x128x64xf32>
  return %o : tensor<1x2x128x64xf32>
}
func.func @grouped_bf16_prefill(%q: tensor<1x4x64x32xf32>, %k: tensor<1x2x64x32xbf16>, %v: tensor<1x2x64x32xbf16>) -> tensor<1x4x64x32xf32> {
  %o = kf.attention %q, %k, %v causal : tensor<1x4x64x32xf32>, tensor<1x2x64x32xbf16>, tensor<1x2x64x32xbf16> -> tensor<1x4x64x32xf32>
  return %o : tensor<1x4x64x32xf32>
}
