//===- SerializeNestedParallel.cpp - One level of OpenMP parallelism ------===//

#include "kernelforge/Transforms/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/CallInterfaces.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

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
  if (a == 0 || b == 0)
    return 0;
  if (a > kUnknownWork / b)
    return kUnknownWork;
  return a * b;
}

/// The static trip count of `lb to ub step s`, or nullopt.
std::optional<int64_t> tripCount(Value lb, Value ub, Value step) {
  std::optional<int64_t> l = getConstantIntValue(lb);
  std::optional<int64_t> u = getConstantIntValue(ub);
  std::optional<int64_t> s = getConstantIntValue(step);
  if (!l || !u || !s || *s <= 0)
    return std::nullopt;
  return *u > *l ? (*u - *l + *s - 1) / *s : 0;
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
  if (auto loop = dyn_cast<scf::ForOp>(op)) {
    std::optional<int64_t> trips = tripCount(
        loop.getLowerBound(), loop.getUpperBound(), loop.getStep());
    return trips ? saturatingMul(*trips, blockWork(*loop.getBody()))
                 : kUnknownWork;
  }
  if (auto loop = dyn_cast<scf::ParallelOp>(op)) {
    int64_t work = blockWork(*loop.getBody());
    for (auto [lb, ub, step] : llvm::zip(
             loop.getLowerBound(), loop.getUpperBound(), loop.getStep())) {
      std::optional<int64_t> trips = tripCount(lb, ub, step);
      work = trips ? saturatingMul(work, *trips) : kUnknownWork;
    }
    return work;
  }
  if (isa<CallOpInterface>(op))
    return kUnknownWork;
  if (auto branch = dyn_cast<scf::IfOp>(op)) {
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
