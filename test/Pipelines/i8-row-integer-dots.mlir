// Decode's row against i8 blocks stored [n, k] (GPT-2's tied head, the
// `nn.Linear` layouts) through kf-cpu-pipeline for x86: the row is quantised
// to i16 once, on the calling thread before the parallel region, and each
// block's products are summed in 16-bit integer pairs, which x86 does with
// vpmaddwd (16 bytes of weights sign-extended to words, then one multiply-add
// of word pairs), with AVX2's 256-bit and AVX-512's 512-bit registers; no
// byte is widened to a float before its block is summed.
// RUN: kernelforge-opt %s --kf-cpu-pipeline="stop-after=loops target-triple=x86_64-unknown-linux-gnu target-cpu=znver3" | FileCheck %s --check-prefix=LOOPS
// RUN: kernelforge-compile %s --emit=asm --mtriple=x86_64-unknown-linux-gnu --mcpu=znver3 --pipeline-options="target-cpu=znver3" -o - | FileCheck %s --check-prefix=AVX2
// RUN: kernelforge-compile %s --emit=asm --mtriple=x86_64-unknown-linux-gnu --mcpu=skylake-avx512 --pipeline-options="target-cpu=skylake-avx512" -o - | FileCheck %s --check-prefix=AVX512
// RUN: kernelforge-opt %s --kf-cpu-pipeline="stop-after=vector target-triple=x86_64-unknown-linux-gnu target-cpu=znver3" | FileCheck %s --check-prefix=TILES2
// RUN: kernelforge-opt %s --kf-cpu-pipeline="stop-after=vector target-triple=x86_64-unknown-linux-gnu target-cpu=skylake-avx512" | FileCheck %s --check-prefix=TILES512

// LOOPS-LABEL: func.func @head
// LOOPS: scf.for
// LOOPS: math.roundeven %{{.+}} : vector<32xf32>
// LOOPS: arith.fptosi %{{.+}} : vector<32xf32> to vector<32xi16>
// LOOPS: omp.parallel
// LOOPS: scf.for {{.+}} -> (vector<32xf32>, vector<16xf32>, vector<16xf32>)
// LOOPS: arith.muli %{{.+}} : vector<32xi32>
// LOOPS: arith.addi %{{.+}} : vector<16xi32>
// LOOPS: } {kf.lane_sums

// AVX2-LABEL: head:
// AVX2-NOT: vpmovsxbd
// AVX2: vpmovsxbw {{.+}}, %ymm
// AVX2: vpmaddwd {{.+}}, %ymm
// AVX512-LABEL: head:
// AVX512-NOT: vpmovsxbd
// AVX512: vpmovsxbw {{.+}}, %zmm
// AVX512: vpmaddwd {{.+}}, %zmm
func.func @head(%x: tensor<1x1x768xf32>, %q: tensor<2304x768xi8>, %s: tensor<2304x24xf16>) -> tensor<1x1x2304xf32> {
  %y = kf.linear %x, %q scales(%s : tensor<2304x24xf16>) layout(out_in) : tensor<1x1x768xf32>, tensor<2304x768xi8> -> tensor<1x1x2304xf32>
  return %y : tensor<1x1x2304xf32>
}

// A few rows (a short prompt) against the same blocks: every row in the
// register tile, as many as its accumulators hold a block of lanes for
// (8 with AVX-512's, so all 4 rows in one tile; 3 with AVX2's, so a group
// of 3 rows and one of 1, each its own parallel loop with its rows
// quantised before it).
// Each block of a weight row is sign-extended once and multiplied in
// integer pairs into every row of the tile.
// TILES512-LABEL: func.func @few_rows
// TILES512: kf.parallel = "features", kf.schedule = {k_tile = {{[0-9]+}} : i64, lane_rows = 4 : i64
// TILES512-NOT: kf.parallel
// TILES2-LABEL: func.func @few_rows
// TILES2: kf.parallel = "features", kf.schedule = {k_tile = {{[0-9]+}} : i64, lane_rows = 3 : i64
// TILES2: kf.parallel = "features", kf.schedule = {k_tile = {{[0-9]+}} : i64, register_tile
// LOOPS-LABEL: func.func @few_rows
// LOOPS-COUNT-3: math.roundeven %{{.+}} : vector<32xf32>
// LOOPS: omp.parallel
// LOOPS-COUNT-3: arith.muli %{{.+}} : vector<32xi32>
// LOOPS: } {kf.lane_sums
// LOOPS: math.roundeven %{{.+}} : vector<32xf32>
// LOOPS: omp.parallel
// LOOPS: arith.muli %{{.+}} : vector<32xi32>
// LOOPS: } {kf.lane_sums
// AVX512-LABEL: few_rows:
// AVX512: vpmovsxbw {{.+}}, %zmm[[W:[0-9]+]]
// AVX512-COUNT-4: vpmaddwd {{.+}}, %zmm[[W]], %zmm
func.func @few_rows(%x: tensor<1x4x768xf32>, %q: tensor<2304x768xi8>, %s: tensor<2304x24xf16>) -> tensor<1x4x2304xf32> {
  %y = kf.linear %x, %q scales(%s : tensor<2304x24xf16>) layout(out_in) : tensor<1x4x768xf32>, tensor<2304x768xi8> -> tensor<1x4x2304xf32>
  return %y : tensor<1x4x2304xf32>
}
