//===- TransformerOps.h - kf dialect operations -----------------*- C++ -*-===//

#ifndef KERNELFORGE_DIALECT_TRANSFORMER_IR_TRANSFORMEROPS_H
#define KERNELFORGE_DIALECT_TRANSFORMER_IR_TRANSFORMEROPS_H

#include "kernelforge/Dialect/Transformer/IR/TransformerDialect.h"
#include "kernelforge/Dialect/Transformer/IR/TransformerTraits.h"
#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "kernelforge/Dialect/Transformer/IR/TransformerEnums.h.inc"

namespace mlir::kf::detail {
/// Result type of `kf.add`/`kf.mul`: the NumPy broadcast of two operands of
/// one element type.
LogicalResult inferBroadcastBinary(std::optional<Location> loc,
                                   StringRef opName, Value lhs, Value rhs,
                                   SmallVectorImpl<Type> &inferred);
} // namespace mlir::kf::detail

#define GET_OP_CLASSES
#include "kernelforge/Dialect/Transformer/IR/TransformerOps.h.inc"

#endif // KERNELFORGE_DIALECT_TRANSFORMER_IR_TRANSFORMEROPS_H
