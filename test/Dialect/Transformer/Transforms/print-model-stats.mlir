// RUN: kernelforge-opt %s --kf-print-model-stats -o /dev/null | FileCheck %s
// RUN: not kernelforge-opt %s --kf-print-model-stats=entry=missing -o /dev/null 2>&1 | FileCheck %s --check-prefix=MISSING
// RUN: not kernelforge-opt %S/Inputs/dynamic.mlir --kf-print-model-stats -o /dev/null 2>&1 | FileCheck %s --check-prefix=DYNAMIC

// Two calls of @layer: linear 2*4*64*128 = 65536 FLOP and attention
// 2*(1*2*4)*4*(32+32) = 4096 FLOP per call.
// CHECK-LABEL: model @model
// CHECK-NEXT: parameters: 8,320 in 2 tensors, 0.03 MiB
// CHECK: kf.attention 2 0.008 0.002
// CHECK: kf.linear 2 0.131 0.004
// CHECK: kf.split_heads 2
// CHECK: total 6 0.139
// CHECK-NOT: model @layer

func.func private @layer(%x: tensor<1x4x64xf32>, %w: tensor<64x128xf32>, %b: tensor<128xf32>) -> tensor<1x2x4x32xf32> {
  %y = kf.linear %x, %w, %b layout(in_out) : tensor<1x4x64xf32>, tensor<64x128xf32>, tensor<128xf32> -> tensor<1x4x128xf32>
  %h = kf.split_heads %y {num_heads = 4} : tensor<1x4x128xf32> -> tensor<1x4x4x32xf32>
  %q = tensor.extract_slice %h[0, 0, 0, 0] [1, 2, 4, 32] [1, 1, 1, 1] : tensor<1x4x4x32xf32> to tensor<1x2x4x32xf32>
  %a = kf.attention %q, %q, %q causal : tensor<1x2x4x32xf32>, tensor<1x2x4x32xf32>, tensor<1x2x4x32xf32> -> tensor<1x2x4x32xf32>
  return %a : tensor<1x2x4x32xf32>
}

func.func @model(%x: tensor<1x4x64xf32>, %w: tensor<64x128xf32> {kf.param = "w"}, %b: tensor<128xf32> {kf.param = "b"}) -> tensor<1x2x4x32xf32> {
  %0 = func.call @layer(%x, %w, %b) : (tensor<1x4x64xf32>, tensor<64x128xf32>, tensor<128xf32>) -> tensor<1x2x4x32xf32>
  %1 = func.call @layer(%x, %w, %b) : (tensor<1x4x64xf32>, tensor<64x128xf32>, tensor<128xf32>) -> tensor<1x2x4x32xf32>
  return %1 : tensor<1x2x4x32xf32>
}

// MISSING: error: no function @missing to report
// DYNAMIC: error: cannot count the cost of an op with the dynamic shape 'tensor<?x64xf32>'
