// RUN: kernelforge-opt %s --split-input-file --pass-pipeline="builtin.module(kf-cpu-target{triple=x86_64-unknown-linux-gnu cpu=skylake-avx512 cores=2},convert-kf-to-linalg,canonicalize,func.func(kf-tile-and-vectorize))" | FileCheck %s
// RUN: kernelforge-opt %s --split-input-file --pass-pipeline="builtin.module(kf-cpu-target{triple=x86_64-unknown-linux-gnu cpu=skylake-avx512 cores=2},convert-kf-to-linalg,canonicalize,func.func(kf-tile-and-vectorize{threads=false}))" | FileCheck %s --check-prefix=SERIAL
// RUN: kernelforge-opt %s --split-input-file --pass-pipeline="builtin.module(kf-cpu-target{triple=x86_64-unknown-linux-gnu cpu=znver3 cores=2},convert-kf-to-linalg,canonicalize,func.func(kf-tile-and-vectorize))" | FileCheck %s --check-prefix=ZEN3

// An AVX-512 target (kf-cpu-target: 16-float vectors, 8 x 32 register
// tiles).
// Prefill (64 rows): threads take blocks of 16 rows (four blocks, the loop
// says kf.parallel = "rows" and records its schedule); each block
// runs 8x32 register tiles over k, as outer-product-shaped vector.contract.
// CHECK-LABEL: func.func @prefill
// CHECK: scf.forall (%{{.+}}, %{{.+}}) = (0, 0) to (64, 96) step (16, 96)
// CHECK: scf.for %{{.+}} = %{{.+}} to %{{.+}} step %{{.+}} iter_args
// CHECK: vector.contract {{.*}} : vector<8x1xf32>, vector<1x32xf32> into vector<8x32xf32>
// The register tiles' loops are marked for kf-prefetch-strided-reads.
// CHECK: } {kf.prefetch}
// CHECK: } {kf.parallel = "rows", kf.schedule = {k_tile = 32 : i64, register_tile = array<i64: 8, 32>, thread_tiles = array<i64: 16, 96, 0>}}
// SERIAL-LABEL: func.func @prefill
// SERIAL-NOT: scf.forall
// SERIAL: vector.contract
func.func @prefill(%x: tensor<64x32xf32>, %w: tensor<32x96xf32>) -> tensor<64x96xf32> {
  %y = kf.linear %x, %w layout(in_out) : tensor<64x32xf32>, tensor<32x96xf32> -> tensor<64x96xf32>
  return %y : tensor<64x96xf32>
}

// -----

// Decode (one row): threads split the output features instead, and the
// register tile is four tiles of columns wide (1 x 128: each k step reads 512
// bytes of a weight row).
// Its weight block is read once, front to back, in 512-byte runs that keep
// enough bytes in flight: no loop is marked for prefetching. AVX2's tile
// (znver3) is 64 columns, a 256-byte run of each row, and asks for the
// rows 16 below, as 16-bit weights' 256-byte runs do.
// CHECK-LABEL: func.func @decode
// CHECK: scf.forall (%{{.+}}, %{{.+}}) = (0, 0) to (1, 256) step (1, 128)
// CHECK-NOT: kf.prefetch
// CHECK: vector.contract {{.*}} : vector<1x1xf32>, vector<1x128xf32> into vector<1x128xf32>
// CHECK-NOT: kf.prefetch
// CHECK: } {kf.parallel = "features", kf.schedule = {k_tile = 32 : i64, register_tile = array<i64: 1, 128>, thread_tiles = array<i64: 1, 128, 0>}}
// ZEN3-LABEL: func.func @decode
// ZEN3: vector.contract {{.*}} : vector<1x1xf32>, vector<1x64xf32> into vector<1x64xf32>
// ZEN3: } {kf.prefetch = 16 : i64}
// ZEN3: register_tile = array<i64: 1, 64>
func.func @decode(%x: tensor<1x32xf32>, %w: tensor<32x256xf32>) -> tensor<1x256xf32> {
  %y = kf.linear %x, %w layout(in_out) : tensor<1x32xf32>, tensor<32x256xf32> -> tensor<1x256xf32>
  return %y : tensor<1x256xf32>
}

// -----

// Decode with bf16 weights: the tile reads as many bytes of a weight row per
// k step as the f32 one (512), so it is twice as wide (1 x 256, all 16
// accumulators the 8 x 32 prefill tile would use), and the bf16 row is
// widened in registers; its loop asks for the weight rows 16 ahead. With
// AVX2 (znver3: 6 x 16 register tiles, 96 accumulators) the tile is 64
// columns, a power of two: LLVM scalarises a 96-column row. Its runs of 128
// bytes are short: each asks for the same row two tiles ahead instead
// (kf.prefetch_next_tiles; the k tiles are below).
// CHECK-LABEL: func.func @decode_bf16
// CHECK: scf.forall (%{{.+}}, %{{.+}}) = (0, 0) to (1, 512) step (1, 256)
// CHECK: arith.extf %{{.+}} : vector<1x256xbf16> to vector<1x256xf32>
// CHECK: vector.contract {{.*}} : vector<1x1xf32>, vector<1x256xf32> into vector<1x256xf32>
// CHECK: } {kf.prefetch = 16 : i64}
// CHECK: register_tile = array<i64: 1, 256>
// ZEN3-LABEL: func.func @decode_bf16
// ZEN3: arith.extf %{{.+}} : vector<1x64xbf16> to vector<1x64xf32>
// ZEN3: } {kf.prefetch_next_tiles = 2 : i64}
// ZEN3: register_tile = array<i64: 1, 64>
func.func @decode_bf16(%x: tensor<1x32xf32>, %w: tensor<32x512xbf16>) -> tensor<1x512xf32> {
  %y = kf.linear %x, %w layout(in_out) : tensor<1x32xf32>, tensor<32x512xbf16> -> tensor<1x512xf32>
  return %y : tensor<1x512xf32>
}

// -----

// More weight rows, split across the threads: AVX-512's 512-byte runs walk
// each column tile through the thread's rows, prefetching the rows 16
// below; AVX2's 128-byte runs walk k tiles of 32 rows outer, a tile's rows
// column tile after column tile, each run prefetching the same row two
// tiles ahead (the next k tile's at the row's end).
// CHECK-LABEL: func.func @decode_bf16_k_tiles
// CHECK: scf.forall {{.*}} to (2, 1, 512) step (1, 1, 512)
// CHECK-NEXT: tensor.extract_slice
// CHECK-NEXT: scf.for %{{.+}} = %{{.+}} to %c512 step %c256
// CHECK-NEXT: scf.for %{{.+}} = %{{.+}} to %c128 step %c1
// CHECK: } {kf.prefetch = 16 : i64}
// ZEN3-LABEL: func.func @decode_bf16_k_tiles
// ZEN3: scf.forall {{.*}} to (2, 1, 512) step (1, 1, 512)
// ZEN3-NEXT: tensor.extract_slice
// ZEN3-NEXT: scf.for %{{.+}} = %{{.+}} to %c128 step %c32
// ZEN3-NEXT: scf.for %{{.+}} = %{{.+}} to %c512 step %c64
// ZEN3-NEXT: scf.for %{{.+}} = %{{.+}} to %c32 step %c1
// ZEN3: arith.extf %{{.+}} : vector<1x1x64xbf16> to vector<1x1x64xf32>
// ZEN3: } {kf.prefetch_next_tiles = 2 : i64}
// ZEN3: k_tile = 32 : i64, register_tile = array<i64: 1, 64>, split_reduction = 2 : i64
func.func @decode_bf16_k_tiles(%x: tensor<1x256xf32>, %w: tensor<256x512xbf16>) -> tensor<1x512xf32> {
  %y = kf.linear %x, %w layout(in_out) : tensor<1x256xf32>, tensor<256x512xbf16> -> tensor<1x512xf32>
  return %y : tensor<1x512xf32>
}

// -----

// Decode against a deeper [k, n] weight: the reduction is split across the
// threads (2 cores), each streaming its own contiguous block of 128 weight
// rows into a partial row of all columns (split_reduction = 2), and the
// parts are added. Columns the register tile does not divide (200 = 128 +
// 72) get their own loop.
// CHECK-LABEL: func.func @decode_split
// CHECK: tensor.expand_shape %{{.+}} {{\[}}[0], [1, 2]] output_shape [1, 2, 128] : tensor<1x256xf32> into tensor<1x2x128xf32>
// CHECK: tensor.expand_shape %{{.+}} {{\[}}[0, 1], [2]] output_shape [2, 128, 200] : tensor<256x200xf32> into tensor<2x128x200xf32>
// CHECK: scf.forall (%{{.+}}, %{{.+}}, %{{.+}}) = (0, 0, 0) to (2, 1, 128) step (1, 1, 128)
// CHECK: } {kf.parallel = "features", kf.schedule = {k_tile = 128 : i64, register_tile = array<i64: 1, 128>, split_reduction = 2 : i64, thread_tiles = array<i64: 1, 1, 128, 0>}}
// CHECK: scf.forall (%{{.+}}, %{{.+}}, %{{.+}}) = (0, 0, 0) to (2, 1, 72) step (1, 1, 72)
// CHECK: split_reduction = 2 : i64
// CHECK: scf.for %{{.+}} = %c0 to %c2 step %c1
// CHECK: vector.multi_reduction <add>, {{.*}} [0] : vector<1x1x64xf32> to vector<1x64xf32>
// SERIAL-LABEL: func.func @decode_split
// SERIAL-NOT: expand_shape
// SERIAL-NOT: split_reduction = 2
// SERIAL: return
func.func @decode_split(%x: tensor<1x256xf32>, %w: tensor<256x200xf32>) -> tensor<1x200xf32> {
  %y = kf.linear %x, %w layout(in_out) : tensor<1x256xf32>, tensor<256x200xf32> -> tensor<1x200xf32>
  return %y : tensor<1x200xf32>
}

// -----

// One row against an [n, k] weight (the tied head): dot products along k,
// 16 partial sums per output in a vector. Threads take blocks of 8 outputs
// (40 / 4 blocks, rounded to the 8-row register tile); each block zeroes its
// own [1, 8, 16] partial sums, streams 8 weight rows front to back with one
// multiply-add per row and step, and adds the lanes once per output, all in
// the block: no [1, 40, 16] tensor of partial sums between two loops.
// CHECK-LABEL: func.func @decode_head
// CHECK: tensor.expand_shape %{{.+}} {{\[}}[0], [1, 2]] output_shape [1, 4, 16] : tensor<1x64xf32> into tensor<1x4x16xf32>
// CHECK: tensor.expand_shape %{{.+}} {{\[}}[0], [1, 2]] output_shape [40, 4, 16] : tensor<40x64xf32> into tensor<40x4x16xf32>
// CHECK: scf.forall (%{{.+}}, %{{.+}}) = (0, 0) to (1, 40) step (1, 8)
// CHECK-NEXT: tensor.empty() : tensor<1x8x16xf32>
// CHECK: vector.transfer_read {{.*}} : tensor<40x4x16xf32>, vector<8x1x16xf32>
// CHECK-COUNT-8: vector.fma {{.*}} : vector<16xf32>
// CHECK: vector.multi_reduction <add>, {{.*}} [2] : vector<1x1x16xf32> to vector<1x1xf32>
// CHECK-NOT: kf.prefetch_rows
// CHECK: } {kf.parallel = "features", kf.schedule = {k_tile = 4 : i64, register_tile = array<i64: 8, 16>, thread_tiles = array<i64: 1, 8, 16, 0>}}
// CHECK-NOT: scf.forall
// CHECK-NOT: vector.contract
// AVX-512's 16 lanes read a whole cache line of each row and ask for nothing
// ahead (above); AVX2's 8 lanes read half of one, and the register loops
// ask for the rows 24 KiB below (kf-prefetch-strided-reads), as narrow
// weights' lanes do for 12 KiB.
// ZEN3-LABEL: func.func @decode_head
// ZEN3: vector.fma {{.*}} : vector<8xf32>
// ZEN3: } {kf.prefetch_rows = 24576 : i64}
// ZEN3: } {kf.parallel = "features"
func.func @decode_head(%x: tensor<1x64xf32>, %w: tensor<40x64xf32>) -> tensor<1x40xf32> {
  %y = kf.linear %x, %w layout(out_in) : tensor<1x64xf32>, tensor<40x64xf32> -> tensor<1x40xf32>
  return %y : tensor<1x40xf32>
}

// -----

// The same with bf16 weights: each output's weight row is streamed on its
// own, one row after another, 4 vectors of lanes at a time (64 with
// AVX-512), its lanes added right after its product (a one-row register
// tile, kf.stream_rows), instead of 8 rows a vector each. AVX-512 reads two
// cache lines of the row a step and asks for nothing ahead; AVX2 reads one
// (32 lanes) and asks for the rows 12 KiB below.
// CHECK-LABEL: func.func @decode_head_bf16
// CHECK: tensor.expand_shape %{{.+}} {{\[}}[0], [1, 2]] output_shape [40, 2, 64] : tensor<40x128xbf16> into tensor<40x2x64xbf16>
// CHECK: scf.forall (%{{.+}}, %[[BLOCK:.+]]) = (0, 0) to (1, 40) step (1, 8)
// CHECK: scf.for %[[ROW:.+]] = %{{.+}} to %{{.+}} step %{{.+}} iter_args
// CHECK: scf.for
// CHECK: %[[AT:.+]] = affine.apply #{{.+}}()[%[[BLOCK]], %[[ROW]]]
// CHECK: vector.transfer_read %{{.+}}[%[[AT]], %{{.+}}, %{{.+}}], %{{.+}} : tensor<40x2x64xbf16>, vector<1x1x64xbf16>
// CHECK: vector.fma {{.*}} : vector<64xf32>
// CHECK-NOT: kf.prefetch
// CHECK: }
// CHECK: vector.multi_reduction <add>, %{{.+}}, %{{.+}} [2] : vector<1x1x64xf32> to vector<1x1xf32>
// CHECK: } {kf.parallel = "features", kf.schedule = {k_tile = 2 : i64, register_tile = array<i64: 1, 64>
// ZEN3-LABEL: func.func @decode_head_bf16
// ZEN3: vector.fma {{.*}} : vector<32xf32>
// ZEN3-NEXT: vector.insert
// ZEN3-NEXT: vector.transfer_write
// ZEN3-NEXT: scf.yield
// ZEN3-NEXT: } {kf.prefetch_rows = 12288 : i64}
// ZEN3: vector.multi_reduction <add>, %{{.+}}, %{{.+}} [2] : vector<1x1x32xf32> to vector<1x1xf32>
func.func @decode_head_bf16(%x: tensor<1x128xf32>, %w: tensor<40x128xbf16>) -> tensor<1x40xf32> {
  %y = kf.linear %x, %w layout(out_in) : tensor<1x128xf32>, tensor<40x128xbf16> -> tensor<1x40xf32>
  return %y : tensor<1x40xf32>
}

// -----

// A few rows (a short prompt's prefill) against an [n, k] weight: lane-split
// as one row is, with every row in the register tile (lane_rows), so that
// each vector of a weight row is read and widened once and multiplied into
// all three rows; each block of outputs keeps the three rows' partial sums.
// AVX2's 12 accumulators hold three rows of four 8-lane vectors too.
// CHECK-LABEL: func.func @few_rows_out_in_bf16
// CHECK: scf.forall (%{{.+}}) = (0) to (40) step (8)
// CHECK-NEXT: tensor.empty() : tensor<3x8x64xf32>
// CHECK: vector.transfer_read {{.*}} : tensor<3x2x64xf32>, vector<3x1x64xf32>
// CHECK: vector.transfer_read {{.*}} : tensor<40x2x64xbf16>, vector<1x1x64xbf16>
// CHECK: arith.extf {{.*}} : vector<1x1x64xbf16> to vector<1x1x64xf32>
// CHECK-COUNT-3: vector.fma {{.*}} : vector<64xf32>
// CHECK-NOT: vector.fma
// CHECK: vector.multi_reduction <add>, {{.*}} [2] : vector<1x1x64xf32> to vector<1x1xf32>
// CHECK: } {kf.parallel = "features", kf.schedule = {k_tile = 2 : i64, lane_rows = 3 : i64, register_tile = array<i64: 1, 64>, thread_tiles = array<i64: 3, 1, 64, 0>}}
// ZEN3-LABEL: func.func @few_rows_out_in_bf16
// ZEN3: vector.transfer_read {{.*}} : tensor<3x4x32xf32>, vector<3x1x32xf32>
// ZEN3-COUNT-3: vector.fma {{.*}} : vector<32xf32>
// ZEN3: lane_rows = 3
func.func @few_rows_out_in_bf16(%x: tensor<3x128xf32>, %w: tensor<40x128xbf16>) -> tensor<3x40xf32> {
  %y = kf.linear %x, %w layout(out_in) : tensor<3x128xf32>, tensor<40x128xbf16> -> tensor<3x40xf32>
  return %y : tensor<3x40xf32>
}

// -----

// Five rows are more than AVX-512's accumulators hold four lane vectors
// of (16 / 4): the weight is copied into panels first (the copy's loops
// prefetch its next k tile), as more rows' are.
// CHECK-LABEL: func.func @five_rows_out_in_bf16
// CHECK-NOT: lane_rows
// CHECK: kf.prefetch_next_k_tile
// CHECK-NOT: lane_rows
// CHECK: return
func.func @five_rows_out_in_bf16(%x: tensor<5x128xf32>, %w: tensor<64x128xbf16>) -> tensor<5x64xf32> {
  %y = kf.linear %x, %w layout(out_in) : tensor<5x128xf32>, tensor<64x128xbf16> -> tensor<5x64xf32>
  return %y : tensor<5x64xf32>
}

// -----

// Four f32 rows of 1536 (24 KiB) do not stay in L1 beside the weight rows
// streaming past: the product is split along k into stretches of 1024 and
// 512 (16 KiB of rows at most), the second adding into the first's result,
// each lane-split with four outputs of one vector for the four rows (16
// accumulators). AVX2 holds three rows: four are packed.
// CHECK-LABEL: func.func @few_rows_out_in_long
// CHECK: tensor.extract_slice %arg0[0, 0] [4, 1024] [1, 1]
// CHECK: %[[FIRST:.+]] = scf.forall (%{{.+}}) = (0) to (32) step (8)
// CHECK: vector.transfer_read {{.*}} : tensor<4x8x16xf32>, vector<4x4x16xf32>
// CHECK-COUNT-16: vector.fma {{.*}} : vector<16xf32>
// CHECK: lane_rows = 4 : i64, register_tile = array<i64: 4, 16>
// CHECK: tensor.extract_slice %arg0[0, 1024] [4, 512] [1, 1]
// CHECK: scf.forall (%{{.+}}) = (0) to (32) step (8) shared_outs(%{{.+}} = %[[FIRST]])
// CHECK: lane_rows = 4 : i64, register_tile = array<i64: 4, 16>
// ZEN3-LABEL: func.func @few_rows_out_in_long
// ZEN3-NOT: lane_rows
// ZEN3: packed_panels
func.func @few_rows_out_in_long(%x: tensor<4x1536xf32>, %w: tensor<32x1536xf32>) -> tensor<4x32xf32> {
  %y = kf.linear %x, %w layout(out_in) : tensor<4x1536xf32>, tensor<32x1536xf32> -> tensor<4x32xf32>
  return %y : tensor<4x32xf32>
}

// -----

// 12 rows and 40 columns: the 8x32 register tile does not divide them, so
// the op is split into static pieces (8 and 4 rows, 32 and 8 columns), each
// vectorized with its own tile; no masks, no dynamic shapes. (The 32
// columns read a packed panel: 12 rows are more than a few and fewer than
// many.)
// CHECK-LABEL: func.func @ragged
// CHECK-DAG: vector.contract {{.*}} into vector<8x1x32xf32>
// CHECK-DAG: vector.contract {{.*}} into vector<4x1x32xf32>
// CHECK-DAG: vector.contract {{.*}} into vector<8x8xf32>
// CHECK-DAG: vector.contract {{.*}} into vector<4x8xf32>
// CHECK-NOT: vector.mask
// CHECK-NOT: tensor<?x
func.func @ragged(%x: tensor<12x32xf32>, %w: tensor<32x40xf32>) -> tensor<12x40xf32> {
  %y = kf.linear %x, %w layout(in_out) : tensor<12x32xf32>, tensor<32x40xf32> -> tensor<12x40xf32>
  return %y : tensor<12x40xf32>
}

// -----

// Row reductions: threads over blocks of rows, vectors along the row.
// CHECK-LABEL: func.func @softmax
// CHECK: scf.forall (%{{.+}}) = (0) to (32) step (8)
// CHECK: vector.multi_reduction <maximumf>
// CHECK: vector.multi_reduction <add>
func.func @softmax(%x: tensor<32x64xf32>) -> tensor<32x64xf32> {
  %y = kf.softmax %x : tensor<32x64xf32>
  return %y : tensor<32x64xf32>
}

// -----

// The gather keeps its range checks and stays scalar (tiled, not vectorized).
// CHECK-LABEL: func.func @embedding
// CHECK: scf.forall
// CHECK: cf.assert
// CHECK: tensor.extract
func.func @embedding(%ids: tensor<1x16xi64>, %wte: tensor<27x64xf32>) -> tensor<1x16x64xf32> {
  %x = kf.embedding %ids, %wte : tensor<1x16xi64>, tensor<27x64xf32> -> tensor<1x16x64xf32>
  return %x : tensor<1x16x64xf32>
}

// -----

// Decode against i8 blocks in [k, n] (GPT-2's layout): one op whose sums
// stay in a 1 x 256 register tile over every block, each weight widened and
// scaled in registers; the threads take the blocks in two contiguous parts
// (split_reduction), whose register loops prefetch the weight rows 16 ahead
// and will scale each block's sum once (kf-factor-block-scales);
// then the parts are added on the calling thread (512 features are fewer
// than a parallel region pays for).
// With AVX2 (znver3: 8-float vectors, 6 x 16 register tiles) the tile is
// 64 columns, the power of two below the register tile's 96 accumulators.
// ZEN3-LABEL: func.func @decode_i8_in_out
// ZEN3: arith.sitofp %{{.+}} : vector<1x1x1x64xi8> to vector<1x1x1x64xf32>
// ZEN3: register_tile = array<i64: 1, 64>, split_reduction = 2 : i64
// CHECK-LABEL: func.func @decode_i8_in_out
// CHECK: scf.forall {{.*}} to (2, 1, 512) step (1, 1, 512)
// CHECK: arith.sitofp %{{.+}} : vector<1x1x1x256xi8> to vector<1x1x1x256xf32>
// CHECK: arith.mulf {{.*}} : vector<1x1x256x1x1xf32>
// CHECK: vector.fma {{.*}} : vector<256xf32>
// CHECK: } {kf.block_scales, kf.prefetch = 16 : i64}
// CHECK: register_tile = array<i64: 1, 256>, split_reduction = 2 : i64
// CHECK-NOT: scf.forall
// CHECK: vector.multi_reduction <add>, %{{.+}}, %{{.+}} [0] : vector<1x1x64xf32> to vector<1x64xf32>
// CHECK-NOT: scf.forall
// CHECK: return
func.func @decode_i8_in_out(%x: tensor<1x64xf32>, %w: tensor<64x512xi8>, %s: tensor<2x512xf32>) -> tensor<1x512xf32> {
  %y = kf.linear %x, %w scales(%s : tensor<2x512xf32>) layout(in_out) : tensor<1x64xf32>, tensor<64x512xi8> -> tensor<1x512xf32>
  return %y : tensor<1x512xf32>
}

// -----

// Four blocks per part. AVX-512's 256-byte runs walk each register tile's
// column strip through every block (columns, then blocks, then the rows of
// a block). AVX2's 64-byte runs walk blocks outer instead: a block's rows
// tile after tile, the sums kept in the output, each run prefetching the
// same row two tiles ahead (kf.prefetch_next_tiles) in place of rows below.
// CHECK-LABEL: func.func @decode_i8_blocks_in_out
// CHECK: scf.for %{{.+}} = %{{.+}} to %c512 step %c256
// CHECK-NEXT: scf.for %{{.+}} = %{{.+}} to %c4 step %c1
// CHECK-NEXT: scf.for %{{.+}} = %{{.+}} to %c32 step %c1
// CHECK: } {kf.block_scales, kf.prefetch = 16 : i64}
// CHECK-NOT: blocks_outer
// CHECK: register_tile = array<i64: 1, 256>, split_reduction = 2 : i64
// ZEN3-LABEL: func.func @decode_i8_blocks_in_out
// ZEN3: scf.for %{{.+}} = %{{.+}} to %c4 step %c1
// ZEN3-NEXT: scf.for %{{.+}} = %{{.+}} to %c512 step %c64
// ZEN3-NEXT: scf.for %{{.+}} = %{{.+}} to %c32 step %c1
// ZEN3: arith.sitofp %{{.+}} : vector<1x1x1x64xi8> to vector<1x1x1x64xf32>
// ZEN3: } {kf.block_scales, kf.prefetch_next_tiles = 2 : i64}
// ZEN3: kf.schedule = {blocks_outer, register_tile = array<i64: 1, 64>, split_reduction = 2 : i64
func.func @decode_i8_blocks_in_out(%x: tensor<1x256xf32>, %w: tensor<256x512xi8>, %s: tensor<8x512xf32>) -> tensor<1x512xf32> {
  %y = kf.linear %x, %w scales(%s : tensor<8x512xf32>) layout(in_out) : tensor<1x256xf32>, tensor<256x512xi8> -> tensor<1x512xf32>
  return %y : tensor<1x512xf32>
}

// -----

// Decode against i8 blocks in [n, k] (the tied head): each register tile is
// one output's 32 lanes, a multiply-add per block on whole vectors (the
// block's reduction of one dropped), not one per lane.
// Threads take blocks of 24 outputs, each summing its own partial sums; the
// register loops are marked to prefetch the weight rows 12 KiB below
// (narrow weights: kf-prefetch-strided-reads) and as lane sums (only the
// sum of their lanes counts: kf-integer-block-dots). With AVX2 too the tile
// is the block's 32 lanes (four registers), not the register tile's 16
// columns, which walked each row twice.
// ZEN3-LABEL: func.func @decode_i8_out_in
// ZEN3: arith.sitofp %{{.+}} : vector<1x1x32xi8> to vector<1x1x32xf32>
// ZEN3: register_tile = array<i64: 1, 32>, thread_tiles = array<i64: 1, 24, 32, 0>
// CHECK-LABEL: func.func @decode_i8_out_in
// CHECK: scf.forall (%{{.+}}, %{{.+}}) = (0, 0) to (1, 96) step (1, 24)
// CHECK-NEXT: tensor.empty() : tensor<1x24x32xf32>
// CHECK: scf.for
// CHECK-NOT: vector.extract {{.*}} : f32 from vector<1x1x32x1xf32>
// CHECK: vector.fma {{.*}} : vector<32xf32>
// CHECK: } {kf.lane_sums, kf.prefetch, kf.prefetch_rows = 12288 : i64}
// CHECK: vector.multi_reduction <add>, %{{.+}}, %{{.+}} [2] : vector<1x1x32xf32> to vector<1x1xf32>
// CHECK: } {kf.parallel = "features", kf.schedule = {k_tile = 2 : i64, register_tile = array<i64: 1, 32>, thread_tiles = array<i64: 1, 24, 32, 0>}}
// CHECK-NOT: scf.forall
func.func @decode_i8_out_in(%x: tensor<1x64xf32>, %w: tensor<96x64xi8>, %s: tensor<96x2xf32>) -> tensor<1x96xf32> {
  %y = kf.linear %x, %w scales(%s : tensor<96x2xf32>) layout(out_in) : tensor<1x64xf32>, tensor<96x64xi8> -> tensor<1x96xf32>
  return %y : tensor<1x96xf32>
}

// -----

// Decode attention (one query row against the cached keys, [positions,
// head_dim], in the target's decode key tiles of 16): inside each head's
// block the scores are dot products along head_dim, 16 lanes per key and 8 keys per register tile reading key rows
// front to back, then the lanes summed per key; not a register tile across
// the keys, which would gather each key column a float at a time. The
// probabilities times the values (one row against the tile's value rows)
// prefetch the value rows 16 steps ahead (kf.prefetch = 16); the lane sums,
// which read the block's own partial sums, do not. The key loop keeps its
// kf.key_tile_loop mark (kf-prefetch-next-key-tile asks for tiles ahead).
// CHECK-LABEL: func.func @decode_attention
// CHECK: scf.forall (%{{.+}}) in (4)
// CHECK: tensor.expand_shape %{{.+}} {{\[}}[0], [1], [2], [3, 4]] output_shape [1, 1, 16, 4, 16] : tensor<1x1x16x64xf32> into tensor<1x1x16x4x16xf32>
// CHECK: vector.transfer_read %{{.+}} : tensor<1x1x16x4x16xf32>, vector<1x1x8x1x16xf32>
// CHECK: vector.fma {{.*}} : vector<16xf32>
// CHECK: vector.multi_reduction <add>, %{{.+}}, %{{.+}} [4] : vector<1x1x1x{{[0-9]+}}x16xf32> to vector<1x1x1x{{[0-9]+}}xf32>
// CHECK-NOT: kf.prefetch
// CHECK: vector.transfer_read %{{.+}} : tensor<1x4x256x64xf32>, vector<1x1x1x64xf32>
// CHECK: vector.fma {{.*}} : vector<64xf32>
// CHECK: } {kf.prefetch = 16 : i64}
// CHECK: } {kf.key_tile_loop}
// CHECK-NOT: vector<1x1x64x1xf32>
// CHECK: return
func.func @decode_attention(%q: tensor<1x4x1x64xf32>, %k: tensor<1x4x256x64xf32>, %v: tensor<1x4x256x64xf32>, %pos: index) -> tensor<1x4x1x64xf32> {
  %o = kf.attention %q, %k, %v causal offset(%pos) : tensor<1x4x1x64xf32>, tensor<1x4x256x64xf32>, tensor<1x4x256x64xf32> -> tensor<1x4x1x64xf32>
  return %o : tensor<1x4x1x64xf32>
}

// -----

// Many rows against i8 blocks stored [k, n]: each thread's weight panels are
// made from the blocks and their f16 scales directly (widened and
// multiplied in registers, a block row of 32 at a time), whatever the
// schedule says about packing; no dequantised copy of the whole weight is
// left.
// CHECK-LABEL: func.func @prefill_i8_in_out
// CHECK-NOT: kf.dequantize
// CHECK: scf.forall
// CHECK: tensor.expand_shape %{{.+}} {{\[}}[0], [1], [2, 3]] output_shape [4, 32, 3, 32] : tensor<4x32x96xi8> into tensor<4x32x3x32xi8>
// CHECK: tensor.empty() : tensor<3x4x32x32xf32>
// CHECK: arith.extf %{{.+}} : vector<1x1x32xf16> to vector<1x1x32xf32>
// CHECK: arith.sitofp %{{.+}} : vector<1x1x1x32xi8> to vector<1x1x1x32xf32>
// CHECK: vector.contract {{.*}} : vector<8x1xf32>, vector<1x1x32xf32> into vector<8x1x32xf32>
// CHECK: kf.schedule = {k_tile = 128 : i64, packed_panels = 32 : i64, register_tile = array<i64: 8, 32>
// CHECK-NOT: kf.dequantize
// CHECK: return
func.func @prefill_i8_in_out(%x: tensor<64x128xf32>, %w: tensor<128x96xi8>, %s: tensor<4x96xf16>) -> tensor<64x96xf32> {
  %y = kf.linear %x, %w scales(%s : tensor<4x96xf16>) layout(in_out) : tensor<64x128xf32>, tensor<128x96xi8> -> tensor<64x96xf32>
  return %y : tensor<64x96xf32>
}

// -----

// The same stored [n, k] (the tied head's layout), with 8 output features
// left over by the 32-wide register tiles: the packed part's panels come
// from its blocks, 8 rows of 8 values at a time widened, transposed in
// registers and scaled as panel rows (8 features' scales, one vector), and
// the rest dequantises only its own 8 rows of blocks ([8, 4, 32]), not the
// whole weight's 72.
// CHECK-LABEL: func.func @prefill_i8_out_in
// CHECK-NOT: tensor<72x4x32xf32>
// CHECK: tensor.expand_shape %{{.+}} {{\[}}[0, 1], [2], [3]] output_shape [2, 32, 4, 32] : tensor<64x4x32xi8> into tensor<2x32x4x32xi8>
// CHECK: arith.sitofp %{{.+}} : vector<1x8x1x8xi8> to vector<1x8x1x8xf32>
// CHECK: %[[T:.+]] = vector.transpose %{{.+}}, [0, 2, 3, 1] : vector<1x8x1x8xf32> to vector<1x1x8x8xf32>
// CHECK: arith.mulf %[[T]], %{{.+}} : vector<1x1x8x8xf32>
// CHECK: packed_panels = 32 : i64
// CHECK: tensor.empty() : tensor<8x4x32xf32>
// CHECK: arith.sitofp %{{.+}} : vector<1x1x32xi8> to vector<1x1x32xf32>
// CHECK: register_tile = array<i64: 8, 8>
// CHECK-NOT: tensor<72x4x32xf32>
// CHECK: return
func.func @prefill_i8_out_in(%x: tensor<64x128xf32>, %w: tensor<72x128xi8>, %s: tensor<72x4xf16>) -> tensor<64x72xf32> {
  %y = kf.linear %x, %w scales(%s : tensor<72x4xf16>) layout(out_in) : tensor<64x128xf32>, tensor<72x128xi8> -> tensor<64x72xf32>
  return %y : tensor<64x72xf32>
}

// -----

// 25 blocks of 32 along k: the k tile is whole blocks (160, not 200, the
// largest divisor of 800 within 256), so each tile's panels still come from
// its blocks.
// CHECK-LABEL: func.func @prefill_i8_k_tiles_of_blocks
// CHECK-NOT: tensor<25x32x96xf32>
// CHECK: tensor.empty() : tensor<3x5x32x32xf32>
// CHECK: kf.schedule = {k_tile = 160 : i64, packed_panels = 32 : i64
// CHECK-NOT: tensor<25x32x96xf32>
// CHECK: return
func.func @prefill_i8_k_tiles_of_blocks(%x: tensor<64x800xf32>, %w: tensor<800x96xi8>, %s: tensor<25x96xf16>) -> tensor<64x96xf32> {
  %y = kf.linear %x, %w scales(%s : tensor<25x96xf16>) layout(in_out) : tensor<64x800xf32>, tensor<800x96xi8> -> tensor<64x96xf32>
  return %y : tensor<64x96xf32>
}

// -----

// Many rows against bf16 weights, packed (AVX-512 packs from 128 rows,
// znver3 always): the packed product goes round the worklist inside its
// thread tile, a block marked "rows", and reads its panels front to back
// and its rows of activations from cache. Only a lane sum's block
// ("features") asks for the rows below (kf.prefetch_rows): here nothing
// does.
// CHECK-LABEL: func.func @prefill_bf16_packed
// CHECK: arith.extf %{{.+}} : vector<1x1x32xbf16> to vector<1x1x32xf32>
// CHECK-NOT: kf.prefetch_rows
// CHECK: kf.parallel = "rows", kf.schedule = {{{.*}}packed_panels = 32 : i64
// ZEN3-LABEL: func.func @prefill_bf16_packed
// ZEN3: arith.extf %{{.+}} : vector<1x1x16xbf16> to vector<1x1x16xf32>
// ZEN3-NOT: kf.prefetch_rows
// ZEN3: kf.parallel = "rows", kf.schedule = {{{.*}}packed_panels = 16 : i64
func.func @prefill_bf16_packed(%x: tensor<128x64xf32>, %w: tensor<64x256xbf16>) -> tensor<128x256xf32> {
  %y = kf.linear %x, %w layout(in_out) : tensor<128x64xf32>, tensor<64x256xbf16> -> tensor<128x256xf32>
  return %y : tensor<128x256xf32>
}

// -----

// One row of few features (decode's bias additions, activations,
// residuals) runs on the calling thread: a parallel region would cost more
// than the op. From 16384 features the threads split them.
// CHECK-LABEL: func.func @decode_elementwise_small
// CHECK-NOT: scf.forall
// CHECK: arith.addf %{{.+}}, %{{.+}} : vector<1x1x64xf32>
// CHECK-NOT: scf.forall
// CHECK: return
// CHECK-LABEL: func.func @decode_elementwise_wide
// CHECK: scf.forall
// CHECK: arith.addf %{{.+}}, %{{.+}} : vector<1x1x64xf32>
// CHECK: } {kf.parallel = "features"}
func.func @decode_elementwise_small(%x: tensor<1x1x3072xf32>, %y: tensor<1x1x3072xf32>) -> tensor<1x1x3072xf32> {
  %z = kf.add %x, %y : tensor<1x1x3072xf32>, tensor<1x1x3072xf32>
  return %z : tensor<1x1x3072xf32>
}
func.func @decode_elementwise_wide(%x: tensor<1x1x16384xf32>, %y: tensor<1x1x16384xf32>) -> tensor<1x1x16384xf32> {
  %z = kf.add %x, %y : tensor<1x1x16384xf32>, tensor<1x1x16384xf32>
  return %z : tensor<1x1x16384xf32>
}

// -----

// Two one-row products against [n, k] weights of one shape (a LLaMA block's
// q and k projections): canonicalization shares their partial sums' zero
// fill, and each still sums its own lanes in its blocks of outputs, one
// parallel loop per product (the shared fill had left the fill, the product
// and the sum three loops each).
// CHECK-LABEL: func.func @decode_two_out_in
// CHECK-COUNT-2: } {kf.parallel = "features", kf.schedule
// CHECK-NOT: scf.forall
// CHECK: return
func.func @decode_two_out_in(%x: tensor<1x1x256xf32>, %wq: tensor<512x256xf32>, %wk: tensor<512x256xf32>) -> (tensor<1x1x512xf32>, tensor<1x1x512xf32>) {
  %q = kf.linear %x, %wq layout(out_in) : tensor<1x1x256xf32>, tensor<512x256xf32> -> tensor<1x1x512xf32>
  %k = kf.linear %x, %wk layout(out_in) : tensor<1x1x256xf32>, tensor<512x256xf32> -> tensor<1x1x512xf32>
  return %q, %k : tensor<1x1x512xf32>, tensor<1x1x512xf32>
}
