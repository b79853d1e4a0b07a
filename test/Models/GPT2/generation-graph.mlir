// The generation graph: @prefill (a 16-token bucket: one chunk of a prompt
// at a given position) and @decode around one block function each, reading
// and writing the caller's KV cache.
// RUN: kernelforge-gpt2-graph %kf_src_root/models/gpt2/configs/makemore-names.json --generation --seq 16 | FileCheck %s
// Bufferized, the cache is the caller's buffer throughout: the blocks take
// it by reference and write the new rows in place.
// RUN: kernelforge-gpt2-graph %kf_src_root/models/gpt2/configs/makemore-names.json --generation --seq 16 | kernelforge-opt --kf-cpu-pipeline="stop-after=bufferized" | FileCheck %s --check-prefix=BUF
// With a bf16 cache (--kv-dtype): the cache arguments are bf16, and decode
// rounds the new row's K and V straight into the cache's view.
// RUN: kernelforge-gpt2-graph %kf_src_root/models/gpt2/configs/makemore-names.json --generation --seq 16 --kv-dtype bf16 | FileCheck %s --check-prefix=KV16
// RUN: kernelforge-gpt2-graph %kf_src_root/models/gpt2/configs/makemore-names.json --generation --seq 16 --kv-dtype bf16 | kernelforge-opt --kf-cpu-pipeline="stop-after=bufferized" | FileCheck %s --check-prefix=KV16BUF
// RUN: not kernelforge-gpt2-graph %kf_src_root/models/gpt2/configs/makemore-names.json --generation --kv-dtype i8 2>&1 | FileCheck %s --check-prefix=BADKV
// A one-token bucket: prefill and decode call the same block.
// RUN: kernelforge-gpt2-graph %kf_src_root/models/gpt2/configs/makemore-names.json --generation --seq 1 | FileCheck %s --check-prefix=ONE
// ONE: func.func private @gpt2_block_s1(
// ONE-NOT: func.func private
// ONE: func.func @prefill({{.*}}tensor<1x1xi64> {kf.role = "token_ids"}, %{{.+}}: index {kf.role = "position"}, %{{.+}}: index {kf.role = "last_row"}
// ONE: call @gpt2_block_s1(
// ONE-NOT: func.func private
// ONE: func.func @decode(
// ONE: call @gpt2_block_s1(
// KV16: kf.kv_cache_update %{{.+}} into %{{.+}}[%{{.+}}] : tensor<2x4x16x16xf32> into tensor<2x4x16x16xbf16>
// KV16: kf.attention {{.*}} : tensor<1x4x16x16xf32>, tensor<1x4x16x16xbf16>, tensor<1x4x16x16xbf16> -> tensor<1x4x16x16xf32>
// KV16: func.func @prefill({{.*}}memref<4x2x4x16x16xbf16> {kf.role = "kv_cache"}
// KV16: func.func @decode({{.*}}memref<4x2x4x16x16xbf16> {kf.role = "kv_cache"}
// KV16BUF-LABEL: func.func private @gpt2_block_s1(
// KV16BUF-SAME: memref<4x2x4x16x16xbf16>
// KV16BUF-NOT: memref.alloc() {{.*}} : memref<{{[12]}}x4x16x16x{{.*}}>
// KV16BUF: arith.truncf %{{.+}} : vector<1x1x1x16xf32> to vector<1x1x1x16xbf16>
// KV16BUF-NEXT: vector.transfer_write %{{.+}}, %{{.+}} : vector<1x1x1x16xbf16>, memref<1x1x1x16xbf16, strided<[1024, 256, 16, 1], offset: ?>>
// KV16BUF-NOT: memref.alloc() {{.*}} : memref<{{[12]}}x4x16x16x{{.*}}>
// KV16BUF: return
// BADKV: error: --kv-dtype expects f32, bf16 or f16, got 'i8'

// CHECK-LABEL: func.func private @gpt2_block_s16(
// CHECK-SAME: %[[X:[a-z0-9]+]]: tensor<1x16x64xf32>, %[[CACHE:[a-z0-9]+]]: tensor<4x2x4x16x16xf32>, %[[LAYER:[a-z0-9]+]]: index, %[[POS:[a-z0-9]+]]: index
// CHECK-SAME: -> (tensor<1x16x64xf32>, tensor<4x2x4x16x16xf32>)
// CHECK: %[[KV:.+]] = tensor.concat dim(0) %{{.+}}, %{{.+}} : (tensor<1x4x16x16xf32>, tensor<1x4x16x16xf32>) -> tensor<2x4x16x16xf32>
// CHECK: %[[LAYERCACHE:.+]] = tensor.extract_slice %[[CACHE]][%[[LAYER]], 0, 0, 0, 0] [1, 2, 4, 16, 16] [1, 1, 1, 1, 1] : tensor<4x2x4x16x16xf32> to tensor<2x4x16x16xf32>
// CHECK: %[[UPDATED:.+]] = kf.kv_cache_update %[[KV]] into %[[LAYERCACHE]][%[[POS]]]
// CHECK: %[[KEYS:.+]] = tensor.extract_slice %[[UPDATED]][0, 0, 0, 0] [1, 4, 16, 16]
// CHECK: %[[VALUES:.+]] = tensor.extract_slice %[[UPDATED]][1, 0, 0, 0] [1, 4, 16, 16]
// CHECK: kf.attention %{{.+}}, %[[KEYS]], %[[VALUES]] causal offset(%[[POS]])
// CHECK: tensor.insert_slice %[[UPDATED]] into %[[CACHE]][%[[LAYER]], 0, 0, 0, 0]
// CHECK-LABEL: func.func @prefill(
// CHECK-SAME: %{{.+}}: tensor<1x16xi64> {kf.role = "token_ids"}, %[[START:[a-z0-9]+]]: index {kf.role = "position"}, %[[LAST:[a-z0-9]+]]: index {kf.role = "last_row"}, %[[MEMREF:[a-z0-9]+]]: memref<4x2x4x16x16xf32> {kf.role = "kv_cache"}, %{{.+}}: tensor<27x64xf32> {kf.param = "wte.weight"}
// CHECK-SAME: -> tensor<1x27xf32>
// CHECK: bufferization.to_tensor %[[MEMREF]] restrict writable
// A chunk of the prompt at its position: positions [START, START + 16).
// CHECK: kf.embedding {{.*}} offset(%[[START]])
// CHECK-COUNT-4: call @gpt2_block_s16(%{{.+}}, %{{.+}}, %{{.+}}, %[[START]],
// CHECK: bufferization.materialize_in_destination %{{.+}} in writable %[[MEMREF]]
// CHECK: tensor.extract_slice %{{.+}}[0, %[[LAST]], 0] [1, 1, 64]
// CHECK: kf.linear {{.*}} layout(out_in)
// CHECK-LABEL: func.func private @gpt2_block_s1(
// CHECK-LABEL: func.func @decode(
// CHECK-SAME: %{{.+}}: tensor<1x1xi64> {kf.role = "token_ids"}, %[[DPOS:[a-z0-9]+]]: index {kf.role = "position"}, %{{.+}}: memref<4x2x4x16x16xf32> {kf.role = "kv_cache"}
// CHECK: kf.embedding {{.*}} offset(%[[DPOS]])

// In decode, the only writes to the cache are the new row's K and V, into
// views of the cache (each head's transposed row, placed by
// kf-place-in-destinations); nothing cache-sized is allocated or copied.
// BUF-LABEL: func.func private @gpt2_block_s1(
// BUF-SAME: memref<4x2x4x16x16xf32>
// BUF-NOT: memref.alloc() {{.*}} : memref<{{[12]}}x4x16x16xf32>
// BUF: memref.copy %{{.+}}, %{{.+}} : memref<{{.+}}> to memref<{{1x4x1x16|1x1x1x16}}xf32, strided<[1024, 256, 16, 1], offset: ?>>
// BUF-NOT: memref.alloc() {{.*}} : memref<{{[12]}}x4x16x16xf32>
// BUF-NOT: memref.copy {{.*}}x4x16x16xf32
// BUF: return
// BUF-LABEL: func.func @decode(
// BUF-NOT: memref.copy {{.*}}memref<4x2x4x16x16xf32>
// BUF: call @gpt2_block_s1(%{{.+}}, %{{.+}}, %{{.+}}, %{{.+}},
// BUF-NOT: memref.copy {{.*}}memref<4x2x4x16x16xf32>
// BUF: return
