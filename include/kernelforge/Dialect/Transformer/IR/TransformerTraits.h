//===- TransformerTraits.h - kf op traits -----------------------*- C++ -*-===//

#ifndef KERNELFORGE_DIALECT_TRANSFORMER_IR_TRANSFORMERTRAITS_H
#define KERNELFORGE_DIALECT_TRANSFORMER_IR_TRANSFORMERTRAITS_H

#include "mlir/IR/OpDefinition.h"

namespace mlir::kf::OpTrait {

/// Verifies an op's operand shapes by running its `inferReturnTypes` with
/// diagnostics on, then checks the declared result types against the inferred
/// ones. Listed before InferTypeOpInterface, it reports both errors precisely
/// instead of the interface's generic "failed to infer returned types".
template <typename ConcreteType>
class VerifyShapesByInference
    : public mlir::OpTrait::TraitBase<ConcreteType, VerifyShapesByInference> {
public:
  static LogicalResult verifyTrait(Operation *op) {
    SmallVector<Type> inferred;
    typename ConcreteType::Adaptor adaptor(cast<ConcreteType>(op));
    if (failed(ConcreteType::inferReturnTypes(op->getContext(), op->getLoc(),
                                              adaptor, inferred)))
      return failure();
    if (TypeRange(inferred) == op->getResultTypes())
      return success();
    return op->emitOpError("expected result type ")
           << inferred << " (inferred from the operands), got "
           << op->getResultTypes();
  }
};

} // namespace mlir::kf::OpTrait

#endif // KERNELFORGE_DIALECT_TRANSFORMER_IR_TRANSFORMERTRAITS_H
