//===- PrefetchStridedReads.cpp - memref.prefetch ahead of strided reads --===//
//
// A register tile's reduction loop reads one short run of a weight row per
// step, a whole row apart: for a wide product every step is a new page,
// which the hardware prefetchers do not follow. The loop asks for the run
// `distance` steps ahead itself.
//
//===----------------------------------------------------------------------===//

#include "Prefetch.h"

#include "kernelforge/Transforms/Contractions.h"
#include "kernelforge/Transforms/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include "llvm/ADT/ScopeExit.h"

namespace mlir::kf {
#define GEN_PASS_DEF_PREFETCHSTRIDEDREADSPASS
#include "kernelforge/Transforms/Passes.h.inc"
} // namespace mlir::kf

using namespace mlir;

namespace {

/// Lines prefetched per read at most (a 256-byte run).
constexpr int64_t kMaxLinesPerRead = 4;

/// The one index of a read that follows the loop: its dimension and the
/// elements it moves when the induction variable grows by one.
struct MovingIndex {
  unsigned dim;
  int64_t perUnit;
};

/// Elements `index` moves when `iv` grows by one, if it is `iv` or an
/// affine.apply linear in it with a constant coefficient; 0 when it does not
/// depend on `iv`; nullopt when it depends on it in any other way.
std::optional<int64_t> unitMotion(Value index, Value iv, scf::ForOp loop) {
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
    return std::nullopt;
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

/// A read through views that split dimensions (`memref.expand_shape`, such
/// as an i8 weight's [blocks, block, n] view of [k, n]) as the same read of
/// the memref they view, each group's indices linearised by affine.apply
/// ops before `read`: a walk that steps along a split dimension then
/// continues past the end of its block, into the next. Returns the
/// affine.apply ops it made.
SmallVector<Operation *> throughExpandedViews(Operation *read, scf::ForOp loop,
                                              Value &memref,
                                              SmallVector<Value> &indices) {
  SmallVector<Operation *> made;
  while (auto expand = memref.getDefiningOp<memref::ExpandShapeOp>()) {
    MemRefType type = expand.getResultType();
    if (!loop.isDefinedOutsideOfLoop(memref) || !type.hasStaticShape())
      break;
    OpBuilder b(read);
    SmallVector<Value> source;
    for (const ReassociationIndices &group :
         expand.getReassociationIndices()) {
      if (group.size() == 1) {
        source.push_back(indices[group[0]]);
        continue;
      }
      // sum_i index_i * (product of the sizes after i in the group)
      AffineExpr linear = getAffineConstantExpr(0, b.getContext());
      int64_t scale = 1;
      SmallVector<Value> operands;
      for (int64_t i = group.size() - 1; i >= 0; --i) {
        linear = linear + getAffineDimExpr(i, b.getContext()) * scale;
        scale *= type.getDimSize(group[i]);
      }
      for (int64_t dim : group)
        operands.push_back(indices[dim]);
      auto apply = affine::AffineApplyOp::create(
          b, read->getLoc(), AffineMap::get(group.size(), 0, linear),
          operands);
      made.push_back(apply);
      source.push_back(apply);
    }
    indices = std::move(source);
    memref = expand.getSrc();
  }
  return made;
}

/// Prefetches the run `read` loads `distance` steps of `loop` ahead, when it
/// is strided: one index follows the induction variable, a cache line or
/// more per step.
void prefetchAhead(Operation *read, Value memref, ValueRange viewIndices,
                   int64_t vectorElements, scf::ForOp loop, int64_t step,
                   int64_t distance) {
  SmallVector<Value> indices(viewIndices.begin(), viewIndices.end());
  SmallVector<Operation *> made =
      throughExpandedViews(read, loop, memref, indices);
  // The linearised indices go again when nothing is prefetched.
  bool prefetched = false;
  auto dropUnused = llvm::make_scope_exit([&] {
    if (!prefetched)
      for (Operation *op : llvm::reverse(made))
        op->erase();
  });
  auto type = dyn_cast<MemRefType>(memref.getType());
  if (!type || !loop.isDefinedOutsideOfLoop(memref) ||
      indices.size() != static_cast<size_t>(type.getRank()))
    return;
  SmallVector<int64_t> strides;
  int64_t offset;
  if (failed(type.getStridesAndOffset(strides, offset)))
    return;
  int64_t elementBytes = type.getElementTypeBitWidth() / 8;
  if (elementBytes == 0)
    return;
  std::optional<MovingIndex> moving;
  for (auto [dim, index] : llvm::enumerate(indices)) {
    std::optional<int64_t> motion =
        unitMotion(index, loop.getInductionVar(), loop);
    if (!motion)
      return;
    if (*motion == 0)
      continue;
    if (moving)
      return; // More than one index moves: not a plain strided walk.
    moving = MovingIndex{static_cast<unsigned>(dim), *motion};
  }
  if (!moving || ShapedType::isDynamic(strides[moving->dim]) ||
      ShapedType::isDynamic(type.getDimSize(moving->dim)))
    return;
  int64_t stepBytes =
      std::abs(strides[moving->dim] * moving->perUnit * step) * elementBytes;
  if (stepBytes < kf::kCacheLineBytes)
    return; // Contiguous enough for the hardware prefetchers.

  Location loc = read->getLoc();
  // Constants before the loop, the prefetches just before the read.
  OpBuilder outside(loop);
  auto constant = [&](int64_t value) {
    return arith::ConstantIndexOp::create(outside, loc, value);
  };
  Value offsetAhead = constant(moving->perUnit * step * distance);
  Value last = constant(type.getDimSize(moving->dim) - 1);
  Value zero = constant(0);
  OpBuilder b(read);
  // The index `distance` steps ahead, kept inside the dimension.
  Value ahead =
      arith::AddIOp::create(b, loc, indices[moving->dim], offsetAhead);
  ahead = arith::MinSIOp::create(b, loc, ahead, last);
  ahead = arith::MaxSIOp::create(b, loc, ahead, zero);
  SmallVector<Value> at(indices.begin(), indices.end());
  at[moving->dim] = ahead;
  // Each cache line of the run, along the innermost dimension when it is
  // contiguous.
  unsigned inner = type.getRank() - 1;
  int64_t runBytes = vectorElements * elementBytes;
  int64_t lines = 1;
  if (moving->dim != inner && strides[inner] == 1)
    lines = std::clamp<int64_t>(llvm::divideCeil(runBytes, kf::kCacheLineBytes),
                                1, kMaxLinesPerRead);
  kf::prefetchLines(b, outside, loc, memref, at, lines, elementBytes);
  prefetched = true;
}

struct PrefetchStridedReadsPass
    : kf::impl::PrefetchStridedReadsPassBase<PrefetchStridedReadsPass> {
  using PrefetchStridedReadsPassBase::PrefetchStridedReadsPassBase;

  void runOnOperation() override {
    if (distance < 0) {
      getOperation()->emitError()
          << getArgument() << ": distance must be 0 or more";
      return signalPassFailure();
    }
    // Each marked loop loses its mark; innermost ones with a constant step
    // and more steps than the distance get their strided reads prefetched.
    getOperation()->walk([&](scf::ForOp loop) {
      Attribute mark = loop->removeAttr(kf::kPrefetchAttrName);
      // A mark of n steps (one-row products) overrides the distance, unless
      // the distance turns prefetching off.
      int64_t steps = distance;
      if (auto own = dyn_cast_or_null<IntegerAttr>(mark); own && distance)
        steps = own.getInt();
      if (!mark || steps <= 0 ||
          loop.getBody()
              ->walk([](LoopLikeOpInterface) { return WalkResult::interrupt(); })
              .wasInterrupted())
        return;
      std::optional<int64_t> step = getConstantIntValue(loop.getStep());
      std::optional<APInt> trips = loop.getStaticTripCount();
      if (!step || *step <= 0 || (trips && trips->getSExtValue() <= steps))
        return;
      // Prefetches go in before each read, which leaves the iteration intact.
      for (Operation &op : *loop.getBody()) {
        if (auto load = dyn_cast<vector::LoadOp>(op))
          prefetchAhead(&op, load.getBase(), load.getIndices(),
                        load.getVectorType().getNumElements(), loop, *step,
                        steps);
        else if (auto transfer = dyn_cast<vector::TransferReadOp>(op))
          // A run along the innermost dimension only when the transfer is a
          // plain one; otherwise one line.
          prefetchAhead(&op, transfer.getBase(), transfer.getIndices(),
                        transfer.getPermutationMap().isMinorIdentity()
                            ? transfer.getVectorType().getNumElements()
                            : 1,
                        loop, *step, steps);
        else if (auto load = dyn_cast<memref::LoadOp>(op))
          prefetchAhead(&op, load.getMemRef(), load.getIndices(), 1, loop,
                        *step, steps);
      }
    });
  }
};

} // namespace
