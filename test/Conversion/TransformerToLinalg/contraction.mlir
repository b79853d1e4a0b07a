// RUN: kernelforge-opt %s --convert-kf-to-linalg --split-input-file | FileCheck %s

// [B, S, K] rows are collapsed to [B*S, K]; the bias is the initial value of
// the contraction, broadcast by its map; the weight is read in place.
// CHECK-DAG: #[[$BIAS:.+]] = affine_map<(d0, d1) -> (d1)>
// CHECK-DAG: #[[$X:.+]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-DAG: #[[$W_IN_OUT:.+]] = affine_map<(d0, d1, d2) -> (d2, d1)>
// CHECK-DAG: #[[$Y:.+]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-LABEL: func.func @linear_in_out
// CHECK-SAME: (%[[X:.+]]: tensor<2x3x8xf32>, %[[W:.+]]: tensor<8x16xf32>, %[[B:.+]]: tensor<16xf32>)
// CHECK: %[[ROWS:.+]] = tensor.collapse_shape %[[X]] {{\[}}[0, 1], [2]] : tensor<2x3x8xf32> into tensor<6x8xf32>
// CHECK: %[[INIT:.+]] = linalg.generic {indexing_maps = [#[[$BIAS]], #{{.+}}], iterator_types = ["parallel", "parallel"]} ins(%[[B]] : tensor<16xf32>)
// CHECK: %[[Y:.+]] = linalg.generic {indexing_maps = [#[[$X]], #[[$W_IN_OUT]], #[[$Y]]], iterator_types = ["parallel", "parallel", "reduction"]}
// CHECK-SAME: ins(%[[ROWS]], %[[W]] : tensor<6x8xf32>, tensor<8x16xf32>) outs(%[[INIT]] : tensor<6x16xf32>)
// CHECK: ^bb0(%[[A:.+]]: f32, %[[BB:.+]]: f32, %[[ACC:.+]]: f32):
// CHECK: %[[P:.+]] = arith.mulf %[[A]], %[[BB]]
// CHECK: %[[S:.+]] = arith.addf %[[ACC]], %[[P]]
// CHECK: linalg.yield %[[S]]
// CHECK: tensor.expand_shape %[[Y]] {{\[}}[0, 1], [2]] output_shape [2, 3, 16]
func.func @linear_in_out(%x: tensor<2x3x8xf32>, %w: tensor<8x16xf32>, %b: tensor<16xf32>) -> tensor<2x3x16xf32> {
  %y = kf.linear %x, %w, %b layout(in_out) : tensor<2x3x8xf32>, tensor<8x16xf32>, tensor<16xf32> -> tensor<2x3x16xf32>
  return %y : tensor<2x3x16xf32>
}

// -----

// out_in (torch.nn.Linear, a tied lm_head) only transposes the weight's map.
// CHECK-DAG: #[[$W_OUT_IN:.+]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-LABEL: func.func @linear_out_in
// CHECK: %[[ZERO:.+]] = linalg.fill
// CHECK: linalg.generic {indexing_maps = [#{{.+}}, #[[$W_OUT_IN]], #{{.+}}], iterator_types = ["parallel", "parallel", "reduction"]}
// CHECK-SAME: outs(%[[ZERO]] : tensor<3x16xf32>)
// CHECK-NOT: linalg.transpose
func.func @linear_out_in(%x: tensor<3x8xf32>, %w: tensor<16x8xf32>) -> tensor<3x16xf32> {
  %y = kf.linear %x, %w layout(out_in) : tensor<3x8xf32>, tensor<16x8xf32> -> tensor<3x16xf32>
  return %y : tensor<3x16xf32>
}

// -----

// CHECK-DAG: #[[$LHS:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>
// CHECK-DAG: #[[$RHS_T:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d2, d3)>
// CHECK-DAG: #[[$OUT:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>
// CHECK-LABEL: func.func @matmul_transpose_rhs
// CHECK: linalg.generic {indexing_maps = [#[[$LHS]], #[[$RHS_T]], #[[$OUT]]], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
func.func @matmul_transpose_rhs(%a: tensor<2x5x4xf32>, %b: tensor<2x7x4xf32>) -> tensor<2x5x7xf32> {
  %c = kf.matmul %a, %b transpose_rhs : tensor<2x5x4xf32>, tensor<2x7x4xf32> -> tensor<2x5x7xf32>
  return %c : tensor<2x5x7xf32>
}

// -----

// bf16 products accumulate in f32; the result is narrowed by a final generic.
// CHECK-LABEL: func.func @matmul_bf16
// CHECK: linalg.fill ins(%{{.+}} : f32) outs(%{{.+}} : tensor<4x4xf32>)
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction"]
// CHECK: arith.extf %{{.+}} : bf16 to f32
// CHECK: linalg.generic {{.*}} outs(%{{.+}} : tensor<4x4xbf16>)
// CHECK: arith.truncf %{{.+}} : f32 to bf16
func.func @matmul_bf16(%a: tensor<4x8xbf16>, %b: tensor<8x4xbf16>) -> tensor<4x4xbf16> {
  %c = kf.matmul %a, %b : tensor<4x8xbf16>, tensor<8x4xbf16> -> tensor<4x4xbf16>
  return %c : tensor<4x4xbf16>
}

// -----

// Up to 8 rows against i8 blocks stored [n, k] are one product over
// (rows, outputs, lanes, blocks), dequantised in registers (the CPU
// schedule puts a few rows in each register tile: every block of a weight
// row is read once for them), then the lanes summed into the init; more
// rows read the weight dequantised (kf.dequantize: the CPU pipeline makes
// its packed panels from the blocks).
// CHECK-LABEL: func.func @linear_i8_few_rows
// CHECK: %[[X:.+]] = tensor.expand_shape %{{.+}} {{\[}}[0], [1, 2]] output_shape [3, 2, 32] : tensor<3x64xf32> into tensor<3x2x32xf32>
// CHECK: %[[Q:.+]] = tensor.expand_shape %{{.+}} {{\[}}[0], [1, 2]] output_shape [16, 2, 32] : tensor<16x64xi8> into tensor<16x2x32xi8>
// CHECK: %[[P:.+]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%[[X]], %[[Q]], %{{.+}} : tensor<3x2x32xf32>, tensor<16x2x32xi8>, tensor<16x2xf16>) outs(%{{.+}} : tensor<3x16x32xf32>) attrs = {kf.quantized_contraction}
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[P]] : tensor<3x16x32xf32>) outs(%{{.+}} : tensor<3x16xf32>)
// CHECK-NOT: tensor.insert_slice
// CHECK-NOT: kf.dequantize
func.func @linear_i8_few_rows(%x: tensor<3x64xf32>, %w: tensor<16x64xi8>, %s: tensor<16x2xf16>) -> tensor<3x16xf32> {
  %y = kf.linear %x, %w scales(%s : tensor<16x2xf16>) layout(out_in) : tensor<3x64xf32>, tensor<16x64xi8> -> tensor<3x16xf32>
  return %y : tensor<3x16xf32>
}

// -----

// Up to 8 rows against i8 blocks stored [k, n] are one product over
// (rows, outputs, blocks, a block's values), dequantised in registers (the
// CPU schedule puts a few rows in each register tile: every run of a weight
// row is widened once for them); more rows read the weight dequantised.
// CHECK-LABEL: func.func @linear_i8_in_out_few_rows
// CHECK: %[[X:.+]] = tensor.expand_shape %{{.+}} {{\[}}[0], [1, 2]] output_shape [8, 2, 32] : tensor<8x64xf32> into tensor<8x2x32xf32>
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction", "reduction"]} ins(%[[X]], %{{.+}}, %{{.+}} : tensor<8x2x32xf32>, tensor<2x32x16xi8>, tensor<2x16xf16>) outs(%{{.+}} : tensor<8x16xf32>) attrs = {kf.quantized_contraction}
// CHECK-NOT: tensor.insert_slice
// CHECK-NOT: kf.dequantize
func.func @linear_i8_in_out_few_rows(%x: tensor<8x64xf32>, %w: tensor<64x16xi8>, %s: tensor<2x16xf16>) -> tensor<8x16xf32> {
  %y = kf.linear %x, %w scales(%s : tensor<2x16xf16>) layout(in_out) : tensor<8x64xf32>, tensor<64x16xi8> -> tensor<8x16xf32>
  return %y : tensor<8x16xf32>
}

// -----

// CHECK-LABEL: func.func @linear_i8_rows
// CHECK-NOT: kf.quantized_contraction
// CHECK: kf.dequantize
// CHECK-NOT: kf.quantized_contraction
func.func @linear_i8_rows(%x: tensor<9x64xf32>, %w: tensor<16x64xi8>, %s: tensor<16x2xf16>) -> tensor<9x16xf32> {
  %y = kf.linear %x, %w scales(%s : tensor<16x2xf16>) layout(out_in) : tensor<9x64xf32>, tensor<16x64xi8> -> tensor<9x16xf32>
  return %y : tensor<9x16xf32>
}

// -----

// CHECK-LABEL: func.func @linear_i8_in_out_rows
// CHECK-NOT: kf.quantized_contraction
// CHECK: kf.dequantize
func.func @linear_i8_in_out_rows(%x: tensor<9x64xf32>, %w: tensor<64x16xi8>, %s: tensor<2x16xf16>) -> tensor<9x16xf32> {
  %y = kf.linear %x, %w scales(%s : tensor<2x16xf16>) layout(in_out) : tensor<9x64xf32>, tensor<64x16xi8> -> tensor<9x16xf32>
  return %y : tensor<9x16xf32>
}
