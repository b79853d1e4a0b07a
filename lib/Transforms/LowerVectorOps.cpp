//===- LowerVectorOps.cpp - Vector ops down to 1-D forms -------------------===//

#include "Views.h"

#include "kernelforge/Transforms/Passes.h"

#include "mlir/Dialect/MemRef/Transforms/Transforms.h"
#include "mlir/IR/Dominance.h"
#include "mlir/Interfaces/ViewLikeInterface.h"
#include "mlir/Transforms/CSE.h"
#include "mlir/Transforms/LoopInvariantCodeMotionUtils.h"
#include "mlir/Dialect/Vector/Transforms/LoweringPatterns.h"
#include "mlir/Dialect/Vector/Transforms/VectorRewritePatterns.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::kf {
#define GEN_PASS_DEF_LOWERVECTOROPSPASS
#include "kernelforge/Transforms/Passes.h.inc"
} // namespace mlir::kf

using namespace mlir;

namespace {

bool sameIndices(ValueRange a, ValueRange b) {
  return a.size() == b.size() && llvm::equal(a, b);
}

/// Keeps a register tile's accumulator in registers across the loop that
/// reduces into it: a transfer_read / transfer_write pair on the same buffer
/// and loop-invariant indices, with no other access to that buffer inside the
/// loop, becomes a read before the loop, a loop-carried vector and a write
/// after it. Unlike linalg::hoistRedundantVectorTransfers this looks only at
/// the loop, not at every use of the buffer in the function (an output's
/// bias initialisation, earlier, would otherwise block it). Views are traced
/// to their buffer, so an access through another view of it counts; distinct
/// buffers passed to an entry point are assumed not to overlap, as
/// kernelforge's callers guarantee (inputs and out-parameters are separate
/// allocations).
bool hoistAccumulator(scf::ForOp loop, IRRewriter &rewriter) {
  Block *body = loop.getBody();
  for (Operation &op : *body) {
    auto read = dyn_cast<vector::TransferReadOp>(op);
    if (!read || !isa<MemRefType>(read.getBase().getType()))
      continue;
    Value base = read.getBase();
    if (!loop.isDefinedOutsideOfLoop(base) ||
        !llvm::all_of(read.getIndices(), [&](Value v) {
          return loop.isDefinedOutsideOfLoop(v);
        }) ||
        (read.getMask() && !loop.isDefinedOutsideOfLoop(read.getMask())) ||
        !loop.isDefinedOutsideOfLoop(read.getPadding()))
      continue;
    vector::TransferWriteOp write;
    bool conflict = false;
    Value root = kf::rootBuffer(base);
    loop.walk([&](Operation *user) {
      if (user == read.getOperation())
        return;
      // Any access to the same buffer, through this value or another view.
      if (llvm::none_of(user->getOperands(), [&](Value operand) {
            return isa<MemRefType>(operand.getType()) &&
                   kf::rootBuffer(operand) == root;
          }))
        return;
      auto w = dyn_cast<vector::TransferWriteOp>(user);
      if (!write && w && w->getBlock() == body && w.getBase() == base &&
          sameIndices(w.getIndices(), read.getIndices()) &&
          w.getVectorType() == read.getVectorType() && !w.getMask() &&
          w.getPermutationMap() == read.getPermutationMap() &&
          read->isBeforeInBlock(w))
        write = w;
      else
        conflict = true;
    });
    if (conflict || !write)
      continue;

    rewriter.setInsertionPoint(loop);
    Operation *hoisted = rewriter.clone(*read);
    Value carried = write.getVector();
    auto newLoop = cast<LoopLikeOpInterface>(loop.getOperation())
                       .replaceWithAdditionalYields(
                           rewriter, hoisted->getResult(0),
                           /*replaceInitOperandUsesInLoop=*/false,
                           [&](OpBuilder &, Location, ArrayRef<BlockArgument>) {
                             return SmallVector<Value>{carried};
                           });
    if (failed(newLoop))
      return false;
    auto forOp = cast<scf::ForOp>(newLoop->getOperation());
    rewriter.replaceAllUsesWith(read.getResult(), forOp.getRegionIterArgs().back());
    rewriter.eraseOp(read);
    rewriter.setInsertionPointAfter(forOp);
    auto after = cast<vector::TransferWriteOp>(rewriter.clone(*write));
    after.getValueToStoreMutable().assign(forOp.getResults().back());
    rewriter.eraseOp(write);
    return true;
  }
  return false;
}

/// A broadcast of a widened value is broadcast narrow and widened after:
/// `broadcast(extf(s))` becomes `extf(broadcast(s))`. An f16 scalar (an int8
/// block's scale) is otherwise inserted into a lane of a register (x86's
/// vpinsrw), which carries a false dependency on whatever register LLVM
/// picks, a live accumulator in the tied head's loop, serialising it; the
/// narrow broadcast writes a whole register.
void widenAfterBroadcast(func::FuncOp func) {
  func.walk([](vector::BroadcastOp broadcast) {
    auto ext = broadcast.getSource().getDefiningOp<arith::ExtFOp>();
    if (!ext)
      return;
    OpBuilder b(broadcast);
    Location loc = broadcast.getLoc();
    VectorType result = broadcast.getResultVectorType();
    Value narrow = ext.getIn();
    Value wide = vector::BroadcastOp::create(
        b, loc, result.clone(getElementTypeOrSelf(narrow.getType())), narrow);
    broadcast.replaceAllUsesWith(
        arith::ExtFOp::create(b, loc, result, wide).getResult());
    broadcast.erase();
  });
}

struct LowerVectorOpsPass
    : kf::impl::LowerVectorOpsPassBase<LowerVectorOpsPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    MLIRContext *ctx = &getContext();
    // Accumulators read and written around a reduction loop stay in
    // registers: fold the tiles' subviews into the transfers' indices, move
    // what no longer depends on the loop out of it, then hoist the
    // accumulator's read and write around the loop.
    RewritePatternSet aliases(ctx);
    memref::populateFoldMemRefAliasOpPatterns(aliases);
    // Best effort: folding every alias is not required for correctness, so
    // a rewrite that does not reach a fixpoint is not an error.
    (void)applyPatternsGreedily(func, std::move(aliases));
    func.walk([](LoopLikeOpInterface loop) { moveLoopInvariantCode(loop); });
    IRRewriter rewriter(ctx);
    // The read's and the write's index computations must be the same values.
    DominanceInfo dominance(func);
    eliminateCommonSubExpressions(rewriter, dominance, func);
    // Innermost loops first; a hoisted pair may then leave the next loop.
    for (bool changed = true; changed;) {
      changed = false;
      SmallVector<scf::ForOp> loops;
      func.walk([&](scf::ForOp loop) { loops.push_back(loop); });
      for (scf::ForOp loop : loops)
        if (hoistAccumulator(loop, rewriter)) {
          changed = true;
          break;
        }
    }

    widenAfterBroadcast(func);
    // vector<1x64xf32> -> vector<64xf32>: row tiles become 1-D vectors.
    RewritePatternSet unitDims(ctx);
    vector::populateCastAwayVectorLeadingOneDimPatterns(unitDims);
    vector::populateVectorTransferDropUnitDimsPatterns(unitDims);
    vector::populateDropUnitDimWithShapeCastPatterns(unitDims);
    if (failed(applyPatternsGreedily(func, std::move(unitDims)))) {
      func->emitError() << getArgument()
                            << ": rewrite patterns did not converge";
      return signalPassFailure();
    }

    RewritePatternSet lowering(ctx);
    vector::populateVectorContractLoweringPatterns(
        lowering, vector::VectorContractLowering::OuterProduct);
    vector::populateVectorOuterProductLoweringPatterns(lowering);
    vector::populateVectorMultiReductionLoweringPatterns(
        lowering, vector::VectorMultiReductionLowering::InnerReduction);
    vector::populateVectorTransferPermutationMapLoweringPatterns(lowering);
    vector::populateVectorTransferLoweringPatterns(lowering,
                                                   /*maxTransferRank=*/1);
    vector::populateVectorShapeCastLoweringPatterns(lowering);
    vector::populateVectorTransposeLoweringPatterns(
        lowering, vector::VectorTransposeLowering::Shuffle1D);
    vector::populateVectorMaskOpLoweringPatterns(lowering);
    if (failed(applyPatternsGreedily(func, std::move(lowering)))) {
      func->emitError() << getArgument()
                            << ": rewrite patterns did not converge";
      return signalPassFailure();
    }

    // A float sum or product over a vector may be reassociated: the lanes
    // are added as a tree instead of one after another (64 dependent adds per
    // 64-wide chunk otherwise). Reductions change order anyway once tiled.
    func.walk([&](vector::ReductionOp reduction) {
      using vector::CombiningKind;
      CombiningKind kind = reduction.getKind();
      if (kind != CombiningKind::ADD && kind != CombiningKind::MUL)
        return;
      reduction.setFastmath(reduction.getFastmath() |
                            arith::FastMathFlags::reassoc);
    });

    // Broadcast lowering and canonicalization undo each other when mixed;
    // run it on its own.
    RewritePatternSet broadcasts(ctx);
    vector::populateVectorBroadcastLoweringPatterns(broadcasts);
    if (failed(applyPatternsGreedily(func, std::move(broadcasts)))) {
      func->emitError() << getArgument()
                            << ": rewrite patterns did not converge";
      return signalPassFailure();
    }
  }
};
} // namespace
