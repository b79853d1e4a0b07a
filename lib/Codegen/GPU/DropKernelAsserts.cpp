//===- DropKernelAsserts.cpp - Range checks out of future GPU kernels -----===//

#include "kernelforge/Codegen/GPU/Passes.h"

#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"

namespace mlir::kf {
#define GEN_PASS_DEF_DROPKERNELASSERTSPASS
#include "kernelforge/Codegen/GPU/Passes.h.inc"
} // namespace mlir::kf

using namespace mlir;

namespace {
struct DropKernelAssertsPass
    : kf::impl::DropKernelAssertsPassBase<DropKernelAssertsPass> {
  void runOnOperation() override {
    SmallVector<cf::AssertOp> asserts;
    getOperation().walk([&](cf::AssertOp op) {
      if (op->getParentOfType<scf::ParallelOp>())
        asserts.push_back(op);
    });
    for (cf::AssertOp op : asserts)
      op.erase();
  }
};
} // namespace
