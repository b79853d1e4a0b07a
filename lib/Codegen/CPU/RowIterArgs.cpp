//===- RowIterArgs.cpp - A few rows' sums split into one per row ----------===//
//
// Vectorisation carries a register tile of several rows as one vector<R x
// N> per loop-carried sum; the passes that rewrite a row's sums against i8
// blocks (kf-integer-block-dots, kf-factor-block-scales) match one row's
// vector<N>. This splits the sums into rows first.
//
//===----------------------------------------------------------------------===//

#include "RowIterArgs.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/Vector/Transforms/LoweringPatterns.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

using namespace mlir;

namespace {

/// The row each use of `v` reads, where every use is a `vector.extract` of
/// one static row of a rank-2 vector; empty otherwise.
SmallVector<std::pair<vector::ExtractOp, int64_t>> rowReads(Value v) {
  SmallVector<std::pair<vector::ExtractOp, int64_t>> reads;
  for (Operation *user : v.getUsers()) {
    auto extract = dyn_cast<vector::ExtractOp>(user);
    if (!extract || extract.getSource() != v ||
        extract.getStaticPosition().size() != 1 ||
        ShapedType::isDynamic(extract.getStaticPosition()[0]))
      return {};
    reads.push_back({extract, extract.getStaticPosition()[0]});
  }
  return reads;
}

/// A row of an elementwise op's rank-2 result as the op on its operands'
/// rows: `vector.extract (a * b)[r]` -> `a[r] * b[r]` (upstream's sinking
/// of extracts leaves ops with several uses, such as a block scaled for all
/// of a tile's rows, alone).
struct RowOfElementwise : OpRewritePattern<vector::ExtractOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(vector::ExtractOp extract,
                                PatternRewriter &rewriter) const override {
    Operation *def = extract.getSource().getDefiningOp();
    auto type = dyn_cast<VectorType>(extract.getSource().getType());
    if (!def || def->getNumResults() != 1 || def->getNumRegions() != 0 ||
        !OpTrait::hasElementwiseMappableTraits(def) || !type ||
        type.getRank() != 2 || extract.hasDynamicPosition() ||
        extract.getStaticPosition().size() != 1)
      return failure();
    int64_t r = extract.getStaticPosition()[0];
    SmallVector<Value> rows;
    for (Value operand : def->getOperands()) {
      auto operandType = dyn_cast<VectorType>(operand.getType());
      if (!operandType || operandType.getShape() != type.getShape())
        return failure();
      rows.push_back(
          vector::ExtractOp::create(rewriter, extract.getLoc(), operand, r));
    }
    OperationState state(
        extract.getLoc(), def->getName().getStringRef(), rows,
        TypeRange{VectorType::get({type.getDimSize(1)}, type.getElementType())},
        def->getAttrs());
    rewriter.replaceOp(extract, rewriter.create(state)->getResults());
    return success();
  }
};

} // namespace

scf::ForOp kf::splitRowIterArgs(OpBuilder &b, scf::ForOp loop) {
  unsigned count = loop.getNumRegionIterArgs();
  SmallVector<bool> split(count, false);
  for (unsigned i = 0; i < count; ++i) {
    auto type = dyn_cast<VectorType>(loop.getRegionIterArg(i).getType());
    BlockArgument arg = loop.getRegionIterArg(i);
    Value result = loop.getResult(i);
    split[i] = type && type.getRank() == 2 && !type.isScalable() &&
               (arg.use_empty() || !rowReads(arg).empty()) &&
               (result.use_empty() || !rowReads(result).empty());
  }
  if (llvm::none_of(split, [](bool s) { return s; }))
    return loop;
  Location loc = loop.getLoc();
  b.setInsertionPoint(loop);
  // first[i]: the new iter_arg of old iter_arg i, or of its row 0 if split
  // (its rows follow).
  SmallVector<unsigned> first(count);
  SmallVector<int64_t> rows(count, 1);
  SmallVector<Value> inits;
  for (auto [i, init] : llvm::enumerate(loop.getInitArgs())) {
    first[i] = inits.size();
    if (!split[i]) {
      inits.push_back(init);
      continue;
    }
    rows[i] = cast<VectorType>(init.getType()).getDimSize(0);
    for (int64_t r = 0; r < rows[i]; ++r)
      inits.push_back(vector::ExtractOp::create(b, loc, init, r));
  }
  auto newLoop =
      scf::ForOp::create(b, loc, loop.getLowerBound(), loop.getUpperBound(),
                         loop.getStep(), inits);
  newLoop->setDiscardableAttrs(loop->getDiscardableAttrDictionary());
  Block *body = newLoop.getBody();
  Block *old = loop.getBody();
  loop.getInductionVar().replaceAllUsesWith(newLoop.getInductionVar());
  for (unsigned i = 0; i < count; ++i) {
    BlockArgument arg = loop.getRegionIterArg(i);
    if (!split[i]) {
      arg.replaceAllUsesWith(newLoop.getRegionIterArgs()[first[i]]);
      continue;
    }
    for (auto [extract, r] : rowReads(arg)) {
      extract.replaceAllUsesWith(newLoop.getRegionIterArgs()[first[i] + r]);
      extract->erase();
    }
  }
  body->getOperations().splice(body->end(), old->getOperations());
  auto yield = cast<scf::YieldOp>(body->getTerminator());
  b.setInsertionPoint(yield);
  SmallVector<Value> yielded;
  for (auto [i, value] : llvm::enumerate(yield.getOperands())) {
    if (!split[i]) {
      yielded.push_back(value);
      continue;
    }
    for (int64_t r = 0; r < rows[i]; ++r)
      yielded.push_back(vector::ExtractOp::create(b, yield.getLoc(), value, r));
  }
  scf::YieldOp::create(b, yield.getLoc(), yielded);
  yield->erase();
  for (unsigned i = 0; i < count; ++i) {
    Value result = loop.getResult(i);
    if (!split[i]) {
      result.replaceAllUsesWith(newLoop.getResult(first[i]));
      continue;
    }
    for (auto [extract, r] : rowReads(result)) {
      extract.replaceAllUsesWith(newLoop.getResult(first[i] + r));
      extract->erase();
    }
  }
  loop->erase();
  return newLoop;
}

/// Whether `loop`'s body widens a vector of bytes to floats (dequantises
/// an i8 block).
static bool widensBytes(scf::ForOp loop) {
  return llvm::any_of(
      loop.getBody()->getOps<arith::SIToFPOp>(), [](arith::SIToFPOp widen) {
        auto type = dyn_cast<VectorType>(widen.getIn().getType());
        return type && type.getElementType().isInteger(8);
      });
}

scf::ForOp kf::splitRows(scf::ForOp loop) {
  if (!widensBytes(loop))
    return loop;
  OpBuilder b(loop);
  scf::ForOp split = kf::splitRowIterArgs(b, loop);
  if (split == loop)
    return loop;
  MLIRContext *ctx = split.getContext();
  RewritePatternSet patterns(ctx);
  patterns.add<RowOfElementwise>(ctx);
  vector::populateVectorTransferLoweringPatterns(patterns,
                                                 /*maxTransferRank=*/1);
  vector::ExtractOp::getCanonicalizationPatterns(patterns, ctx);
  vector::FromElementsOp::getCanonicalizationPatterns(patterns, ctx);
  vector::ToElementsOp::getCanonicalizationPatterns(patterns, ctx);
  vector::BroadcastOp::getCanonicalizationPatterns(patterns, ctx);
  SmallVector<Operation *> ops;
  split.getBody()->walk([&](Operation *op) { ops.push_back(op); });
  // The extracts of the initial sums before the loop fold as well.
  for (Value init : split.getInitArgs())
    if (Operation *def = init.getDefiningOp())
      ops.push_back(def);
  (void)applyOpPatternsGreedily(ops, std::move(patterns));
  return split;
}

