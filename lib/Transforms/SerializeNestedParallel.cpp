//===- SerializeNestedParallel.cpp - One level of OpenMP parallelism ------===//

#include "kernelforge/Transforms/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/CallInterfaces.h"
#include "mlir/Interfaces/LoopLikeInterface.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include "llvm/Support/MathExtras.h"

namespace mlir::kf {
#define GEN_PASS_DEF_SERIALIZENESTEDPARALLELPASS
#include "kernelforge/Transforms/Passes.h.inc"
} // namespace mlir::kf

using namespace mlir;

namespace {

/// Work that is not known at compile time counts as this much: more than any
/// threshold.
constexpr int64_t kUnknownWork = std::numeric_limits<int64_t>::max() / 4;

int64_t saturatingMul(int64_t a, int64_t b) {
  int64_t product;
  if (llvm::MulOverflow(a, b, product) || product > kUnknownWork)
    return kUnknownWork;
  return product;
}

/// Iterations of an scf.for or scf.parallel nest known at compile time.
std::optional<int64_t> staticIterations(LoopLikeOpInterface loop) {
  auto lbs = loop.getLoopLowerBounds(), ubs = loop.getLoopUpperBounds(),
       steps = loop.getLoopSteps();
  if (!lbs || !ubs || !steps)
    return std::nullopt;
  auto noDifference = [](Value, Value, bool) -> std::optional<llvm::APSInt> {
    return std::nullopt;
  };
  int64_t iterations = 1;
  for (auto [lb, ub, step] : llvm::zip(*lbs, *ubs, *steps)) {
    std::optional<APInt> trips =
        constantTripCount(lb, ub, step, /*isSigned=*/true, noDifference);
    if (!trips || trips->getActiveBits() > 62)
      return std::nullopt;
    iterations = saturatingMul(iterations, trips->getSExtValue());
  }
  return iterations;
}

/// Lanes of the widest vector `op` reads or writes; for a copy or a linalg op
/// on buffers, the elements of its largest buffer; otherwise 1.
int64_t opElements(Operation *op) {
  bool wholeBuffers = isa<memref::CopyOp, linalg::LinalgOp>(op);
  int64_t elements = 1;
  auto account = [&](Type type) {
    auto shaped = dyn_cast<ShapedType>(type);
    if (!shaped || (isa<MemRefType>(shaped) && !wholeBuffers))
      return;
    elements = shaped.hasStaticShape()
                   ? std::max(elements, shaped.getNumElements())
                   : kUnknownWork;
  };
  for (Type type : op->getOperandTypes())
    account(type);
  for (Type type : op->getResultTypes())
    account(type);
  return elements;
}

int64_t blockWork(Block &block);

/// Scalar element operations `op` performs: a vector op counts its lanes, a
/// memref op (copy, fill) its elements, a loop its body times its static trip
/// count; calls, dynamic shapes and dynamic trip counts are unknown.
int64_t opWork(Operation *op) {
  if (isa<scf::ForOp, scf::ParallelOp>(op)) {
    std::optional<int64_t> iterations =
        staticIterations(cast<LoopLikeOpInterface>(op));
    return iterations ? saturatingMul(*iterations,
                                      blockWork(op->getRegion(0).front()))
                      : kUnknownWork;
  }
  if (isa<CallOpInterface>(op))
    return kUnknownWork;
  // A branch costs its dearer side.
  if (isa<scf::IfOp>(op)) {
    int64_t work = 1;
    for (Region &region : op->getRegions())
      if (!region.empty())
        work = std::max(work, blockWork(region.front()));
    return work;
  }
  if (op->getNumRegions() != 0 && !isa<scf::ReduceOp>(op))
    return kUnknownWork;
  int64_t work = opElements(op);
  for (Region &region : op->getRegions())
    for (Block &block : region)
      work = std::min(kUnknownWork, work + blockWork(block));
  return work;
}

int64_t blockWork(Block &block) {
  int64_t work = 0;
  for (Operation &op : block)
    work = std::min(kUnknownWork, work + opWork(&op));
  return work;
}

/// scf.parallel inside another scf.parallel, or an outermost one with less
/// than `minWork` element operations -> a nest of scf.for whose iter_args
/// carry the scf.reduce accumulators.
struct SerializeNestedParallel : OpRewritePattern<scf::ParallelOp> {
  SerializeNestedParallel(MLIRContext *context, int64_t minWork)
      : OpRewritePattern(context), minWork(minWork) {}

  LogicalResult matchAndRewrite(scf::ParallelOp op,
                                PatternRewriter &rewriter) const override {
    if (!op->getParentOfType<scf::ParallelOp>() &&
        (minWork <= 0 || opWork(op) >= minWork))
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

  int64_t minWork;
};

struct SerializeNestedParallelPass
    : kf::impl::SerializeNestedParallelPassBase<SerializeNestedParallelPass> {
  using Base::Base;

  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<SerializeNestedParallel>(&getContext(), minWork);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns)))) {
      getOperation()->emitError() << getArgument()
                            << ": rewrite patterns did not converge";
      signalPassFailure();
    }
  }
};

} // namespace
