// RUN: kernelforge-opt %s --convert-attention-to-gpu | FileCheck %s

// Causal decode over a cache of 80 keys at position %pos: one launch of
// ceil(1/4) x heads x batch blocks of 32 x 4 threads, the keys walked in
// tiles of 32 only up to the last visible one, max and sum by xor shuffles,
// k/v tiles, the query rows and the probabilities in workgroup memory.
// CHECK-LABEL: func.func @decode
// CHECK-DAG:   %[[Q:.*]] = bufferization.to_buffer %arg0 read_only : tensor<1x2x1x16xf32> to memref<1x2x1x16xf32, strided<[?, ?, ?, ?], offset: ?>>
// CHECK-DAG:   %[[OUT:.*]] = memref.alloc() : memref<1x2x1x16xf32>
// CHECK:       gpu.launch blocks
// CHECK-SAME:    = %c2, %{{[a-z0-9_]+}} = %c1{{[_0-9]*}}) threads
// CHECK-SAME:    = %c32, %{{[a-z0-9_]+}} = %c4, %{{[a-z0-9_]+}} = %c1{{[_0-9]*}})
// CHECK-SAME:    workgroup(%{{[a-z0-9_]+}} : memref<32x17xf32, #gpu.address_space<workgroup>>, %{{[a-z0-9_]+}} : memref<32x16xf32, #gpu.address_space<workgroup>>, %{{[a-z0-9_]+}} : memref<4x16xf32, #gpu.address_space<workgroup>>, %{{[a-z0-9_]+}} : memref<4x32xf32, #gpu.address_space<workgroup>>)
// CHECK:         %[[LAST:.*]] = arith.addi {{.*}}, %arg3
// CHECK:         %[[END:.*]] = arith.minui {{.*}}, %c80
// CHECK:         scf.for %{{.*}} = %c0{{.*}} to %[[END]] step %c32{{.*}} iter_args(
// CHECK:           gpu.barrier
// CHECK-COUNT-5:   gpu.shuffle  xor {{.*}} : f32
// CHECK:           math.exp
// CHECK-COUNT-5:   gpu.shuffle  xor {{.*}} : f32
// CHECK:           gpu.barrier
// CHECK:           gpu.barrier
// CHECK:           scf.yield
// CHECK:         arith.divf
// CHECK:         memref.store {{.*}}, %[[OUT]]
// CHECK:       bufferization.to_tensor %[[OUT]] restrict writable
// CHECK-NOT:   kf.attention
func.func @decode(%q: tensor<1x2x1x16xf32>, %k: tensor<1x2x80x16xf32>, %v: tensor<1x2x80x16xf32>, %pos: index) -> tensor<1x2x1x16xf32> {
  %o = kf.attention %q, %k, %v causal offset(%pos) : tensor<1x2x1x16xf32>, tensor<1x2x80x16xf32>, tensor<1x2x80x16xf32> -> tensor<1x2x1x16xf32>
  return %o : tensor<1x2x1x16xf32>
}

// An explicit mask is left to the decomposed lowering.
// CHECK-LABEL: func.func @masked
// CHECK-NOT:   gpu.launch
// CHECK:       kf.attention
func.func @masked(%q: tensor<2x2x5x8xf32>, %k: tensor<2x2x35x8xf32>, %v: tensor<2x2x35x12xf32>, %m: tensor<1x1x5x35xf32>) -> tensor<2x2x5x12xf32> {
  %o = kf.attention %q, %k, %v mask(%m : tensor<1x1x5x35xf32>) : tensor<2x2x5x8xf32>, tensor<2x2x35x8xf32>, tensor<2x2x35x12xf32> -> tensor<2x2x5x12xf32>
  return %o : tensor<2x2x5x12xf32>
}

// Heads split from the fused QKV projection and merged back for the output
// projection: the kernel reads the query at [b, row, head * 16 + d] of the
// unsplit slice and writes [b, row, head * 16 + d] of a merged buffer, so
// neither kf.split_heads (for the query) nor kf.merge_heads is left to
// become a transposing copy.
// CHECK-LABEL: func.func @merged_heads
// CHECK-SAME:  (%[[QKV:.+]]: tensor<1x3x96xf32>,
// CHECK:       %[[SLICE:.+]] = tensor.extract_slice %[[QKV]][0, 0, 0] [1, 3, 32]
// CHECK-DAG:   %[[Q:.*]] = bufferization.to_buffer %[[SLICE]] read_only : tensor<1x3x32xf32>
// CHECK-DAG:   %[[OUT:.*]] = memref.alloc() : memref<1x3x32xf32>
// CHECK:       gpu.launch
// CHECK:         %[[HQ:.+]] = arith.muli %{{.+}}, %c16
// CHECK:         %[[DQ:.+]] = arith.addi %[[HQ]], %{{.+}}
// CHECK:         memref.load %[[Q]][%{{.+}}, %{{.+}}, %[[DQ]]]
// CHECK:         memref.store %{{.+}}, %[[OUT]][%{{.+}}, %{{.+}}, %{{.+}}] : memref<1x3x32xf32>
// CHECK:       %[[Y:.+]] = bufferization.to_tensor %[[OUT]] restrict writable : memref<1x3x32xf32> to tensor<1x3x32xf32>
// CHECK-NOT:   kf.merge_heads
// CHECK:       return %[[Y]]
func.func @merged_heads(%qkv: tensor<1x3x96xf32>, %k: tensor<1x2x3x16xf32>, %v: tensor<1x2x3x16xf32>) -> tensor<1x3x32xf32> {
  %slice = tensor.extract_slice %qkv[0, 0, 0] [1, 3, 32] [1, 1, 1] : tensor<1x3x96xf32> to tensor<1x3x32xf32>
  %q = kf.split_heads %slice {num_heads = 2 : i64} : tensor<1x3x32xf32> -> tensor<1x2x3x16xf32>
  %o = kf.attention %q, %k, %v causal : tensor<1x2x3x16xf32>, tensor<1x2x3x16xf32>, tensor<1x2x3x16xf32> -> tensor<1x2x3x16xf32>
  %y = kf.merge_heads %o : tensor<1x2x3x16xf32> -> tensor<1x3x32xf32>
  return %y : tensor<1x3x32xf32>
}

// Decode over a 1024-key cache with 12 heads: 12 blocks alone would leave a
// large GPU idle, so the keys are split into 8 ranges of 128 (96 blocks).
// Each block writes its range's unnormalised output, max and sum; a second
// kernel (a block per row and head, a thread per feature) rescales the
// ranges by exp(m_s - m) and divides by the combined sum.
// CHECK-LABEL: func.func @decode_split
// CHECK-DAG:   %[[ACC:.*]] = memref.alloc() : memref<8x1x12x1x64xf32>
// CHECK-DAG:   %[[MAX:.*]] = memref.alloc() : memref<8x1x12x1xf32>
// CHECK-DAG:   %[[SUM:.*]] = memref.alloc() : memref<8x1x12x1xf32>
// CHECK:       gpu.launch blocks({{.*}}) in (%{{.+}} = %c8, %{{.+}} = %c12, %{{.+}} = %c1{{[_0-9]*}})
// CHECK:         %[[SPLIT:.+]] = arith.remui %{{.+}}, %c8
// CHECK:         %[[BEGIN:.+]] = arith.muli %[[SPLIT]], %c128
// CHECK:         scf.for %{{.+}} = %[[BEGIN]] to %{{.+}} step %c32
// CHECK:         memref.store %{{.+}}, %[[MAX]]
// CHECK:         memref.store %{{.+}}, %[[SUM]]
// CHECK:         memref.store %{{.+}}, %[[ACC]]
// CHECK:       gpu.launch blocks({{.*}}) in (%{{.+}} = %c1{{[_0-9]*}}, %{{.+}} = %c12{{[_0-9]*}}, %{{.+}} = %c1{{[_0-9]*}}) threads({{.*}}) in (%{{.+}} = %c64
// CHECK-COUNT-8: math.exp
// CHECK:         arith.divf
func.func @decode_split(%q: tensor<1x12x1x64xf32>, %k: tensor<1x12x1024x64xf32>, %v: tensor<1x12x1024x64xf32>, %pos: index) -> tensor<1x12x1x64xf32> {
  %o = kf.attention %q, %k, %v causal offset(%pos) : tensor<1x12x1x64xf32>, tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32> -> tensor<1x12x1x64xf32>
  return %o : tensor<1x12x1x64xf32>
}

// A sliding window and a soft-cap stay in the fused kernel: each key range
// starts no earlier than the first key the block's first row sees
// (row + pos + 1 - 64), lanes hide keys older than the window, and scores
// are capped as 30 * tanh(s / 30) before the online softmax.
// CHECK-LABEL: func.func @windowed_split
// CHECK:       gpu.launch blocks({{.*}}) in (%{{.+}} = %c8
// CHECK:         %[[BEGIN:.+]] = arith.muli %{{.+}}, %c128
// CHECK:         %[[END:.+]] = arith.minui
// CHECK:         %[[ROWPOS:.+]] = arith.addi %{{.+}}, %{{.+}} : index
// CHECK:         %[[REACH:.+]] = arith.addi %[[ROWPOS]], %c1
// CHECK:         %[[PAST:.+]] = arith.cmpi ule, %c64{{[_0-9]*}}, %[[REACH]]
// CHECK:         %[[FIRST:.+]] = arith.subi %[[REACH]], %c64
// CHECK:         %[[CLAMPED:.+]] = arith.select %[[PAST]], %[[FIRST]], %c0
// CHECK:         %[[START:.+]] = arith.maxui %[[BEGIN]], %[[CLAMPED]]
// CHECK:         scf.for %{{.+}} = %[[START]] to %[[END]] step %c32
// CHECK:           arith.divf %{{.+}}, %[[CAP:.+]] : f32
// CHECK:           math.tanh
// CHECK:           arith.cmpi ult, %{{.+}}, %{{.+}} : index
// CHECK-NOT:   kf.attention
func.func @windowed_split(%q: tensor<1x12x1x64xf32>, %k: tensor<1x12x1024x64xf32>, %v: tensor<1x12x1024x64xf32>, %pos: index) -> tensor<1x12x1x64xf32> {
  %o = kf.attention %q, %k, %v causal offset(%pos) {window = 64 : i64, softcap = 3.000000e+01 : f64} : tensor<1x12x1x64xf32>, tensor<1x12x1024x64xf32>, tensor<1x12x1024x64xf32> -> tensor<1x12x1x64xf32>
  return %o : tensor<1x12x1x64xf32>
}
