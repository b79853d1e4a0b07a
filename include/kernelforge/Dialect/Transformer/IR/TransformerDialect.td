//===- TransformerDialect.td - KernelForge transformer dialect -*- tablegen -*-===//
//
// The `kf` dialect: transformer building blocks on ranked tensors.
//
//===----------------------------------------------------------------------===//

#ifndef KERNELFORGE_DIALECT_TRANSFORMER_IR_TRANSFORMERDIALECT_TD
#define KERNELFORGE_DIALECT_TRANSFORMER_IR_TRANSFORMERDIALECT_TD

include "mlir/IR/OpBase.td"

def Transformer_Dialect : Dialect {
  let name = "kf";
  let cppNamespace = "::mlir::kf";
  let summary = "Transformer building blocks on ranked tensors";
  let description = [{
    The `kf` dialect describes a transformer model at the level a model author
    thinks in: linear layers, normalisation, attention, rotary embeddings and
    the KV cache. Every op works on ranked tensors, infers its result type and
    rejects inconsistent shapes, ranks and element types with a diagnostic
    naming the operand and the shapes involved. Dimensions may be dynamic
    (`?`); they are checked wherever they are static.

    The dialect is the input of the KernelForge lowering pipelines, which
    take it through `linalg` to CPU vector code and to GPU kernels.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::tensor::TensorDialect"];
  let hasConstantMaterializer = 1;
  let hasRegionArgAttrVerify = 1;
  let extraClassDeclaration = [{
    /// Function argument attribute naming the checkpoint tensor (Hugging Face
    /// name, e.g. `h.0.attn.c_attn.weight`) that an argument is bound to.
    static constexpr ::llvm::StringLiteral getParamAttrName() {
      return ::llvm::StringLiteral("kf.param");
    }
    /// Function argument attribute giving a generation step's argument its
    /// role in the compiled library's signature: "token_ids", "position" or
    /// "kv_cache" (kernelforge/Runtime/LibraryABI.h).
    static constexpr ::llvm::StringLiteral getRoleAttrName() {
      return ::llvm::StringLiteral("kf.role");
    }
  }];
}

#endif // KERNELFORGE_DIALECT_TRANSFORMER_IR_TRANSFORMERDIALECT_TD
