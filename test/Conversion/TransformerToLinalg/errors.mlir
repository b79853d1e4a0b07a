// RUN: kernelforge-opt %s --convert-kf-to-linalg --split-input-file --verify-diagnostics
// RUN: not kernelforge-opt %s --convert-kf-to-linalg="key-tile=-1" --split-input-file 2>&1 | FileCheck %s --check-prefix=TILE

// TILE: error: key-tile and query-tile must be positive (0: the schedule's), got -1 and 0

func.func @dynamic(%x: tensor<?x8xf32>) -> tensor<?x8xf32> {
  // expected-error @+1 {{'kf.gelu' op cannot be lowered to linalg: operand #0 has dynamic shape 'tensor<?x8xf32>'; the lowering needs static shapes}}
  %y = kf.gelu %x tanh : tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}

// -----

func.func @dynamic_result(%x: tensor<2x8xf32>, %w: tensor<8x?xf32>) -> tensor<2x?xf32> {
  // expected-error @+1 {{'kf.linear' op cannot be lowered to linalg: operand #1 has dynamic shape 'tensor<8x?xf32>'; the lowering needs static shapes}}
  %y = kf.linear %x, %w layout(in_out) : tensor<2x8xf32>, tensor<8x?xf32> -> tensor<2x?xf32>
  return %y : tensor<2x?xf32>
}
