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
                                  bool invariantApplies,
                                  ValueRange alsoInvariant) {
  auto invariant = [&](Value value) {
    return loop.isDefinedOutsideOfLoop(value) ||
           llvm::is_contained(alsoInvariant, value);
  };
  if (index == iv)
    return 1;
  if (invariant(index))
    return 0;
  auto apply = index.getDefiningOp<affine::AffineApplyOp>();
  if (!apply)
    return std::nullopt;
  AffineMap map = apply.getAffineMap();
  std::optional<unsigned> position;
  for (auto [i, operand] : llvm::enumerate(apply.getMapOperands())) {
    if (operand == iv && !position)
      position = i;
    else if (!invariant(operand))
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
                                               bool invariantApplies,
                                               ValueRange alsoInvariant) {
  std::optional<MovingIndex> moving;
  for (auto [dim, index] : llvm::enumerate(indices)) {
    std::optional<int64_t> motion =
        unitMotion(index, loop.getInductionVar(), loop, invariantApplies,
                   alsoInvariant);
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

Value kf::resolveExpandShape(OpBuilder &b, Location loc, Value memref,
                             SmallVectorImpl<Value> &at, bool inBounds) {
  auto expand = memref.getDefiningOp<memref::ExpandShapeOp>();
  if (!expand || !expand.getSrcType().hasStaticShape())
    return memref;
  PatternRewriter rewriter(b.getContext());
  rewriter.setInsertionPoint(b.getInsertionBlock(), b.getInsertionPoint());
  SmallVector<Value> source;
  memref::resolveSourceIndicesExpandShape(loc, rewriter, expand, at, source,
                                          /*startsInbounds=*/inBounds);
  at.assign(source.begin(), source.end());
  return expand.getSrc();
}

namespace {

/// `at` in `memref`, or through a `memref.expand_shape` view of a static
/// memref, in the memref it views; returns that memref and sets `group` to
/// the dimension there that the view's dimension `dim` is part of.
Value resolveView(OpBuilder &b, Location loc, Value memref,
                  SmallVector<Value> &at, unsigned dim, unsigned &group) {
  group = dim;
  Value target = kf::resolveExpandShape(b, loc, memref, at,
                                        /*inBounds=*/false);
  if (target != memref)
    for (auto [index, dims] : llvm::enumerate(
             memref.getDefiningOp<memref::ExpandShapeOp>()
                 .getReassociationIndices()))
      if (llvm::is_contained(dims, dim))
        group = index;
  return target;
}

/// `index` clamped to [0, size - 1].
Value clampIndex(OpBuilder &b, OpBuilder &constants, Location loc, Value index,
                 int64_t size) {
  Value last = arith::ConstantIndexOp::create(constants, loc, size - 1);
  Value zero = arith::ConstantIndexOp::create(constants, loc, 0);
  Value below = arith::MinSIOp::create(b, loc, index, last);
  return arith::MaxSIOp::create(b, loc, below, zero);
}

/// One prefetch into `level` per cache line of the run of `target` at `at`.
void prefetchLines(OpBuilder &b, OpBuilder &constants, Location loc,
                   Value target, ArrayRef<Value> at, int64_t lines,
                   int64_t elementBytes, kf::CacheLevel level) {
  unsigned inner = at.size() - 1;
  for (int64_t line = 0; line < lines; ++line) {
    SmallVector<Value> lineAt(at);
    if (line > 0)
      lineAt[inner] = arith::AddIOp::create(
          b, loc, at[inner],
          arith::ConstantIndexOp::create(constants, loc,
                                         line * kf::kCacheLineBytes /
                                             elementBytes));
    memref::PrefetchOp::create(
        b, loc, target, lineAt, /*isWrite=*/false,
        /*localityHint=*/level == kf::CacheLevel::L1 ? 3 : 2,
        /*isDataCache=*/true);
  }
}

} // namespace

void kf::prefetchRunAhead(OpBuilder &b, OpBuilder &constants, Location loc,
                          Value memref, ValueRange indices, MovingIndex moving,
                          int64_t elementsAhead, int64_t lines,
                          int64_t elementBytes, CacheLevel level) {
  SmallVector<Value> at(indices.begin(), indices.end());
  at[moving.dim] = arith::AddIOp::create(
      b, loc, at[moving.dim],
      arith::ConstantIndexOp::create(constants, loc, elementsAhead));
  unsigned dim;
  Value target = resolveView(b, loc, memref, at, moving.dim, dim);
  at[dim] = clampIndex(b, constants, loc, at[dim],
                       cast<MemRefType>(target.getType()).getDimSize(dim));
  prefetchLines(b, constants, loc, target, at, lines, elementBytes, level);
}

void kf::prefetchRunAt(OpBuilder &b, OpBuilder &constants, Location loc,
                       Value memref, ValueRange indices, int64_t lines,
                       int64_t elementBytes, CacheLevel level) {
  SmallVector<Value> at(indices.begin(), indices.end());
  // Each index clamped in the memref it is given for (an index the loop
  // bounds keep in range then folds away, a loop-invariant one is hoisted),
  // which keeps the one linearised through a view in range too.
  auto type = cast<MemRefType>(memref.getType());
  for (auto [d, index] : llvm::enumerate(at))
    index = clampIndex(b, constants, loc, index, type.getDimSize(d));
  Value target = kf::resolveExpandShape(b, loc, memref, at,
                                        /*inBounds=*/false);
  prefetchLines(b, constants, loc, target, at, lines, elementBytes, level);
}

kf::CacheLevel kf::cacheLevelFor(int64_t runs, int64_t linesPerRun,
                                 int64_t strideBytes) {
  constexpr int64_t kWayBytes = 4096, kSets = kWayBytes / kCacheLineBytes;
  if (runs <= 0 || linesPerRun <= 0)
    return CacheLevel::L2;
  SmallVector<int64_t> perSet(kSets, 0);
  for (int64_t run = 0; run < runs; ++run) {
    int64_t first = std::abs(run * strideBytes) % kWayBytes / kCacheLineBytes;
    for (int64_t line = 0; line < linesPerRun; ++line)
      if (++perSet[(first + line) % kSets] > kL1Ways)
        return CacheLevel::L2;
  }
  return CacheLevel::L1;
}
