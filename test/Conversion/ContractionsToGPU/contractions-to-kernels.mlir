// RUN: kernelforge-opt %s --convert-contractions-to-gpu --split-input-file | FileCheck %s

#x = affine_map<(m, n, k) -> (m, k)>
#w = affine_map<(m, n, k) -> (k, n)>
#y = affine_map<(m, n, k) -> (m, n)>

// A linear layer at 1000 rows (Conv1D weights [in, out]): 64 x 64 output
// tiles (16 x 16 blocks of 16 x 16 threads), k-tiles of 16 staged in
// workgroup memory (rows padded to 65), a barrier after staging and after
// the accumulation. 1000 rows do not divide 64: row loads and stores are
// guarded; 1024 columns and 48 reductions divide their tiles, so those are
// not. The body is applied in k order to accumulators that start from the
// output (its bias).
// CHECK-LABEL: func.func @linear
// CHECK-SAME: (%[[X:.+]]: memref<1000x48xf32>, %[[W:.+]]: memref<48x1024xf32>, %[[Y:.+]]: memref<1000x1024xf32>)
// CHECK-NOT: linalg.generic
// CHECK: gpu.launch blocks(%[[BX:.+]], %[[BY:.+]], %{{.+}}) in (%{{.+}} = %c16, %{{.+}} = %c16, %{{.+}} = %c1) threads(%[[TX:.+]], %[[TY:.+]], %{{.+}}) in (%{{.+}} = %c16{{[_0-9]*}}, %{{.+}} = %c16{{[_0-9]*}}, %{{.+}} = %c1)
// CHECK-SAME: workgroup(%[[XS:.+]] : memref<16x65xf32, #gpu.address_space<workgroup>>, %[[WS:.+]] : memref<16x65xf32, #gpu.address_space<workgroup>>)
// CHECK-COUNT-16: memref.load %[[Y]]
// CHECK: %[[ACC:.+]]:16 = scf.for %[[K0:.+]] = %c0{{.*}} to %c48{{.*}} step %c16{{.*}} iter_args
// CHECK:   memref.load %[[X]]
// CHECK:   memref.store %{{.+}}, %[[XS]]
// CHECK:   memref.load %[[W]]
// CHECK:   memref.store %{{.+}}, %[[WS]]
// CHECK:   gpu.barrier
// CHECK:   scf.for %{{.+}} = %c0{{.*}} to %c16{{.*}} step %c1{{.*}} iter_args
// CHECK-COUNT-4: memref.load %[[XS]]
// CHECK-COUNT-4: memref.load %[[WS]]
// CHECK:     arith.mulf
// CHECK:     arith.addf
// CHECK:   gpu.barrier
// CHECK: scf.if
// CHECK:   memref.store %[[ACC]]#0, %[[Y]]
// CHECK: gpu.terminator
func.func @linear(%x: memref<1000x48xf32>, %w: memref<48x1024xf32>, %y: memref<1000x1024xf32>) {
  linalg.generic {indexing_maps = [#x, #w, #y], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : memref<1000x48xf32>, memref<48x1024xf32>) outs(%y : memref<1000x1024xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// At 100 rows x 128 columns, 64 x 64 tiles would make 4 blocks: tiles
// shrink, rows first (to 16), then columns (to 32), for 7 x 4 blocks, each
// thread holding 1 x 2 outputs.
#xs = affine_map<(m, n, k) -> (m, k)>
#ws = affine_map<(m, n, k) -> (k, n)>
#ys = affine_map<(m, n, k) -> (m, n)>
// CHECK-LABEL: func.func @small_linear
// CHECK: gpu.launch blocks({{.*}}) in (%{{.+}} = %c4, %{{.+}} = %c7, %{{.+}} = %c1)
// CHECK-SAME: workgroup(%{{.+}} : memref<16x17xf32, #gpu.address_space<workgroup>>, %{{.+}} : memref<16x33xf32, #gpu.address_space<workgroup>>)
// CHECK-COUNT-2: memref.load %arg2
// CHECK-NOT: memref.load %arg2
// CHECK: scf.for
func.func @small_linear(%x: memref<100x48xf32>, %w: memref<48x128xf32>, %y: memref<100x128xf32>) {
  linalg.generic {indexing_maps = [#xs, #ws, #ys], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : memref<100x48xf32>, memref<48x128xf32>) outs(%y : memref<100x128xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// QK^T per head (batch 2 x 3 heads on grid z, the batch and head recovered
// from the block id): 16 query rows give 16-row tiles (one output row per
// thread), and 6 blocks shrink the tiles to 32 columns; K is read along its
// contiguous head dimension.
#q = affine_map<(b, h, i, j, d) -> (b, h, i, d)>
#k = affine_map<(b, h, i, j, d) -> (b, h, j, d)>
#s = affine_map<(b, h, i, j, d) -> (b, h, i, j)>
// CHECK-LABEL: func.func @scores
// CHECK: gpu.launch blocks(%{{.+}}, %{{.+}}, %[[BZ:.+]]) in (%{{.+}} = %c1, %{{.+}} = %c1, %{{.+}} = %c6)
// CHECK-SAME: workgroup(%{{.+}} : memref<16x17xf32, #gpu.address_space<workgroup>>, %{{.+}} : memref<16x33xf32, #gpu.address_space<workgroup>>)
// CHECK-DAG: arith.remui %[[BZ]], %c3
// CHECK-DAG: arith.divui %[[BZ]], %c3
func.func @scores(%q: memref<2x3x16x64xf32>, %k: memref<2x3x16x64xf32>, %s: memref<2x3x16x16xf32>) {
  linalg.generic {indexing_maps = [#q, #k, #s], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]}
      ins(%q, %k : memref<2x3x16x64xf32>, memref<2x3x16x64xf32>) outs(%s : memref<2x3x16x16xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b : f32
    %r = arith.addf %acc, %p : f32
    linalg.yield %r : f32
  }
  return
}

// -----

// Decode, weights [in, out] (n contiguous): blocks of 256 threads, as many
// columns each as still give 256 blocks, between 8 and 32: 3072 columns
// give 8 per block (384 blocks; 32 would be 96) x 32 k-groups, a warp
// reading 4 rows x 8 columns (whole 32-byte sectors). Each thread sums
// k = group, group + 32, ... and group 0 adds the 32 partials from
// workgroup memory to the output.
#x1 = affine_map<(m, n, k) -> (m, k)>
#w1 = affine_map<(m, n, k) -> (k, n)>
#y1 = affine_map<(m, n, k) -> (m, n)>
// CHECK-LABEL: func.func @matvec_in_out
// CHECK-SAME: (%[[X:.+]]: memref<1x768xf32>, %[[W:.+]]: memref<768x3072xf32>, %[[Y:.+]]: memref<1x3072xf32>)
// CHECK: gpu.launch blocks(%{{.+}}, %{{.+}}, %{{.+}}) in (%{{.+}} = %c384, %{{.+}} = %c1, %{{.+}} = %c1) threads(%[[LANE:.+]], %[[GROUP:.+]], %{{.+}}) in (%{{.+}} = %c8, %{{.+}} = %c32, %{{.+}} = %c1)
// CHECK-SAME: workgroup(%[[PART:.+]] : memref<32x9xf32, #gpu.address_space<workgroup>>)
// CHECK: %[[SUM:.+]] = scf.for %[[K:.+]] = %[[GROUP]] to %c768{{.*}} step %c32{{.*}} iter_args
// CHECK:   memref.load %[[W]][%[[K]], %{{.+}}]
// CHECK: memref.store %[[SUM]], %[[PART]][%[[GROUP]], %[[LANE]]]
// CHECK: gpu.barrier
// CHECK: %[[FIRST:.+]] = arith.cmpi eq, %[[GROUP]], %c0
// CHECK: scf.if %[[FIRST]]
// CHECK-COUNT-32: memref.load %[[PART]]
// CHECK: memref.store %{{.+}}, %[[Y]]
// CHECK-NOT: gpu.shuffle
func.func @matvec_in_out(%x: memref<1x768xf32>, %w: memref<768x3072xf32>, %y: memref<1x3072xf32>) {
  linalg.generic {indexing_maps = [#x1, #w1, #y1], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : memref<1x768xf32>, memref<768x3072xf32>) outs(%y : memref<1x3072xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// Enough columns for 256 blocks of 32 (16384 / 32 = 512): a warp per k-group
// reads 32 contiguous columns, 8 k-groups.
#x2 = affine_map<(m, n, k) -> (m, k)>
#w2 = affine_map<(m, n, k) -> (k, n)>
#y2 = affine_map<(m, n, k) -> (m, n)>
// CHECK-LABEL: func.func @matvec_wide
// CHECK: gpu.launch blocks(%{{.+}}, %{{.+}}, %{{.+}}) in (%{{.+}} = %c512, %{{.+}} = %c1, %{{.+}} = %c1) threads(%{{.+}}, %{{.+}}, %{{.+}}) in (%{{.+}} = %c32, %{{.+}} = %c8, %{{.+}} = %c1)
// CHECK-SAME: workgroup(%{{.+}} : memref<8x33xf32, #gpu.address_space<workgroup>>)
func.func @matvec_wide(%x: memref<1x64xf32>, %w: memref<64x16384xf32>, %y: memref<1x16384xf32>) {
  linalg.generic {indexing_maps = [#x2, #w2, #y2], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : memref<1x64xf32>, memref<64x16384xf32>) outs(%y : memref<1x16384xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// Decode, tied head [vocab, embd] (k contiguous): a warp per output, 8 per
// block (50257 / 8 -> 6283 blocks, the last one guarded), lanes stride k by
// 32 and sum with xor shuffles; lane 0 stores.
#x2 = affine_map<(m, n, k) -> (m, k)>
#w2 = affine_map<(m, n, k) -> (n, k)>
#y2 = affine_map<(m, n, k) -> (m, n)>
// CHECK-LABEL: func.func @matvec_out_in
// CHECK: gpu.launch blocks(%{{.+}}, %{{.+}}, %{{.+}}) in (%{{.+}} = %c6283, %{{.+}} = %c1, %{{.+}} = %c1) threads(%[[LANE:.+]], %[[WARP:.+]], %{{.+}}) in (%{{.+}} = %c32, %{{.+}} = %c8, %{{.+}} = %c1)
// CHECK-NOT: workgroup
// CHECK: scf.for %{{.+}} = %[[LANE]] to %{{.+}} step %c32
// CHECK: gpu.shuffle  xor %{{.+}}, %c16
// CHECK: gpu.shuffle  xor %{{.+}}, %c8
// CHECK: gpu.shuffle  xor %{{.+}}, %c4
// CHECK: gpu.shuffle  xor %{{.+}}, %c2
// CHECK: gpu.shuffle  xor %{{.+}}, %c1
// CHECK: arith.cmpi eq, %[[LANE]], %c0
// CHECK-NOT: gpu.barrier
func.func @matvec_out_in(%x: memref<1x768xf32>, %w: memref<50257x768xf32>, %y: memref<1x50257xf32>) {
  linalg.generic {indexing_maps = [#x2, #w2, #y2], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : memref<1x768xf32>, memref<50257x768xf32>) outs(%y : memref<1x50257xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// Left alone: a one-row product whose body is not `out + f(in0, in1)` (the
// mat-vec kernels reorder the sum), a row reduction (one input), and a
// dynamic shape.
#a3 = affine_map<(m, n, k) -> (m, k)>
#b3 = affine_map<(m, n, k) -> (k, n)>
#c3 = affine_map<(m, n, k) -> (m, n)>
#r3 = affine_map<(m, k) -> (m, k)>
#o3 = affine_map<(m, k) -> (m)>
// CHECK-LABEL: func.func @left_alone
// CHECK-NOT: gpu.launch
// CHECK-COUNT-3: linalg.generic
func.func @left_alone(%x: memref<1x8xf32>, %w: memref<8x4xf32>, %y: memref<1x4xf32>,
                      %r: memref<4x8xf32>, %o: memref<4xf32>,
                      %dx: memref<?x8xf32>, %dy: memref<?x4xf32>) {
  linalg.generic {indexing_maps = [#a3, #b3, #c3], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : memref<1x8xf32>, memref<8x4xf32>) outs(%y : memref<1x4xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.maximumf %acc, %p : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#r3, #o3], iterator_types = ["parallel", "reduction"]}
      ins(%r : memref<4x8xf32>) outs(%o : memref<4xf32>) {
  ^bb0(%a: f32, %acc: f32):
    %s = arith.addf %acc, %a : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#a3, #b3, #c3], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%dx, %w : memref<?x8xf32>, memref<8x4xf32>) outs(%dy : memref<?x4xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}
