// Products in bf16 pairs (kf-cpu-pipeline's bf16-products), cross-compiled
// for an AVX-512 BF16 CPU (znver4) and for one without (skylake-avx512),
// from any host.
//
// With the dot product: the thread's activations are rounded to bf16 once
// per k tile, the panels hold each pair of weight rows side by side
// ([n / 32, k / 2, 32, 2], the f32 weight rounded as it is copied), and the
// register tile is 8 rows x 32 columns x one pair.
// RUN: kernelforge-opt %s --kf-cpu-pipeline="stop-after=vector target-triple=x86_64-unknown-linux-gnu target-cpu=znver4 bf16-products=1" | FileCheck %s --check-prefix=PAIRS
// PAIRS: kf.target = {bf16_dot = true
// PAIRS-LABEL: func.func @up
// PAIRS: scf.forall
// PAIRS: arith.truncf %{{.+}} : vector<1x64xf32> to vector<1x64xbf16>
// PAIRS: tensor.expand_shape %{{.+}} output_shape [128, 2, 4, 32] : tensor<256x128xf32> into tensor<128x2x4x32xf32>
// PAIRS: vector.transfer_read {{.+}} : tensor<128x2x4x32xf32>, vector<1x2x1x32xf32>
// PAIRS: arith.truncf {{.+}} to vector<1x2x1x32xbf16>
// PAIRS: vector.transpose {{.+}} to vector<1x1x32x2xbf16>
// PAIRS: vector.transfer_write {{.+}} : vector<1x1x32x2xbf16>, tensor<4x128x32x2xbf16>
// PAIRS: vector.contract {{.+}} : vector<8x1x2xf32>, vector<1x1x32x2xf32> into vector<8x1x32xf32>
// PAIRS: packed_panels = 32 : i64, register_tile = array<i64: 8, 32>
//
// Each register tile's step: two 64-byte loads of column pairs, eight row
// pairs broadcast, sixteen vdpbf16ps, no vector register spilled in the
// parallel loop bodies.
// RUN: kernelforge-compile %s --emit=asm --mtriple=x86_64-unknown-linux-gnu --mcpu=znver4 --pipeline-options="target-cpu=znver4 bf16-products=1" -o %t.znver4.s
// RUN: awk '/^[a-zA-Z_][^:]*:/{on = ($0 ~ /omp_par/)} on' %t.znver4.s > %t.znver4.loops.s
// RUN: grep -c vdpbf16ps %t.znver4.loops.s | FileCheck %s --check-prefix=DOTS
// RUN: not grep -E "%[xyz]mm.*(Spill|Reload)" %t.znver4.loops.s
// DOTS: {{^16$}}
//
// Without the dot product (skylake-avx512) or without the option, the
// product is f32's: f32 panels, FMAs.
// RUN: kernelforge-opt %s --kf-cpu-pipeline="stop-after=vector target-triple=x86_64-unknown-linux-gnu target-cpu=skylake-avx512 bf16-products=1" | FileCheck %s --check-prefix=F32
// RUN: kernelforge-opt %s --kf-cpu-pipeline="stop-after=vector target-triple=x86_64-unknown-linux-gnu target-cpu=znver4" | FileCheck %s --check-prefix=F32
// F32-LABEL: func.func @up
// F32-NOT: bf16
// F32: vector.contract {{.+}} : vector<8x1xf32>, vector<1x1x32xf32> into vector<8x1x32xf32>
// F32-NOT: bf16
// RUN: kernelforge-compile %s --emit=asm --mtriple=x86_64-unknown-linux-gnu --mcpu=skylake-avx512 --pipeline-options="target-cpu=skylake-avx512 bf16-products=1" -o - | FileCheck %s --check-prefix=SKX
// SKX-NOT: vdpbf16ps
// SKX: vfmadd231ps
// SKX-NOT: vdpbf16ps

func.func @up(%x: tensor<1x256x768xf32>, %w: tensor<768x3072xf32>) -> tensor<1x256x3072xf32> {
  %y = kf.linear %x, %w layout(in_out) : tensor<1x256x768xf32>, tensor<768x3072xf32> -> tensor<1x256x3072xf32>
  return %y : tensor<1x256x3072xf32>
}
