//===- Prefetch.cpp - Prefetching the run a read loads, steps ahead -------===//

#include "Prefetch.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/MemRef/Utils/MemRefUtils.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;

namespace {

/// Elements `index` moves when `iv` grows by one, if it is `iv` or an
/// affine.apply linear in it with a constant coefficient; 0 when it does not
/// depend on `iv` (with `invariantApplies`, also an affine.apply in the loop
/// of values defined outside it); nullopt when it depends on it in any other
/// way.
std::optional<int64_t> unitMotion(Value index, Value iv, scf::ForOp loop,
                                  bool invariantApplies) {
  if (index == iv)
    return 1;
  if (loop.isDefinedOutsideOfLoop(index))
    return 0;
  auto apply = index.getDefiningOp<affine::AffineApplyOp>();
  if (!apply)
    return std::nullopt;
  AffineMap map = apply.getAffineMap();
  std::optional<unsigned> position;
  for (auto [i, operand] : llvm::enumerate(apply.getMapOperands())) {
    if (operand == iv && !position)
      position = i;
    else if (!loop.isDefinedOutsideOfLoop(operand))
      return std::nullopt;
  }
  if (!position)
    return invariantApplies ? std::optional<int64_t>(0) : std::nullopt;
  MLIRContext *ctx = loop.getContext();
  AffineExpr variable =
      *position < map.getNumDims()
          ? getAffineDimExpr(*position, ctx)
          : getAffineSymbolExpr(*position - map.getNumDims(), ctx);
  AffineExpr result = map.getResult(0);
  AffineExpr moved = result.replace(variable, variable + 1);
  auto difference = dyn_cast<AffineConstantExpr>(
      simplifyAffineExpr(moved - result, map.getNumDims(),
                         map.getNumSymbols()));
  if (!difference)
    return std::nullopt;
  return difference.getValue();
}

} // namespace

std::optional<kf::MovingIndex> kf::movingIndex(ValueRange indices,
                                               scf::ForOp loop,
                                               bool invariantApplies) {
  std::optional<MovingIndex> moving;
  for (auto [dim, index] : llvm::enumerate(indices)) {
    std::optional<int64_t> motion =
        unitMotion(index, loop.getInductionVar(), loop, invariantApplies);
    if (!motion)
      return std::nullopt;
    if (*motion == 0)
      continue;
    if (moving)
      return std::nullopt; // More than one index moves: not a plain walk.
    moving = MovingIndex{static_cast<unsigned>(dim), *motion};
  }
  return moving;
}

void kf::prefetchRunAhead(OpBuilder &b, OpBuilder &constants, Location loc,
                          Value memref, ValueRange indices, MovingIndex moving,
                          int64_t elementsAhead, int64_t lines,
                          int64_t elementBytes) {
  auto constant = [&](int64_t value) {
    return arith::ConstantIndexOp::create(constants, loc, value);
  };
  SmallVector<Value> at(indices.begin(), indices.end());
  at[moving.dim] = arith::AddIOp::create(b, loc, at[moving.dim],
                                         constant(elementsAhead));
  Value target = memref;
  unsigned dim = moving.dim;
  auto expand = memref.getDefiningOp<memref::ExpandShapeOp>();
  if (expand && expand.getSrcType().hasStaticShape()) {
    PatternRewriter rewriter(b.getContext());
    rewriter.setInsertionPoint(b.getInsertionBlock(), b.getInsertionPoint());
    SmallVector<Value> source;
    memref::resolveSourceIndicesExpandShape(loc, rewriter, expand, at, source,
                                            /*startsInbounds=*/false);
    at = std::move(source);
    target = expand.getSrc();
    for (auto [group, dims] :
         llvm::enumerate(expand.getReassociationIndices()))
      if (llvm::is_contained(dims, moving.dim))
        dim = group;
  }
  int64_t size = cast<MemRefType>(target.getType()).getDimSize(dim);
  at[dim] = arith::MinSIOp::create(b, loc, at[dim], constant(size - 1));
  at[dim] = arith::MaxSIOp::create(b, loc, at[dim], constant(0));
  unsigned inner = at.size() - 1;
  for (int64_t line = 0; line < lines; ++line) {
    SmallVector<Value> lineAt(at);
    if (line > 0)
      lineAt[inner] = arith::AddIOp::create(
          b, loc, at[inner], constant(line * kCacheLineBytes / elementBytes));
    memref::PrefetchOp::create(b, loc, target, lineAt, /*isWrite=*/false,
                               /*localityHint=*/2, /*isDataCache=*/true);
  }
}
