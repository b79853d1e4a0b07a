// Tile sizes come from the module's kf.schedule (what kf-cpu-target derived
// for the target), or from an op's own kf.schedule (a tuned choice); the
// outermost loop of a contraction records what it got.
// RUN: kernelforge-opt %s --split-input-file --pass-pipeline="builtin.module(func.func(kf-tile-and-vectorize))" | FileCheck %s

// An AVX2 schedule: 6 x 16 register tiles on 8-float vectors, k tiles of
// 128; 48 rows give 4 thread blocks of 12 rows.
// CHECK-LABEL: func.func @avx2
// CHECK: scf.forall (%{{.+}}, %{{.+}}) = (0, 0) to (48, 64) step (12, 64)
// CHECK: scf.for %{{.+}} = %{{.+}} to %{{.+}} step %{{.+}} iter_args
// CHECK: vector.contract {{.*}} : vector<6x1xf32>, vector<1x16xf32> into vector<6x16xf32>
// CHECK: } {kf.parallel = "rows", kf.schedule = {k_tile = 128 : i64, register_tile = array<i64: 6, 16>, thread_tiles = array<i64: 12, 64, 0>}}
module attributes {kf.schedule = {vector_width = 8 : i64, register_tile = array<i64: 6, 16>, k_tile = 128 : i64, thread_tile = 64 : i64, min_parallel_blocks = 4 : i64}} {
  func.func @avx2(%a: tensor<48x256xf32>, %b: tensor<256x64xf32>, %c: tensor<48x64xf32>) -> tensor<48x64xf32> {
    %r = linalg.matmul ins(%a, %b : tensor<48x256xf32>, tensor<256x64xf32>) outs(%c : tensor<48x64xf32>) -> tensor<48x64xf32>
    return %r : tensor<48x64xf32>
  }
}

// -----

// An op's own schedule (kf-apply-tuning puts it there) wins over the
// module's.
// CHECK-LABEL: func.func @tuned
// CHECK: vector.contract {{.*}} : vector<4x1xf32>, vector<1x8xf32> into vector<4x8xf32>
// CHECK: kf.schedule = {k_tile = 64 : i64, register_tile = array<i64: 4, 8>
module attributes {kf.schedule = {vector_width = 8 : i64, register_tile = array<i64: 6, 16>, k_tile = 128 : i64, thread_tile = 64 : i64, min_parallel_blocks = 4 : i64}} {
  func.func @tuned(%a: tensor<48x256xf32>, %b: tensor<256x64xf32>, %c: tensor<48x64xf32>) -> tensor<48x64xf32> {
    %r = linalg.matmul {kf.schedule = {register_tile = array<i64: 4, 8>, k_tile = 64 : i64, thread_tile = 16 : i64}} ins(%a, %b : tensor<48x256xf32>, tensor<256x64xf32>) outs(%c : tensor<48x64xf32>) -> tensor<48x64xf32>
    return %r : tensor<48x64xf32>
  }
}

// -----

// A tuned register tile of three vectors (a hand-edited cache) is ignored:
// the module's 6 x 16 stays, the entry's k tile is used.
// CHECK-LABEL: func.func @tuned_three_vectors
// CHECK: vector.contract {{.*}} : vector<6x1xf32>, vector<1x16xf32> into vector<6x16xf32>
// CHECK: kf.schedule = {k_tile = 64 : i64, register_tile = array<i64: 6, 16>
module attributes {kf.schedule = {vector_width = 8 : i64, register_tile = array<i64: 6, 16>, k_tile = 128 : i64, thread_tile = 64 : i64, min_parallel_blocks = 4 : i64}} {
  func.func @tuned_three_vectors(%a: tensor<48x256xf32>, %b: tensor<256x64xf32>, %c: tensor<48x64xf32>) -> tensor<48x64xf32> {
    %r = linalg.matmul {kf.schedule = {register_tile = array<i64: 4, 24>, k_tile = 64 : i64, thread_tile = 64 : i64}} ins(%a, %b : tensor<48x256xf32>, tensor<256x64xf32>) outs(%c : tensor<48x64xf32>) -> tensor<48x64xf32>
    return %r : tensor<48x64xf32>
  }
}

// -----

// A tuned prefetch distance (kernelforge-tune's pf candidates) becomes the
// register tile loops' own kf.prefetch steps, which kf-prefetch-strided-
// reads uses instead of its option; 0 leaves the weights to the hardware.
// The op records it.
// CHECK-LABEL: func.func @tuned_prefetch
// CHECK: vector.contract {{.*}} into vector<6x16xf32>
// CHECK: } {kf.prefetch = 32 : i64}
// CHECK: kf.schedule = {k_tile = 128 : i64, prefetch_distance = 32 : i64, register_tile = array<i64: 6, 16>
// CHECK: vector.contract {{.*}} into vector<6x16xf32>
// CHECK-NOT: kf.prefetch
// CHECK: kf.schedule = {k_tile = 128 : i64, prefetch_distance = 0 : i64, register_tile = array<i64: 6, 16>
module attributes {kf.schedule = {vector_width = 8 : i64, register_tile = array<i64: 6, 16>, k_tile = 128 : i64, thread_tile = 64 : i64, min_parallel_blocks = 4 : i64}} {
  func.func @tuned_prefetch(%a: tensor<48x256xf32>, %b: tensor<256x64xf32>, %c: tensor<48x64xf32>) -> (tensor<48x64xf32>, tensor<48x64xf32>) {
    %r = linalg.matmul {kf.schedule = {register_tile = array<i64: 6, 16>, k_tile = 128 : i64, thread_tile = 64 : i64, prefetch_distance = 32 : i64}} ins(%a, %b : tensor<48x256xf32>, tensor<256x64xf32>) outs(%c : tensor<48x64xf32>) -> tensor<48x64xf32>
    %r2 = linalg.matmul {kf.schedule = {register_tile = array<i64: 6, 16>, k_tile = 128 : i64, thread_tile = 64 : i64, prefetch_distance = 0 : i64}} ins(%a, %b : tensor<48x256xf32>, tensor<256x64xf32>) outs(%c : tensor<48x64xf32>) -> tensor<48x64xf32>
    return %r, %r2 : tensor<48x64xf32>, tensor<48x64xf32>
  }
}

// -----

// A tuned register tile that does not fit the vector width is ignored.
// CHECK-LABEL: func.func @mismatched
// CHECK: vector.contract {{.*}} into vector<6x16xf32>
module attributes {kf.schedule = {vector_width = 8 : i64, register_tile = array<i64: 6, 16>, k_tile = 128 : i64, thread_tile = 64 : i64, min_parallel_blocks = 4 : i64}} {
  func.func @mismatched(%a: tensor<48x256xf32>, %b: tensor<256x64xf32>, %c: tensor<48x64xf32>) -> tensor<48x64xf32> {
    %r = linalg.matmul {kf.schedule = {register_tile = array<i64: 4, 12>, k_tile = 64 : i64, thread_tile = 16 : i64}} ins(%a, %b : tensor<48x256xf32>, tensor<256x64xf32>) outs(%c : tensor<48x64xf32>) -> tensor<48x64xf32>
    return %r : tensor<48x64xf32>
  }
}

// -----

// Weight panels (pack_weights): each thread's k-tile of weights is copied
// into [n / 16, k, 16] panels, a weight row's 4 runs at a time, and the
// product reads them through a [rows, n / 16, 16] view of its output. Its
// register loops, in the k tile's loop, are not marked for prefetching: the
// panels were just written. The copy's loops are (kf.prefetch_next_k_tile,
// the weight's k being its dimension 0): each run copied prefetches the
// next k tile's.
// CHECK-LABEL: func.func @packed(
// CHECK: scf.forall
// CHECK: tensor.expand_shape %{{.+}} {{\[}}[0], [1, 2]] output_shape [128, 4, 16] : tensor<128x64xf32> into tensor<128x4x16xf32>
// CHECK: scf.for %[[K:.+]] = %c0 to %c128 step %c1
// CHECK: scf.for %[[P:.+]] = %c0 to %c4 step %c1
// CHECK: vector.transfer_read %{{.+}}[%[[K]], %[[P]], %c0]
// CHECK: vector.transfer_write %{{.+}}, %{{.+}}[%[[P]], %[[K]], %c0] {{.*}} : vector<1x1x16xf32>, tensor<4x128x16xf32>
// CHECK: } {kf.prefetch_next_k_tile = 0 : i64}
// CHECK: } {kf.prefetch_next_k_tile = 0 : i64}
// CHECK: vector.transfer_read %{{.+}} : tensor<4x128x16xf32>, vector<1x1x16xf32>
// CHECK: vector.contract {{.*}} : vector<6x1xf32>, vector<1x1x16xf32> into vector<6x1x16xf32>
// CHECK-NOT: kf.prefetch
// CHECK: tensor.collapse_shape %{{.+}} {{\[}}[0], [1, 2]] : tensor<12x4x16xf32> into tensor<12x64xf32>
// CHECK: kf.schedule = {k_tile = 128 : i64, packed_panels = 16 : i64, register_tile = array<i64: 6, 16>
module attributes {kf.schedule = {vector_width = 8 : i64, register_tile = array<i64: 6, 16>, k_tile = 128 : i64, thread_tile = 64 : i64, min_parallel_blocks = 4 : i64, pack_weights = true}} {
  func.func @packed(%a: tensor<48x256xf32>, %b: tensor<256x64xf32>, %c: tensor<48x64xf32>) -> tensor<48x64xf32> {
    %r = linalg.matmul ins(%a, %b : tensor<48x256xf32>, tensor<256x64xf32>) outs(%c : tensor<48x64xf32>) -> tensor<48x64xf32>
    return %r : tensor<48x64xf32>
  }
}

// -----

// pack_min_rows (AVX-512's derived schedule asks for 128): a product with
// fewer rows reads its weights in place, one with as many packs them.
// CHECK-LABEL: func.func @pack_from_rows
// CHECK: scf.forall (%{{.+}}, %{{.+}}) = (0, 0) to (48, 64)
// CHECK: vector.contract {{.*}} : vector<6x1xf32>, vector<1x16xf32> into vector<6x16xf32>
// CHECK: } {kf.prefetch}
// CHECK: kf.schedule = {k_tile = 128 : i64, register_tile = array<i64: 6, 16>
// CHECK: scf.forall (%{{.+}}, %{{.+}}) = (0, 0) to (96, 64)
// CHECK: tensor.empty() : tensor<4x128x16xf32>
// CHECK: vector.contract {{.*}} : vector<6x1xf32>, vector<1x1x16xf32> into vector<6x1x16xf32>
// CHECK: kf.schedule = {k_tile = 128 : i64, packed_panels = 16 : i64, register_tile = array<i64: 6, 16>
module attributes {kf.schedule = {vector_width = 8 : i64, register_tile = array<i64: 6, 16>, k_tile = 128 : i64, thread_tile = 96 : i64, min_parallel_blocks = 4 : i64, pack_weights = true, pack_min_rows = 96}} {
  func.func @pack_from_rows(%a: tensor<48x256xf32>, %a2: tensor<96x256xf32>, %b: tensor<256x64xf32>, %c: tensor<48x64xf32>, %c2: tensor<96x64xf32>) -> (tensor<48x64xf32>, tensor<96x64xf32>) {
    %r = linalg.matmul ins(%a, %b : tensor<48x256xf32>, tensor<256x64xf32>) outs(%c : tensor<48x64xf32>) -> tensor<48x64xf32>
    %r2 = linalg.matmul ins(%a2, %b : tensor<96x256xf32>, tensor<256x64xf32>) outs(%c2 : tensor<96x64xf32>) -> tensor<96x64xf32>
    return %r, %r2 : tensor<48x64xf32>, tensor<96x64xf32>
  }
}

// -----

// Rows the register tile leaves over (52 = 8 x 6 + 4) in a packed product
// are split off inside the thread tile, where a 4-row tile reads the same
// panels: one parallel loop, the weights copied once.
// CHECK-LABEL: func.func @packed_leftover_rows
// CHECK: scf.forall (%{{.+}}, %{{.+}}) = (0, 0) to (52, 128) step (52, 64)
// CHECK-NOT: scf.forall (
// CHECK: tensor.empty() : tensor<4x128x16xf32>
// CHECK: vector.contract {{.*}} : vector<6x1xf32>, vector<1x1x16xf32> into vector<6x1x16xf32>
// CHECK: vector.contract {{.*}} : vector<4x1xf32>, vector<1x1x16xf32> into vector<4x1x16xf32>
// CHECK-NOT: scf.forall (
// CHECK: return
module attributes {kf.schedule = {vector_width = 8 : i64, register_tile = array<i64: 6, 16>, k_tile = 128 : i64, thread_tile = 64 : i64, min_parallel_blocks = 2 : i64, pack_weights = true}} {
  func.func @packed_leftover_rows(%a: tensor<52x256xf32>, %b: tensor<256x128xf32>, %c: tensor<52x128xf32>) -> tensor<52x128xf32> {
    %r = linalg.matmul ins(%a, %b : tensor<52x256xf32>, tensor<256x128xf32>) outs(%c : tensor<52x128xf32>) -> tensor<52x128xf32>
    return %r : tensor<52x128xf32>
  }
}

// -----

// A weight stored [n, k] (the tied head's) is packed even where the schedule
// does not pack: unpacked, the register tile would gather its 16 columns
// from 16 weight rows at every k step. The copy reads B viewed as
// [n / 16, 16, k] in 8 x 8 tiles (8 rows of 8 along k, the k loop
// innermost), transposes each in registers and writes 8 panel rows of 8;
// its loops prefetch the next k tile along the weight's dimension 1.
// CHECK-LABEL: func.func @packed_out_in
// CHECK: scf.forall
// CHECK: tensor.expand_shape %{{.+}} {{\[}}[0, 1], [2]] output_shape [4, 16, 128] : tensor<64x128xf32> into tensor<4x16x128xf32>
// CHECK: scf.for %{{.+}} = %c0 to %c16 step %c8
// CHECK-NEXT: scf.for %{{.+}} = %c0 to %c128 step %c8
// CHECK-NEXT: vector.transfer_read %{{.+}} : tensor<4x16x128xf32>, vector<1x8x8xf32>
// CHECK-NEXT: vector.transpose %{{.+}}, [0, 2, 1] : vector<1x8x8xf32> to vector<1x8x8xf32>
// CHECK-NEXT: vector.transfer_write %{{.+}} : vector<1x8x8xf32>, tensor<4x128x16xf32>
// CHECK: } {kf.prefetch_next_k_tile = 1 : i64}
// CHECK: vector.transfer_read %{{.+}} : tensor<4x128x16xf32>, vector<1x1x16xf32>
// CHECK: vector.contract {{.*}} : vector<6x1xf32>, vector<1x1x16xf32> into vector<6x1x16xf32>
// CHECK: kf.schedule = {k_tile = 128 : i64, packed_panels = 16 : i64, register_tile = array<i64: 6, 16>
module attributes {kf.schedule = {vector_width = 8 : i64, register_tile = array<i64: 6, 16>, k_tile = 128 : i64, thread_tile = 64 : i64, min_parallel_blocks = 4 : i64, pack_weights = false}} {
  func.func @packed_out_in(%a: tensor<48x256xf32>, %b: tensor<64x256xf32>, %c: tensor<48x64xf32>) -> tensor<48x64xf32> {
    %r = linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%a, %b : tensor<48x256xf32>, tensor<64x256xf32>) outs(%c : tensor<48x64xf32>) {
    ^bb0(%x: f32, %w: f32, %acc: f32):
      %p = arith.mulf %x, %w : f32
      %s = arith.addf %acc, %p : f32
      linalg.yield %s : f32
    } -> tensor<48x64xf32>
    return %r : tensor<48x64xf32>
  }
}

// -----

// The same from two rows on (a short prompt's prefill): 4 rows, a register
// tile of 4, the threads splitting the columns ("features"); the [n, k]
// weight's panels are copied as above, transposed. A [k, n] weight is
// packed too at 4 rows with AVX2's 6-row tiles (more than the few rows
// that read it in place, fewer than many): its rows copied into panels as
// they are, no transpose.
// CHECK-LABEL: func.func @packed_out_in_few_rows
// CHECK: scf.forall (%{{.+}}, %{{.+}}) = (0, 0) to (4, 256) step (4, 64)
// CHECK: vector.transpose %{{.+}}, [0, 2, 1] : vector<1x8x8xf32> to vector<1x8x8xf32>
// CHECK: vector.contract {{.*}} : vector<4x1xf32>, vector<1x1x16xf32> into vector<4x1x16xf32>
// CHECK: {kf.parallel = "features", kf.schedule = {k_tile = 128 : i64, packed_panels = 16 : i64, register_tile = array<i64: 4, 16>
// CHECK: scf.forall (%{{.+}}, %{{.+}}) = (0, 0) to (4, 256) step (4, 64)
// CHECK-NOT: vector.transpose
// CHECK: vector.transfer_write {{.*}} : vector<1x1x16xf32>, tensor<4x128x16xf32>
// CHECK: vector.contract {{.*}} : vector<4x1xf32>, vector<1x1x16xf32> into vector<4x1x16xf32>
// CHECK: {kf.parallel = "features", kf.schedule = {k_tile = 128 : i64, packed_panels = 16 : i64, register_tile = array<i64: 4, 16>
module attributes {kf.schedule = {vector_width = 8 : i64, register_tile = array<i64: 6, 16>, k_tile = 128 : i64, thread_tile = 64 : i64, min_parallel_blocks = 4 : i64, pack_weights = true}} {
  func.func @packed_out_in_few_rows(%a: tensor<4x256xf32>, %b: tensor<256x256xf32>, %bk: tensor<256x256xf32>, %c: tensor<4x256xf32>) -> (tensor<4x256xf32>, tensor<4x256xf32>) {
    %r = linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%a, %b : tensor<4x256xf32>, tensor<256x256xf32>) outs(%c : tensor<4x256xf32>) {
    ^bb0(%x: f32, %w: f32, %acc: f32):
      %p = arith.mulf %x, %w : f32
      %s = arith.addf %acc, %p : f32
      linalg.yield %s : f32
    } -> tensor<4x256xf32>
    %r2 = linalg.matmul ins(%a, %bk : tensor<4x256xf32>, tensor<256x256xf32>) outs(%c : tensor<4x256xf32>) -> tensor<4x256xf32>
    return %r, %r2 : tensor<4x256xf32>, tensor<4x256xf32>
  }
}

// -----

// Two rows against a bf16 [k, n] weight read in place (below pack_min_rows):
// as one row, a long run of each weight row per k step (128 bf16 columns,
// the register budget of 8 x 32 shared by the two rows, not the many rows'
// 32), and the weight rows 16 steps ahead fetched.
// CHECK-LABEL: func.func @few_rows_in_place
// CHECK: scf.forall (%{{.+}}, %{{.+}}) = (0, 0) to (2, 1024) step (2, 512)
// CHECK: vector.transfer_read {{.*}} : tensor<512x1024xbf16>, vector<1x128xbf16>
// CHECK: vector.contract {{.*}} : vector<2x1xf32>, vector<1x128xf32> into vector<2x128xf32>
// CHECK: } {kf.prefetch = 16 : i64}
// CHECK: {kf.parallel = "features", kf.schedule = {k_tile = 256 : i64, register_tile = array<i64: 2, 128>, thread_tiles = array<i64: 2, 512, 0>}}
module attributes {kf.schedule = {vector_width = 16 : i64, register_tile = array<i64: 8, 32>, k_tile = 256 : i64, thread_tile = 256 : i64, min_parallel_blocks = 4 : i64, pack_weights = true, pack_min_rows = 128 : i64}} {
  func.func @few_rows_in_place(%a: tensor<2x512xf32>, %b: tensor<512x1024xbf16>, %c: tensor<2x1024xf32>) -> tensor<2x1024xf32> {
    %r = linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%a, %b : tensor<2x512xf32>, tensor<512x1024xbf16>) outs(%c : tensor<2x1024xf32>) {
    ^bb0(%x: f32, %w: bf16, %acc: f32):
      %we = arith.extf %w : bf16 to f32
      %p = arith.mulf %x, %we : f32
      %s = arith.addf %acc, %p : f32
      linalg.yield %s : f32
    } -> tensor<2x1024xf32>
    return %r : tensor<2x1024xf32>
  }
}

// -----

// columns_outer: the register tiles' loops walk the 16-column panels
// outside and the 6-row tiles inside.
// CHECK-LABEL: func.func @columns_outer
// CHECK: scf.forall
// CHECK: scf.for %{{.+}} = %{{.+}} to %{{.+}} step %{{.+}} iter_args
// CHECK: scf.for %[[J:.+]] = %c0 to %c64 step %c16
// CHECK: scf.for %[[I:.+]] = %c0 to %c12 step %c6
// CHECK: vector.contract {{.*}} into vector<6x16xf32>
// CHECK: kf.schedule = {columns_outer = true, k_tile = 128 : i64, register_tile = array<i64: 6, 16>
module attributes {kf.schedule = {vector_width = 8 : i64, register_tile = array<i64: 6, 16>, k_tile = 128 : i64, thread_tile = 64 : i64, min_parallel_blocks = 4 : i64, columns_outer = true}} {
  func.func @columns_outer(%a: tensor<48x256xf32>, %b: tensor<256x64xf32>, %c: tensor<48x64xf32>) -> tensor<48x64xf32> {
    %r = linalg.matmul ins(%a, %b : tensor<48x256xf32>, tensor<256x64xf32>) outs(%c : tensor<48x64xf32>) -> tensor<48x64xf32>
    return %r : tensor<48x64xf32>
  }
}
