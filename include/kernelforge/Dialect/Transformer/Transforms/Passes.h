//===- Passes.h - kf dialect transformations --------------------*- C++ -*-===//

#ifndef KERNELFORGE_DIALECT_TRANSFORMER_TRANSFORMS_PASSES_H
#define KERNELFORGE_DIALECT_TRANSFORMER_TRANSFORMS_PASSES_H

#include "kernelforge/Dialect/Transformer/IR/TransformerDialect.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir::kf {

#define GEN_PASS_DECL
#include "kernelforge/Dialect/Transformer/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "kernelforge/Dialect/Transformer/Transforms/Passes.h.inc"

} // namespace mlir::kf

#endif // KERNELFORGE_DIALECT_TRANSFORMER_TRANSFORMS_PASSES_H
