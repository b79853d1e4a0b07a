//===- LinalgReductionsToParallel.cpp - reductions -> scf.parallel/reduce -===//

#include "kernelforge/Conversion/Passes.h"

#include "mlir/Dialect/Affine/Utils.h"
#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::kf {
#define GEN_PASS_DEF_CONVERTLINALGREDUCTIONSTOPARALLELPASS
#include "kernelforge/Conversion/Passes.h.inc"
} // namespace mlir::kf

using namespace mlir;

namespace {

/// `out = combine(out, x)`: the combining op and the operand that is not the
/// accumulator.
struct Combiner {
  Operation *op;
  Value contribution;
};

bool isAssociativeCombiner(Operation *op) {
  return isa<arith::AddFOp, arith::MulFOp, arith::MaximumFOp,
             arith::MinimumFOp, arith::MaxNumFOp, arith::MinNumFOp,
             arith::AddIOp, arith::MulIOp, arith::MaxSIOp, arith::MinSIOp,
             arith::AndIOp, arith::OrIOp>(op);
}

/// Finds each output's combiner; fails unless every yielded value is
/// `combine(acc, x)` with `acc` the output's block argument, used nowhere
/// else.
FailureOr<SmallVector<Combiner>> matchCombiners(linalg::GenericOp op) {
  Block *body = op.getBody();
  auto yield = cast<linalg::YieldOp>(body->getTerminator());
  SmallVector<Combiner> combiners;
  for (auto [i, yielded] : llvm::enumerate(yield.getValues())) {
    BlockArgument acc = op.getRegionOutputArgs()[i];
    Operation *def = yielded.getDefiningOp();
    if (!def || def->getBlock() != body || !isAssociativeCombiner(def) ||
        !yielded.hasOneUse() || !acc.hasOneUse())
      return failure();
    Value lhs = def->getOperand(0), rhs = def->getOperand(1);
    if (lhs == acc)
      combiners.push_back({def, rhs});
    else if (rhs == acc)
      combiners.push_back({def, lhs});
    else
      return failure();
  }
  return combiners;
}

SmallVector<Value> applyMap(OpBuilder &b, Location loc, AffineMap map,
                            ValueRange dims) {
  SmallVector<Value> indices;
  for (AffineExpr expr : map.getResults())
    indices.push_back(affine::makeComposedAffineApply(
                          b, loc, AffineMap::get(map.getNumDims(), 0, expr),
                          getAsOpFoldResult(dims))
                          .getResult());
  return indices;
}

struct ReductionToParallel : OpRewritePattern<linalg::GenericOp> {
  ReductionToParallel(MLIRContext *ctx, bool skipContractions)
      : OpRewritePattern(ctx), skipContractions(skipContractions) {}

  LogicalResult matchAndRewrite(linalg::GenericOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.hasPureBufferSemantics())
      return rewriter.notifyMatchFailure(op, "expects buffers");
    if (skipContractions && linalg::isaContractionOpInterface(op))
      return rewriter.notifyMatchFailure(op, "contractions are left alone");
    if (op.getNumReductionLoops() != 1)
      return rewriter.notifyMatchFailure(op, "expects one reduction dimension");
    SmallVector<int64_t> ranges = op.getStaticLoopRanges();
    if (ShapedType::isDynamicShape(ranges))
      return rewriter.notifyMatchFailure(op, "expects static loop ranges");
    FailureOr<SmallVector<Combiner>> combiners = matchCombiners(op);
    if (failed(combiners))
      return rewriter.notifyMatchFailure(
          op, "an output is not combined by one associative op");

    Location loc = op.getLoc();
    auto iterators = op.getIteratorTypesArray();
    unsigned numDims = ranges.size();
    unsigned reduced = 0;
    SmallVector<Value> lbs, ubs, steps;
    Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
    Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
    for (unsigned d = 0; d < numDims; ++d) {
      if (iterators[d] == utils::IteratorType::reduction) {
        reduced = d;
        continue;
      }
      lbs.push_back(zero);
      ubs.push_back(arith::ConstantIndexOp::create(rewriter, loc, ranges[d]));
      steps.push_back(one);
    }
    Value reducedSize =
        arith::ConstantIndexOp::create(rewriter, loc, ranges[reduced]);

    auto buildRow = [&](OpBuilder &b, Location l, ValueRange rowIvs) {
      // All dimension values but the reduced one.
      auto dimsWith = [&](Value k) {
        SmallVector<Value> dims;
        unsigned next = 0;
        for (unsigned d = 0; d < numDims; ++d)
          dims.push_back(d == reduced ? k : rowIvs[next++]);
        return dims;
      };
      // The outputs do not depend on the reduced dimension.
      SmallVector<Value> outIndices0 = dimsWith(zero);
      SmallVector<Value> inits;
      for (OpOperand &out : op.getDpsInitsMutable())
        inits.push_back(memref::LoadOp::create(
            b, l, out.get(),
            applyMap(b, l, op.getMatchingIndexingMap(&out), outIndices0)));
      auto inner = scf::ParallelOp::create(
          b, l, ValueRange{zero}, ValueRange{reducedSize}, ValueRange{one},
          inits,
          [&](OpBuilder &ib, Location il, ValueRange ivs, ValueRange) {
            SmallVector<Value> dims = dimsWith(ivs[0]);
            IRMapping map;
            for (OpOperand *in : op.getDpsInputOperands())
              map.map(op.getMatchingBlockArgument(in),
                      memref::LoadOp::create(
                          ib, il, in->get(),
                          applyMap(ib, il, op.getMatchingIndexingMap(in),
                                   dims)));
            for (Operation &nested : op.getBody()->without_terminator()) {
              if (llvm::any_of(*combiners, [&](const Combiner &c) {
                    return c.op == &nested;
                  }))
                continue;
              if (auto index = dyn_cast<linalg::IndexOp>(nested)) {
                map.map(index.getResult(), dims[index.getDim()]);
                continue;
              }
              ib.clone(nested, map);
            }
            SmallVector<Value> contributions;
            for (const Combiner &c : *combiners)
              contributions.push_back(map.lookupOrDefault(c.contribution));
            auto reduce = scf::ReduceOp::create(ib, il, contributions);
            for (auto [i, c] : llvm::enumerate(*combiners)) {
              Block &block = reduce.getReductions()[i].front();
              OpBuilder rb = OpBuilder::atBlockEnd(&block);
              IRMapping rmap;
              rmap.map(c.op->getOperand(0), block.getArgument(0));
              rmap.map(c.op->getOperand(1), block.getArgument(1));
              Operation *combined = rb.clone(*c.op, rmap);
              scf::ReduceReturnOp::create(rb, il, combined->getResult(0));
            }
          });
      for (auto [i, out] : llvm::enumerate(op.getDpsInitsMutable()))
        memref::StoreOp::create(
            b, l, inner.getResult(i), out.get(),
            applyMap(b, l, op.getMatchingIndexingMap(&out), outIndices0));
    };

    if (lbs.empty()) {
      buildRow(rewriter, loc, {});
    } else {
      scf::ParallelOp::create(
          rewriter, loc, lbs, ubs, steps,
          [&](OpBuilder &b, Location l, ValueRange ivs) { buildRow(b, l, ivs); });
    }
    rewriter.eraseOp(op);
    return success();
  }

  bool skipContractions;
};

struct ConvertLinalgReductionsToParallelPass
    : kf::impl::ConvertLinalgReductionsToParallelPassBase<
          ConvertLinalgReductionsToParallelPass> {
  using ConvertLinalgReductionsToParallelPassBase::
      ConvertLinalgReductionsToParallelPassBase;
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    kf::populateLinalgReductionsToParallelPatterns(patterns, skipContractions);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns)))) {
      getOperation()->emitError() << getArgument()
                            << ": rewrite patterns did not converge";
      signalPassFailure();
    }
  }
};

} // namespace

void mlir::kf::populateLinalgReductionsToParallelPatterns(
    RewritePatternSet &patterns, bool skipContractions) {
  patterns.add<ReductionToParallel>(patterns.getContext(), skipContractions);
}
