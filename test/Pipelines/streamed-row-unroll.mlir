// Decode's one-row products against bf16 [n, k] weights stream each weight
// row on its own. A row of more than 56 vectors (1024 values with AVX-512)
// reaches the LLVM dialect with an unroll count of 4 on its loop's back
// edge, which LLVM would otherwise unroll whole (read 0.6-0.7x as fast);
// a row of 56 vectors or fewer (768 values) is left to LLVM.
// RUN: kernelforge-compile %s --mtriple=x86_64-unknown-linux-gnu --mcpu=skylake-avx512 --emit=llvm-mlir -o - | FileCheck %s

// CHECK-DAG: #[[$UNROLL:.+]] = #llvm.loop_unroll<count = 4 : i32>
// CHECK-DAG: #[[$ANNOTATION:.+]] = #llvm.loop_annotation<unroll = #[[$UNROLL]]>
// CHECK-LABEL: llvm.func @long_rows
// CHECK: llvm.br {{.+}} {loop_annotation = #[[$ANNOTATION]]}
// CHECK-LABEL: llvm.func @_mlir_ciface_long_rows
// CHECK-LABEL: llvm.func @short_rows
// CHECK-NOT: loop_annotation
// CHECK-LABEL: llvm.func @_mlir_ciface_short_rows
func.func @long_rows(%x: tensor<1x1024xf32>, %w: tensor<64x1024xbf16>) -> tensor<1x64xf32> {
  %y = kf.linear %x, %w layout(out_in) : tensor<1x1024xf32>, tensor<64x1024xbf16> -> tensor<1x64xf32>
  return %y : tensor<1x64xf32>
}
func.func @short_rows(%x: tensor<1x768xf32>, %w: tensor<64x768xbf16>) -> tensor<1x64xf32> {
  %y = kf.linear %x, %w layout(out_in) : tensor<1x768xf32>, tensor<64x768xbf16> -> tensor<1x64xf32>
  return %y : tensor<1x64xf32>
}
