//===- Passes.td - KernelForge conversion passes -------------*- tablegen -*-===//

#ifndef KERNELFORGE_CONVERSION_PASSES_TD
#define KERNELFORGE_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertTransformerToLinalgPass
    : Pass<"convert-kf-to-linalg", "::mlir::ModuleOp"> {
  let summary = "Lower the kf dialect to linalg on tensors";
  let description = [{
    Rewrites every kf op into `linalg.generic` ops with explicit
    `indexing_maps` and `iterator_types` (plus `linalg.fill`,
    `linalg.transpose` and tensor reshapes/slices):

    - elementwise ops and broadcasts: parallel generics, broadcasting in the
      maps;
    - `kf.linear` / `kf.matmul`: contractions with a reduction iterator, the
      weight layout and `transpose_rhs` expressed in the weight's map, the
      bias as the initial value;
    - `kf.layer_norm`, `kf.rms_norm`, `kf.softmax`, `kf.argmax`: reductions
      along one axis followed by a parallel normalisation; causal masks are
      computed from `linalg.index`, never materialised;
    - `kf.attention`: fused (an `scf.for` over key tiles with an online
      softmax, stopping at the last visible tile when causal) or decomposed
      (QK^T, softmax, PV);
    - `kf.embedding`: a gather via `tensor.extract`, with `cf.assert` range
      checks; `kf.kv_cache_update`: `tensor.insert_slice`.

    All shapes must be static; the pass reports the first dynamic operand.

    Example: `kernelforge-opt --convert-kf-to-linalg models/gpt2/gpt2-makemore.mlir`
  }];
  let options = [
    Option<"decomposeAttention", "decompose-attention", "bool",
           /*default=*/"false",
           "Lower kf.attention as QK^T, softmax and PV instead of one fused "
           "online-softmax loop">,
    Option<"keyTile", "key-tile", "int64_t", /*default=*/"64",
           "Largest key tile of the fused attention loop">
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::cf::ControlFlowDialect",
    "::mlir::linalg::LinalgDialect", "::mlir::math::MathDialect",
    "::mlir::scf::SCFDialect", "::mlir::tensor::TensorDialect"
  ];
}

#endif // KERNELFORGE_CONVERSION_PASSES_TD
