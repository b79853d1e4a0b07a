//===- TransformerDialect.cpp - kf dialect registration -------------------===//

#include "kernelforge/Dialect/Transformer/IR/TransformerDialect.h"
#include "kernelforge/Runtime/LibraryABI.h"
#include "kernelforge/Dialect/Transformer/IR/TransformerOps.h"

#include "mlir/Interfaces/FunctionInterfaces.h"

using namespace mlir;
using namespace mlir::kf;

#include "kernelforge/Dialect/Transformer/IR/TransformerOpsDialect.cpp.inc"

void TransformerDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "kernelforge/Dialect/Transformer/IR/TransformerOps.cpp.inc"
      >();
}

Operation *TransformerDialect::materializeConstant(OpBuilder &builder,
                                                   Attribute value, Type type,
                                                   Location loc) {
  return arith::ConstantOp::materialize(builder, value, type, loc);
}

LogicalResult TransformerDialect::verifyRegionArgAttribute(Operation *op,
                                                           unsigned regionIndex,
                                                           unsigned argIndex,
                                                           NamedAttribute attr) {
  if (attr.getName() == getRoleAttrName()) {
    auto role = dyn_cast<StringAttr>(attr.getValue());
    if (!role || !kernelforge::abi::isArgumentRole(role.getValue().data(),
                                                   role.getValue().size()))
      return op->emitError("expected '")
             << getRoleAttrName() << "' of argument " << argIndex << " to be \""
             << kernelforge::abi::kTokenIds << "\", \""
             << kernelforge::abi::kPosition << "\", \""
             << kernelforge::abi::kLastRow << "\" or \""
             << kernelforge::abi::kKVCache << "\"";
    return success();
  }
  if (attr.getName() != getParamAttrName())
    return op->emitError("unknown kf argument attribute '")
           << attr.getName().getValue() << "'";
  auto name = dyn_cast<StringAttr>(attr.getValue());
  if (!name || name.getValue().empty())
    return op->emitError("expected '")
           << getParamAttrName() << "' of argument " << argIndex
           << " to be a non-empty string naming a checkpoint tensor";
  // Declarations have no entry block: read the type from the signature.
  auto function = dyn_cast<FunctionOpInterface>(op);
  Type type = function ? function.getArgumentTypes()[argIndex]
                       : op->getRegion(regionIndex).getArgument(argIndex).getType();
  // Tensors in the graph; memrefs once bufferized.
  auto shaped = dyn_cast<ShapedType>(type);
  if (!shaped || !isa<RankedTensorType, MemRefType>(type) ||
      !shaped.hasStaticShape())
    return op->emitError("expected parameter '")
           << name.getValue() << "' (argument " << argIndex
           << ") to be a statically shaped tensor or memref, got " << type;
  return success();
}
