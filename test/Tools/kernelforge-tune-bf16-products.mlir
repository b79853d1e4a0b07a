// REQUIRES: x86-avx512bf16
// Products that kf-cpu-pipeline's bf16-products multiplies in bf16 pairs
// are other code than with f32 panels: kernelforge-tune --bf16-products
// measures them so, under keys of their own (`;bf16-products`: the
// products of more than one row, i8 blocks included, not one row), and
// only a compile with the option uses those entries.
//
// RUN: rm -f %t.json
// RUN: kernelforge-tune %s --tuning-cache %t.json --max-candidates 2 --min-time 0.005 2>&1 | FileCheck %s --check-prefix=F32
// F32: 4 distinct contractions
// F32: 4 measured, 0 from the cache, 0 failed
// RUN: kernelforge-tune %s --bf16-products --tuning-cache %t.json --max-candidates 2 --min-time 0.005 2>&1 | FileCheck %s --check-prefix=PAIRS
// PAIRS: 4 distinct contractions
// PAIRS: 3 measured, 1 from the cache, 0 failed
// RUN: kernelforge-tune %s --bf16-products --tuning-cache %t.json 2>&1 | FileCheck %s --check-prefix=AGAIN
// AGAIN: 0 measured, 4 from the cache, 0 failed
// RUN: %python -c "import json,sys; [print(k.split('|', 3)[3]) for k in sorted(json.load(open(sys.argv[1]))['entries'])]" %t.json | FileCheck %s --check-prefix=KEYS
// KEYS: 1x128x256;{{.*}};f32,f32->f32{{$}}
// KEYS: 64x128x256;{{.*}};f32,bf16->f32{{$}}
// KEYS: 64x128x256;{{.*}};f32,bf16->f32;bf16-products{{$}}
// KEYS: 64x128x256;{{.*}};f32,f32->f32{{$}}
// KEYS: 64x128x256;{{.*}};f32,f32->f32;bf16-products{{$}}
// KEYS: 64x128x256;{{.*}};f32,i8/32*f16->f32{{$}}
// KEYS: 64x128x256;{{.*}};f32,i8/32*f16->f32;bf16-products{{$}}
//
// Planted schedules: 2 x 16 tiles for the f32 panels' entries, 4 x 32 for
// the pairs'. Each compile takes its own (the pairs' register tile is 4 rows
// of 32 columns by one pair), and the pairs' results are those of
// bf16-rounded operands (f32 products are 1e-2 away from them).
// RUN: %python -c "import json,sys; p=sys.argv[1]; d=json.load(open(p)); [e.update(register_tile=[4, 32] if k.endswith('bf16-products') else [2, 16], k_tile=64, thread_tile=16, pack_weights=True, columns_outer=False, ms=0.5, default_ms=1.0) for k, e in d['entries'].items()]; json.dump(d, open(p, 'w'))" %t.json
// RUN: kernelforge-opt %s --kf-cpu-pipeline="stop-after=vector tuning-cache=%t.json" | FileCheck %s --check-prefix=F32-APPLIED
// F32-APPLIED-LABEL: func.func @f32_weights
// F32-APPLIED: register_tile = array<i64: 2, 16>
// F32-APPLIED-LABEL: func.func @bf16_weights
// F32-APPLIED: register_tile = array<i64: 2, 16>
// RUN: kernelforge-opt %s --kf-cpu-pipeline="stop-after=vector bf16-products=1 tuning-cache=%t.json" | FileCheck %s --check-prefix=PAIRS-APPLIED
// PAIRS-APPLIED: used = {
// PAIRS-APPLIED-SAME: ;f32,bf16->f32;bf16-products" = "4x32 k64 t16 packed"
// PAIRS-APPLIED-SAME: ;f32,f32->f32;bf16-products" = "4x32 k64 t16 packed"
// PAIRS-APPLIED-SAME: ;f32,i8/32*f16->f32;bf16-products" = "4x32 k64 t16 packed"
// PAIRS-APPLIED-LABEL: func.func @f32_weights
// PAIRS-APPLIED: vector.contract {{.*}} : vector<4x1x2xf32>, vector<1x1x32x2xf32> into vector<4x1x32xf32>
// PAIRS-APPLIED: register_tile = array<i64: 4, 32>
// PAIRS-APPLIED-LABEL: func.func @bf16_weights
// PAIRS-APPLIED: vector.contract {{.*}} : vector<4x1x2xf32>, vector<1x1x32x2xf32> into vector<4x1x32xf32>
// PAIRS-APPLIED: register_tile = array<i64: 4, 32>
// PAIRS-APPLIED-LABEL: func.func @i8_blocks
// PAIRS-APPLIED: vector.contract {{.*}} : vector<4x1x2xf32>, vector<1x1x32x2xf32> into vector<4x1x32xf32>
// PAIRS-APPLIED: register_tile = array<i64: 4, 32>
// RUN: kernelforge-compile %s --pipeline-options="bf16-products=1 tuning-cache=%t.json" -o %t.so 2>&1 | FileCheck %s --check-prefix=SAYS
// SAYS: 4 of 4 contractions use measured schedules
// RUN: %check %t.so --entry f32_weights --expect "ref.linear(storage.round_bf16(x0), storage.round_bf16(x1))" --atol 1e-4
// RUN: %check %t.so --entry bf16_weights --expect "ref.linear(storage.round_bf16(x0), x1)" --atol 1e-4
// RUN: %check %t.so --entry i8_blocks --expect "ref.linear(storage.round_bf16(x0), storage.round_bf16(ref.dequantize(x1, p['w.scales'])))" --atol 1e-4
// RUN: %check %t.so --entry one_row --expect "ref.linear(x0, x1)" --atol 1e-4

func.func @f32_weights(%x: tensor<64x256xf32>, %w: tensor<256x128xf32>) -> tensor<64x128xf32> {
  %y = kf.linear %x, %w layout(in_out) : tensor<64x256xf32>, tensor<256x128xf32> -> tensor<64x128xf32>
  return %y : tensor<64x128xf32>
}
func.func @bf16_weights(%x: tensor<64x256xf32>, %w: tensor<256x128xbf16>) -> tensor<64x128xf32> {
  %y = kf.linear %x, %w layout(in_out) : tensor<64x256xf32>, tensor<256x128xbf16> -> tensor<64x128xf32>
  return %y : tensor<64x128xf32>
}
func.func @i8_blocks(%x: tensor<64x256xf32>, %w: tensor<256x128xi8> {kf.param = "w"},
                     %s: tensor<8x128xf16> {kf.param = "w.scales"}) -> tensor<64x128xf32> {
  %y = kf.linear %x, %w scales(%s : tensor<8x128xf16>) layout(in_out) : tensor<64x256xf32>, tensor<256x128xi8> -> tensor<64x128xf32>
  return %y : tensor<64x128xf32>
}
func.func @one_row(%x: tensor<1x256xf32>, %w: tensor<256x128xf32>) -> tensor<1x128xf32> {
  %y = kf.linear %x, %w layout(in_out) : tensor<1x256xf32>, tensor<256x128xf32> -> tensor<1x128xf32>
  return %y : tensor<1x128xf32>
}
