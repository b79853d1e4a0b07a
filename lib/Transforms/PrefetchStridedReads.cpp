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

namespace mlir::kf {
#define GEN_PASS_DEF_PREFETCHSTRIDEDREADSPASS
#include "kernelforge/Transforms/Passes.h.inc"
} // namespace mlir::kf

using namespace mlir;

namespace {

/// Lines prefetched per read at most (a 256-byte run).
constexpr int64_t kMaxLinesPerRead = 4;

/// Prefetches the run `read` loads `distance` steps of `loop` ahead, when it
/// is strided: one index follows the induction variable, a cache line or
/// more per step.
void prefetchAhead(Operation *read, Value memref, ValueRange indices,
                   int64_t vectorElements, scf::ForOp loop, int64_t step,
                   int64_t distance) {
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
  std::optional<kf::MovingIndex> moving = kf::movingIndex(indices, loop);
  if (!moving || ShapedType::isDynamic(strides[moving->dim]) ||
      ShapedType::isDynamic(type.getDimSize(moving->dim)))
    return;
  int64_t stepBytes =
      std::abs(strides[moving->dim] * moving->perUnit * step) * elementBytes;
  if (stepBytes < kf::kCacheLineBytes)
    return; // Contiguous enough for the hardware prefetchers.

  // Each cache line of the run, along the innermost dimension when it is
  // contiguous.
  unsigned inner = type.getRank() - 1;
  int64_t runBytes = vectorElements * elementBytes;
  int64_t lines = 1;
  if (moving->dim != inner && strides[inner] == 1)
    lines = std::clamp<int64_t>(llvm::divideCeil(runBytes, kf::kCacheLineBytes),
                                1, kMaxLinesPerRead);
  // Constants before the loop, the prefetches just before the read.
  OpBuilder outside(loop), b(read);
  kf::prefetchRunAhead(b, outside, read->getLoc(), memref, indices, *moving,
                       moving->perUnit * step * distance, lines, elementBytes);
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
