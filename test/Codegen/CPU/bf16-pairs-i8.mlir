// Products in bf16 pairs (kf-cpu-pipeline's bf16-products) against i8
// blocks (kf.linear with scales), cross-compiled for an AVX-512 BF16 CPU
// (znver4) from any host: the pair panels are made from the blocks and
// scales directly, no f32 copy of the weight. From [k, n] the copy walks
// (nb, kb, bp, t, j): a block's two rows are read as stored, widened,
// scaled and rounded, and only the bf16 result is interleaved into pairs;
// from [n, k] it walks (nb, kb, bp, j, t), 8 pairs of 8 weight rows
// transposed. The product is the float weights' (8 rows x 32 columns x one
// pair).
// RUN: kernelforge-opt %s --kf-cpu-pipeline="stop-after=vector target-triple=x86_64-unknown-linux-gnu target-cpu=znver4 bf16-products=1" | FileCheck %s
// CHECK-LABEL: func.func @up
// CHECK-NOT: tensor<768x3072xf32>
// CHECK: vector.transfer_read {{.+}} : tensor<8x16x2x{{[0-9]+}}x32xi8>, vector<1x1x2x1x32xi8>
// CHECK: arith.sitofp {{.+}} to vector<1x1x2x1x32xf32>
// CHECK: arith.mulf {{.+}} : vector<1x1x1x2x32xf32>
// CHECK: arith.truncf {{.+}} : vector<1x1x1x2x32xf32> to vector<1x1x1x2x32xbf16>
// CHECK: vector.transpose {{.+}} to vector<1x1x1x32x2xbf16>
// CHECK: vector.transfer_write {{.+}} : vector<1x1x1x32x2xbf16>
// CHECK: vector.contract {{.+}} : vector<8x1x2xf32>, vector<1x1x32x2xf32> into vector<8x1x32xf32>
// CHECK-LABEL: func.func @down_out_in
// CHECK-NOT: tensor<768x3072xf32>
// CHECK: vector.transfer_read {{.+}} : tensor<{{[0-9]+}}x32x8x16x2xi8>, vector<1x8x1x8x2xi8>
// CHECK: arith.truncf {{.+}} to vector<1x1x8x8x2xbf16>
// CHECK: vector.contract {{.+}} : vector<8x1x2xf32>, vector<1x1x32x2xf32> into vector<8x1x32xf32>
//
// The register tile's step is the float weights': sixteen vdpbf16ps in one
// basic block, for each of the two products, with no vector register
// spilled or reloaded in it. (The copies keep some of their shuffle masks
// on the stack, reloaded before their loops; the one from [n, k] spills in
// its transposes too: it pays from 256 rows, kf-tile-and-vectorize's
// threshold for it.)
// RUN: kernelforge-compile %s --emit=asm --mtriple=x86_64-unknown-linux-gnu --mcpu=znver4 --pipeline-options="target-cpu=znver4 bf16-products=1" -o %t.s
// RUN: awk '/^\.LBB|^[a-zA-Z_][^ ]*:/{if (dots) print dots, spills + 0; dots = 0; spills = 0} /vdpbf16ps/{dots++} /mm.*(Spill|Reload)/{spills++}' %t.s | FileCheck %s --check-prefix=DOTS
// DOTS: {{^16 0$}}
// DOTS-NEXT: {{^16 0$}}
// DOTS-NOT: {{.}}

func.func @up(%x: tensor<1x256x768xf32>, %w: tensor<768x3072xi8>, %s: tensor<24x3072xf16>) -> tensor<1x256x3072xf32> {
  %y = kf.linear %x, %w scales(%s : tensor<24x3072xf16>) layout(in_out) : tensor<1x256x768xf32>, tensor<768x3072xi8> -> tensor<1x256x3072xf32>
  return %y : tensor<1x256x3072xf32>
}
func.func @down_out_in(%x: tensor<1x256x768xf32>, %w: tensor<3072x768xi8>, %s: tensor<3072x24xf16>) -> tensor<1x256x3072xf32> {
  %y = kf.linear %x, %w scales(%s : tensor<3072x24xf16>) layout(out_in) : tensor<1x256x768xf32>, tensor<3072x768xi8> -> tensor<1x256x3072xf32>
  return %y : tensor<1x256x3072xf32>
}
