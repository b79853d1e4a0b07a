//===- ParallelReductionsToGPU.cpp - One block per reduced row ------------===//

#include "kernelforge/Conversion/GPUKernelUtils.h"
#include "kernelforge/Conversion/Passes.h"

#include "mlir/IR/IRMapping.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <limits>

namespace mlir::kf {
#define GEN_PASS_DEF_CONVERTPARALLELREDUCTIONSTOGPUPASS
#include "kernelforge/Conversion/Passes.h.inc"
} // namespace mlir::kf

using namespace mlir;

namespace {

/// The gpu.all_reduce operation and neutral element of a combiner.
struct CombinerInfo {
  gpu::AllReduceOperation op;
  double neutral;
};

std::optional<CombinerInfo> combinerInfo(Operation *op) {
  double inf = std::numeric_limits<double>::infinity();
  if (isa<arith::AddFOp>(op))
    return CombinerInfo{gpu::AllReduceOperation::ADD, 0.0};
  if (isa<arith::MulFOp>(op))
    return CombinerInfo{gpu::AllReduceOperation::MUL, 1.0};
  if (isa<arith::MaximumFOp>(op))
    return CombinerInfo{gpu::AllReduceOperation::MAXIMUMF, -inf};
  if (isa<arith::MinimumFOp>(op))
    return CombinerInfo{gpu::AllReduceOperation::MINIMUMF, inf};
  if (isa<arith::MaxNumFOp>(op))
    return CombinerInfo{gpu::AllReduceOperation::MAXNUMF, -inf};
  if (isa<arith::MinNumFOp>(op))
    return CombinerInfo{gpu::AllReduceOperation::MINNUMF, inf};
  return std::nullopt;
}

/// The single op of an scf.reduce region (`a op b`), if it is one.
Operation *singleCombiner(Region &region) {
  Block &block = region.front();
  auto ret = cast<scf::ReduceReturnOp>(block.getTerminator());
  Operation *def = ret.getResult().getDefiningOp();
  if (!def || &block.front() != def || def->getNumOperands() != 2 ||
      def->getOperand(0) != block.getArgument(0) ||
      def->getOperand(1) != block.getArgument(1))
    return nullptr;
  return def;
}

std::optional<int64_t> constantIndex(Value v) {
  if (auto c = v.getDefiningOp<arith::ConstantIndexOp>())
    return c.value();
  return std::nullopt;
}

struct RowReductionToBlocks : OpRewritePattern<scf::ParallelOp> {
  RowReductionToBlocks(MLIRContext *ctx, int64_t blockSize)
      : OpRewritePattern(ctx), blockSize(blockSize) {}

  LogicalResult matchAndRewrite(scf::ParallelOp outer,
                                PatternRewriter &rewriter) const override {
    if (outer.getNumResults() != 0 || outer->getParentOfType<scf::ParallelOp>() ||
        outer->getParentOfType<gpu::LaunchOp>())
      return rewriter.notifyMatchFailure(outer, "not an outermost row loop");
    scf::ParallelOp inner;
    for (Operation &op : outer.getBody()->without_terminator()) {
      if (auto p = dyn_cast<scf::ParallelOp>(op)) {
        if (inner || p.getNumLoops() != 1 || p.getNumResults() == 0)
          return rewriter.notifyMatchFailure(outer, "expects one inner reduction");
        inner = p;
      } else if (op.getNumRegions() != 0) {
        return rewriter.notifyMatchFailure(outer, "unexpected region op in a row");
      }
    }
    if (!inner)
      return rewriter.notifyMatchFailure(outer, "no inner reduction");
    SmallVector<int64_t> rows;
    for (auto [lb, ub, step] : llvm::zip(outer.getLowerBound(),
                                         outer.getUpperBound(), outer.getStep())) {
      auto l = constantIndex(lb), u = constantIndex(ub), s = constantIndex(step);
      if (!l || !u || !s || *l != 0 || *s != 1)
        return rewriter.notifyMatchFailure(outer, "expects 0..N step 1 rows");
      rows.push_back(*u);
    }
    auto lbK = constantIndex(inner.getLowerBound()[0]);
    auto stepK = constantIndex(inner.getStep()[0]);
    if (!lbK || *lbK != 0 || !stepK || *stepK != 1)
      return rewriter.notifyMatchFailure(inner, "expects 0..K step 1");
    auto reduce = cast<scf::ReduceOp>(inner.getBody()->getTerminator());
    SmallVector<Operation *> combiners;
    SmallVector<CombinerInfo> infos;
    for (Region &region : reduce.getReductions()) {
      Operation *combiner = singleCombiner(region);
      std::optional<CombinerInfo> info =
          combiner ? combinerInfo(combiner) : std::nullopt;
      if (!info)
        return rewriter.notifyMatchFailure(inner, "unsupported combiner");
      combiners.push_back(combiner);
      infos.push_back(*info);
    }

    Location loc = outer.getLoc();
    int64_t numRows = 1;
    for (int64_t r : rows)
      numRows *= r;
    auto idx = [&](OpBuilder &b, int64_t v) -> Value {
      return arith::ConstantIndexOp::create(b, loc, v);
    };
    Value one = idx(rewriter, 1);
    auto launch = gpu::LaunchOp::create(rewriter, loc, idx(rewriter, numRows),
                                        one, one, idx(rewriter, blockSize), one,
                                        one);
    OpBuilder b = OpBuilder::atBlockBegin(&launch.getBody().front());
    Value block = launch.getBlockIds().x, thread = launch.getThreadIds().x;

    // Row indices from the linear block id (row-major).
    IRMapping map;
    map.map(outer.getInductionVars(), kf::delinearize(b, loc, block, rows));
    // The row's code up to the reduction, run by every thread.
    auto it = outer.getBody()->begin();
    for (; &*it != inner.getOperation(); ++it)
      b.clone(*it, map);

    // Each thread folds columns tid, tid + blockSize, ...
    SmallVector<Value> neutrals;
    for (auto [i, info] : llvm::enumerate(infos)) {
      Type type = inner.getResult(i).getType();
      neutrals.push_back(arith::ConstantOp::create(
          b, loc, type, b.getFloatAttr(type, info.neutral)));
    }
    auto strided = scf::ForOp::create(
        b, loc, thread, map.lookupOrDefault(inner.getUpperBound()[0]),
        idx(b, blockSize), neutrals,
        [&](OpBuilder &fb, Location fl, Value k, ValueRange partials) {
          IRMapping inmap = map;
          inmap.map(inner.getInductionVars()[0], k);
          for (Operation &op : inner.getBody()->without_terminator())
            fb.clone(op, inmap);
          SmallVector<Value> next;
          for (auto [i, c] : llvm::enumerate(combiners)) {
            IRMapping cmap;
            cmap.map(c->getOperand(0), partials[i]);
            cmap.map(c->getOperand(1),
                     inmap.lookupOrDefault(reduce.getOperands()[i]));
            next.push_back(fb.clone(*c, cmap)->getResult(0));
          }
          scf::YieldOp::create(fb, fl, next);
        });
    // The block's total, combined with the row's initial value.
    for (auto [i, info] : llvm::enumerate(infos)) {
      Value total = gpu::AllReduceOp::create(
          b, loc, strided.getResult(i),
          gpu::AllReduceOperationAttr::get(b.getContext(), info.op),
          b.getUnitAttr());
      IRMapping cmap;
      cmap.map(combiners[i]->getOperand(0),
               map.lookupOrDefault(inner.getInitVals()[i]));
      cmap.map(combiners[i]->getOperand(1), total);
      map.map(inner.getResult(i), b.clone(*combiners[i], cmap)->getResult(0));
    }
    // The rest of the row (the stores) by thread 0 only.
    Value first = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                        thread, idx(b, 0));
    auto ifOp = scf::IfOp::create(b, loc, first, /*withElse=*/false);
    OpBuilder tb = ifOp.getThenBodyBuilder();
    for (++it; it != outer.getBody()->end(); ++it)
      if (!isa<scf::ReduceOp>(*it))
        tb.clone(*it, map);
    gpu::TerminatorOp::create(b, loc);
    rewriter.eraseOp(outer);
    return success();
  }

  int64_t blockSize;
};

struct ConvertParallelReductionsToGPUPass
    : kf::impl::ConvertParallelReductionsToGPUPassBase<
          ConvertParallelReductionsToGPUPass> {
  using ConvertParallelReductionsToGPUPassBase::
      ConvertParallelReductionsToGPUPassBase;
  void runOnOperation() override {
    int64_t size = blockSize;
    if (size <= 0 || size % 32 != 0) {
      getOperation().emitError("block-size must be a positive multiple of 32, got ")
          << size;
      return signalPassFailure();
    }
    RewritePatternSet patterns(&getContext());
    patterns.add<RowReductionToBlocks>(&getContext(), size);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns)))) {
      getOperation()->emitError() << getArgument()
                            << ": rewrite patterns did not converge";
      signalPassFailure();
    }
  }
};

} // namespace
