// kernelforge-tune measures decode's one-row products with 16-bit weights
// (bf16 and f16 stored as such, activations and sums f32), each call on its
// own copy of the operands so that the weights come from memory as in a
// model, and the candidates include tiles wider than a prefill tile.
// RUN: rm -f %t.json
// RUN: kernelforge-tune %s --tuning-cache %t.json --budget 120 --max-candidates 12 --min-time 0.01 2>&1 | FileCheck %s
// CHECK: 2 distinct contractions
// CHECK: contraction 1x512x256 (0.3 MFLOP, 1 use)
// CHECK: (default)
// CHECK: 1x256 k
// CHECK: contraction 1x512x256 (0.3 MFLOP, 1 use)
// CHECK: (default)
// CHECK: 2 measured, 0 from the cache, 0 failed
// RUN: FileCheck %s --check-prefix=FILE < %t.json
// FILE-DAG: bf16->f32
// FILE-DAG: f16->f32
//
// The tuned library computes the same products.
// RUN: kernelforge-compile %s --pipeline-options="tuning-cache=%t.json" -o %t.so 2>&1 | FileCheck %s --check-prefix=SAYS
// SAYS: 2 of 2 contractions use measured schedules
// RUN: %check %t.so --entry brain --expect "ref.linear(x0, x1, layout='in_out')" --atol 1e-3
// RUN: %check %t.so --entry half --expect "ref.linear(x0, x1, layout='in_out')" --atol 1e-3

func.func @brain(%x: tensor<1x1x256xf32>, %w: tensor<256x512xbf16>) -> tensor<1x1x512xf32> {
  %y = kf.linear %x, %w layout(in_out) : tensor<1x1x256xf32>, tensor<256x512xbf16> -> tensor<1x1x512xf32>
  return %y : tensor<1x1x512xf32>
}

func.func @half(%x: tensor<1x1x256xf32>, %w: tensor<256x512xf16>) -> tensor<1x1x512xf32> {
  %y = kf.linear %x, %w layout(in_out) : tensor<1x1x256xf32>, tensor<256x512xf16> -> tensor<1x1x512xf32>
  return %y : tensor<1x1x512xf32>
}
