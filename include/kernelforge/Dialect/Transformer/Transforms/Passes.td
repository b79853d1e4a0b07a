//===- Passes.td - kf dialect transformations ----------------*- tablegen -*-===//

#ifndef KERNELFORGE_DIALECT_TRANSFORMER_TRANSFORMS_PASSES_TD
#define KERNELFORGE_DIALECT_TRANSFORMER_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def PrintModelStatsPass : Pass<"kf-print-model-stats", "::mlir::ModuleOp"> {
  let summary = "Print the parameters, FLOPs and intermediate tensors of a model";
  let description = [{
    For each public function of the module (or only `entry`), prints:

    - the parameters: function arguments carrying `kf.param`, their element
      count and size;
    - per kf op kind, how often it runs (ops in called functions count once per
      call), its contraction FLOPs (2 per multiply-add of `kf.linear`,
      `kf.matmul` and `kf.attention`, dense) and the bytes of the tensors it
      produces, which an unfused execution writes and reads back.

    The IR is left unchanged. Ops with dynamic shapes have no static cost and
    are reported as errors.

    Example: `kernelforge-opt --kf-print-model-stats models/gpt2/gpt2-makemore.mlir`
  }];
  let options = [
    Option<"entry", "entry", "std::string", /*default=*/"\"\"",
           "Only report this function (default: every public function)">,
    Option<"listParams", "list-params", "bool", /*default=*/"false",
           "Also list every parameter as `name shape`, sorted by name">
  ];
  let dependentDialects = ["::mlir::kf::TransformerDialect"];
}

#endif // KERNELFORGE_DIALECT_TRANSFORMER_TRANSFORMS_PASSES_TD
