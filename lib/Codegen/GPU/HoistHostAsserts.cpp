//===- HoistHostAsserts.cpp - Host checks before the first kernel ---------===//

#include "kernelforge/Codegen/GPU/Passes.h"

#include "mlir/Analysis/SliceAnalysis.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace mlir::kf {
#define GEN_PASS_DEF_HOISTHOSTASSERTSPASS
#include "kernelforge/Codegen/GPU/Passes.h.inc"
} // namespace mlir::kf

using namespace mlir;

namespace {

/// The ops computing `assert`'s condition, in order, if they are all pure,
/// region-free and in the entry block, and read only its arguments.
std::optional<SetVector<Operation *>> condition(cf::AssertOp assert,
                                                Block &entry) {
  SetVector<Operation *> slice;
  BackwardSliceOptions options;
  options.omitUsesFromAbove = false;
  bool hoistable = true;
  options.filter = [&](Operation *op) {
    if (op->getBlock() != &entry || op->getNumRegions() != 0 ||
        !isMemoryEffectFree(op))
      hoistable = false;
    return hoistable;
  };
  if (Operation *def = assert.getArg().getDefiningOp()) {
    options.inclusive = true;
    if (!options.filter(def) ||
        failed(getBackwardSlice(def, &slice, options)) || !hoistable)
      return std::nullopt;
  }
  // Block arguments in the slice must be the function's own.
  for (Operation *op : slice)
    for (Value operand : op->getOperands())
      if (auto arg = dyn_cast<BlockArgument>(operand))
        if (arg.getOwner() != &entry)
          return std::nullopt;
  if (auto arg = dyn_cast<BlockArgument>(assert.getArg()))
    if (arg.getOwner() != &entry)
      return std::nullopt;
  return slice;
}

struct HoistHostAssertsPass
    : kf::impl::HoistHostAssertsPassBase<HoistHostAssertsPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal())
      return;
    Block &entry = func.front();
    SmallVector<cf::AssertOp> asserts;
    for (auto assert : entry.getOps<cf::AssertOp>())
      asserts.push_back(assert);
    // Hoisted in order before the first op with effects or regions (the
    // pure ops before it stay where they are).
    Operation *anchor = nullptr;
    for (Operation &op : entry)
      if (!isa<cf::AssertOp>(op) &&
          (op.getNumRegions() != 0 || !isMemoryEffectFree(&op))) {
        anchor = &op;
        break;
      }
    for (cf::AssertOp assert : asserts) {
      if (!anchor || assert->isBeforeInBlock(anchor))
        continue;
      std::optional<SetVector<Operation *>> slice = condition(assert, entry);
      if (!slice)
        continue;
      for (Operation *op : *slice)
        if (anchor->isBeforeInBlock(op))
          op->moveBefore(anchor);
      assert->moveBefore(anchor);
    }
  }
};

} // namespace
