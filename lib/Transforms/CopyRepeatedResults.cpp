//===- CopyRepeatedResults.cpp - One tensor per returned result -----------===//

#include "kernelforge/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"

namespace mlir::kf {
#define GEN_PASS_DEF_COPYREPEATEDRESULTSPASS
#include "kernelforge/Transforms/Passes.h.inc"
} // namespace mlir::kf

using namespace mlir;

namespace {
struct CopyRepeatedResultsPass
    : kf::impl::CopyRepeatedResultsPassBase<CopyRepeatedResultsPass> {
  void runOnOperation() override {
    getOperation().walk([](func::ReturnOp ret) {
      llvm::SmallPtrSet<Value, 8> seen;
      OpBuilder b(ret);
      for (OpOperand &operand : ret->getOpOperands()) {
        Value value = operand.get();
        auto type = dyn_cast<RankedTensorType>(value.getType());
        if (!type || seen.insert(value).second)
          continue;
        Location loc = value.getLoc();
        Value empty = tensor::EmptyOp::create(
            b, loc, tensor::getMixedSizes(b, loc, value), type.getElementType());
        operand.set(linalg::CopyOp::create(b, loc, value, empty).getResult(0));
      }
    });
  }
};
} // namespace
