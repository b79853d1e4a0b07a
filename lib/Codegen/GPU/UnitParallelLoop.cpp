//===- UnitParallelLoop.cpp - A parallel loop for ops without one ---------===//

#include "kernelforge/Codegen/GPU/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::kf {
#define GEN_PASS_DEF_UNITPARALLELLOOPPASS
#include "kernelforge/Codegen/GPU/Passes.h.inc"
} // namespace mlir::kf

using namespace mlir;

namespace {

/// A linalg op on buffers without a parallel loop becomes a generic with a
/// leading parallel loop of one iteration.
struct AddUnitParallelLoop : OpInterfaceRewritePattern<linalg::LinalgOp> {
  using OpInterfaceRewritePattern::OpInterfaceRewritePattern;

  LogicalResult matchAndRewrite(linalg::LinalgOp op,
                                PatternRewriter &rewriter) const override {
    if (op.getNumParallelLoops() != 0 || !op.hasPureBufferSemantics())
      return failure();
    auto generic = dyn_cast<linalg::GenericOp>(op.getOperation());
    if (!generic) {
      FailureOr<linalg::GenericOp> generalized =
          linalg::generalizeNamedOp(rewriter, op);
      if (failed(generalized))
        return rewriter.notifyMatchFailure(op, "cannot be generalized");
      generic = *generalized;
    }
    MLIRContext *ctx = rewriter.getContext();
    Location loc = generic.getLoc();
    unsigned loops = generic.getNumLoops() + 1;
    AffineMap unit = AffineMap::get(loops, 0, {getAffineDimExpr(0, ctx)}, ctx);
    // Rank-0 buffers as one element along the new loop; every other
    // operand indexed as before, by the loops after it.
    SmallVector<Value> operands;
    SmallVector<AffineMap> maps;
    for (OpOperand &operand : generic->getOpOperands()) {
      Value value = operand.get();
      auto type = dyn_cast<MemRefType>(value.getType());
      if (type && type.getRank() == 0) {
        operands.push_back(memref::ExpandShapeOp::create(
            rewriter, loc, ArrayRef<int64_t>{1}, value, /*reassociation=*/{}));
        maps.push_back(unit);
      } else {
        operands.push_back(value);
        maps.push_back(generic.getMatchingIndexingMap(&operand).shiftDims(1));
      }
    }
    SmallVector<utils::IteratorType> iterators = {
        utils::IteratorType::parallel};
    llvm::append_range(iterators, generic.getIteratorTypesArray());
    int64_t inputs = generic.getNumDpsInputs();
    auto loop = linalg::GenericOp::create(
        rewriter, loc, TypeRange{}, ArrayRef(operands).take_front(inputs),
        ArrayRef(operands).drop_front(inputs), maps, iterators);
    rewriter.inlineRegionBefore(generic.getRegion(), loop.getRegion(),
                                loop.getRegion().end());
    loop.getRegion().walk([&](linalg::IndexOp index) {
      rewriter.modifyOpInPlace(index,
                               [&] { index.setDim(index.getDim() + 1); });
    });
    rewriter.eraseOp(generic);
    return success();
  }
};

struct UnitParallelLoopPass
    : kf::impl::UnitParallelLoopPassBase<UnitParallelLoopPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<AddUnitParallelLoop>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
