//===- SerializeNestedParallel.cpp - One level of OpenMP parallelism ------===//

#include "kernelforge/Transforms/Passes.h"

#include "mlir/IR/IRMapping.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::kf {
#define GEN_PASS_DEF_SERIALIZENESTEDPARALLELPASS
#include "kernelforge/Transforms/Passes.h.inc"
} // namespace mlir::kf

using namespace mlir;

namespace {

/// scf.parallel inside another scf.parallel -> a nest of scf.for whose
/// iter_args carry the scf.reduce accumulators.
struct SerializeNestedParallel : OpRewritePattern<scf::ParallelOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(scf::ParallelOp op,
                                PatternRewriter &rewriter) const override {
    if (!op->getParentOfType<scf::ParallelOp>())
      return rewriter.notifyMatchFailure(op, "outermost parallel loop");
    Location loc = op.getLoc();
    auto reduce = cast<scf::ReduceOp>(op.getBody()->getTerminator());
    scf::LoopNest nest = scf::buildLoopNest(
        rewriter, loc, op.getLowerBound(), op.getUpperBound(), op.getStep(),
        op.getInitVals(),
        [&](OpBuilder &b, Location l, ValueRange ivs,
            ValueRange accs) -> scf::ValueVector {
          IRMapping map;
          map.map(op.getInductionVars(), ivs);
          for (Operation &nested : op.getBody()->without_terminator())
            b.clone(nested, map);
          scf::ValueVector next;
          for (auto [i, region] : llvm::enumerate(reduce.getReductions())) {
            Block &combiner = region.front();
            IRMapping rmap;
            rmap.map(combiner.getArgument(0), accs[i]);
            rmap.map(combiner.getArgument(1),
                     map.lookupOrDefault(reduce.getOperands()[i]));
            for (Operation &nested : combiner.without_terminator())
              b.clone(nested, rmap);
            auto ret = cast<scf::ReduceReturnOp>(combiner.getTerminator());
            next.push_back(rmap.lookupOrDefault(ret.getResult()));
          }
          return next;
        });
    rewriter.replaceOp(op, nest.results);
    return success();
  }
};

struct SerializeNestedParallelPass
    : kf::impl::SerializeNestedParallelPassBase<SerializeNestedParallelPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<SerializeNestedParallel>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns)))) {
      getOperation()->emitError() << getArgument()
                            << ": rewrite patterns did not converge";
      signalPassFailure();
    }
  }
};

} // namespace
