// kernelforge-tune keys a product by how its weight is stored: the same
// shape with f32 weights and with i8 blocks (kf.linear with scales, the
// runners' --dtype int8) are two problems, each measured as the model
// compiles it (the i8 one packs its panels from the blocks and scales), and
// an entry of one is never applied to the other.
//
// RUN: rm -f %t.json
// RUN: kernelforge-tune %s --tuning-cache %t.json --max-candidates 2 --min-time 0.005 2>&1 | FileCheck %s --check-prefix=TUNE
// TUNE: 3 distinct contractions
// TUNE: [1/3] contraction 64x128x256 (4.2 MFLOP, 1 use)
// TUNE: [2/3] contraction 64x128x256 (4.2 MFLOP, 2 uses)
// TUNE: [3/3] contraction 64x128x256 (4.2 MFLOP, 1 use)
// TUNE: 3 measured, 0 from the cache, 0 failed
//
// Weights packed whatever the schedule (i8 blocks) get no candidates of
// the other layout or prefetch distances (the same code again).
// RUN: kernelforge-tune %s --dry-run --tuning-cache %t.dry.json 2>&1 | FileCheck %s --check-prefix=DRY
// DRY-LABEL: [2/3] contraction
// DRY: packed score
// DRY-NOT: {{t[0-9]+ +score|pf[0-9]+}}
// DRY-LABEL: [3/3] contraction
// DRY: packed score
// DRY-NOT: {{t[0-9]+ +score|pf[0-9]+}}
// DRY: 0 measured
//
// The keys: f32 weights, i8 blocks of 32 with f16 scales ([k, n] and, with
// f32 scales, [n, k]).
// RUN: %python -c "import json,sys; [print(k.split('|', 3)[3]) for k in sorted(json.load(open(sys.argv[1]))['entries'])]" %t.json | FileCheck %s --check-prefix=KEYS
// KEYS: 64x128x256;(d0, d1, d2) -> (d0, d2),(d0, d1, d2) -> (d1, d2),(d0, d1, d2) -> (d0, d1);f32,i8/32*f32->f32
// KEYS: 64x128x256;(d0, d1, d2) -> (d0, d2),(d0, d1, d2) -> (d2, d1),(d0, d1, d2) -> (d0, d1);f32,f32->f32
// KEYS: 64x128x256;(d0, d1, d2) -> (d0, d2),(d0, d1, d2) -> (d2, d1),(d0, d1, d2) -> (d0, d1);f32,i8/32*f16->f32
//
// A planted schedule (2 x 16 tiles, k 32) for the [k, n] i8 blocks only:
// the two i8 products get it, the f32 one keeps the default, and the
// results are right.
// RUN: %python -c "import json,sys; p=sys.argv[1]; d=json.load(open(p)); [e.update(register_tile=[2,16], k_tile=32, thread_tile=8, pack_weights=True, columns_outer=False, ms=0.5, default_ms=1.0) for k, e in d['entries'].items() if k.endswith('(d2, d1),(d0, d1, d2) -> (d0, d1);f32,i8/32*f16->f32')]; json.dump(d, open(p, 'w'))" %t.json
// RUN: kernelforge-opt %s --kf-cpu-pipeline="stop-after=vector tuning-cache=%t.json" | FileCheck %s --check-prefix=APPLIED
// APPLIED: kf.tuning = {applied = 4 : i64, {{.*}}contractions = 4 : i64, used = {
// APPLIED-SAME: ;f32,f32->f32" = "target default"
// APPLIED-SAME: ;f32,i8/32*f16->f32" = "2x16 k32 t8 packed"
// APPLIED-LABEL: func.func @f32_weights
// APPLIED-NOT: register_tile = array<i64: 2, 16>
// APPLIED-LABEL: func.func @i8_blocks
// APPLIED: register_tile = array<i64: 2, 16>
// APPLIED-LABEL: func.func @i8_blocks_bias
// APPLIED: register_tile = array<i64: 2, 16>
// RUN: kernelforge-compile %s --pipeline-options="tuning-cache=%t.json" -o %t.so 2>&1 | FileCheck %s --check-prefix=SAYS
// SAYS: 4 of 4 contractions use measured schedules
// RUN: %check %t.so --entry f32_weights --expect "ref.linear(x0, x1)" --atol 1e-3
// RUN: %check %t.so --entry i8_blocks --expect "ref.linear(x0, ref.dequantize(x1, p['w.scales']))" --atol 1e-3
// RUN: %check %t.so --entry i8_blocks_bias --expect "ref.linear(x0, ref.dequantize(x1, p['w.scales']), x2)" --atol 1e-3
// RUN: %check %t.so --entry i8_out_in --expect "ref.linear(x0, ref.dequantize(x1, p['w.scales'], 'out_in'), layout='out_in')" --atol 1e-3

func.func @f32_weights(%x: tensor<64x256xf32>, %w: tensor<256x128xf32>) -> tensor<64x128xf32> {
  %y = kf.linear %x, %w layout(in_out) : tensor<64x256xf32>, tensor<256x128xf32> -> tensor<64x128xf32>
  return %y : tensor<64x128xf32>
}
func.func @i8_blocks(%x: tensor<64x256xf32>, %w: tensor<256x128xi8> {kf.param = "w"},
                     %s: tensor<8x128xf16> {kf.param = "w.scales"}) -> tensor<64x128xf32> {
  %y = kf.linear %x, %w scales(%s : tensor<8x128xf16>) layout(in_out) : tensor<64x256xf32>, tensor<256x128xi8> -> tensor<64x128xf32>
  return %y : tensor<64x128xf32>
}
// The same problem (a bias is the product's init, not an operand of its own).
func.func @i8_blocks_bias(%x: tensor<64x256xf32>, %w: tensor<256x128xi8> {kf.param = "w"}, %b: tensor<128xf32>,
                          %s: tensor<8x128xf16> {kf.param = "w.scales"}) -> tensor<64x128xf32> {
  %y = kf.linear %x, %w, %b scales(%s : tensor<8x128xf16>) layout(in_out) : tensor<64x256xf32>, tensor<256x128xi8>, tensor<128xf32> -> tensor<64x128xf32>
  return %y : tensor<64x128xf32>
}
func.func @i8_out_in(%x: tensor<64x256xf32>, %w: tensor<128x256xi8> {kf.param = "w"},
                     %s: tensor<128x8xf32> {kf.param = "w.scales"}) -> tensor<64x128xf32> {
  %y = kf.linear %x, %w scales(%s : tensor<128x8xf32>) layout(out_in) : tensor<64x256xf32>, tensor<128x256xi8> -> tensor<64x128xf32>
  return %y : tensor<64x128xf32>
}
