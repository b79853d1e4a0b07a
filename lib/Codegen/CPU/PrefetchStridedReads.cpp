//===- PrefetchStridedReads.cpp - memref.prefetch ahead of strided reads --===//
//
// A register tile's reduction loop reads one short run of a weight row per
// step, a whole row apart: for a wide product every step is a new page,
// which the hardware prefetchers do not follow. The loop asks for the run
// `distance` steps ahead itself. A one-row product's lane tile (the head)
// walks a few weight rows front to back instead; with 16-bit or i8 weights
// too few bytes per instruction are in flight for one core to keep memory
// busy, and the loop asks for the rows the next register tiles will read.
//
//===----------------------------------------------------------------------===//

#include "Prefetch.h"

#include "kernelforge/Transforms/Contractions.h"
#include "kernelforge/Codegen/CPU/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

namespace mlir::kf {
#define GEN_PASS_DEF_PREFETCHSTRIDEDREADSPASS
#include "kernelforge/Codegen/CPU/Passes.h.inc"
} // namespace mlir::kf

using namespace mlir;

namespace {

/// Lines prefetched per read at most (a 256-byte run).
constexpr int64_t kMaxLinesPerRead = 4;

/// Prefetches that cover a read's run of `bytes`: one per cache line, at
/// most kMaxLinesPerRead.
int64_t linesPerRead(int64_t bytes) {
  return std::clamp<int64_t>(llvm::divideCeil(bytes, kf::kCacheLineBytes), 1,
                             kMaxLinesPerRead);
}

/// Bytes a read moves when its index `moving` advances `step` units of its
/// loop, `strides` being its memref's; nullopt when that stride is dynamic.
std::optional<int64_t> bytesPerStep(ArrayRef<int64_t> strides,
                                    kf::MovingIndex moving, int64_t step,
                                    int64_t elementBytes) {
  if (ShapedType::isDynamic(strides[moving.dim]))
    return std::nullopt;
  return std::abs(strides[moving.dim] * moving.perUnit * step) * elementBytes;
}

/// Moves `at[dim]` `by` elements on; where that reaches `end`, it wraps back
/// by `end` and `at[carry]` moves `carryBy` on instead: a walk that goes on
/// at the start of the next block (constants at `constants`).
void advanceWrapping(OpBuilder &b, OpBuilder &constants, Location loc,
                     MutableArrayRef<Value> at, int64_t dim, int64_t by,
                     int64_t end, int64_t carry, int64_t carryBy) {
  Value moved = arith::AddIOp::create(
      b, loc, at[dim], arith::ConstantIndexOp::create(constants, loc, by));
  Value endValue = arith::ConstantIndexOp::create(constants, loc, end);
  Value past = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge,
                                     moved, endValue);
  at[dim] = arith::SelectOp::create(
      b, loc, past, arith::SubIOp::create(b, loc, moved, endValue), moved);
  Value carried = arith::AddIOp::create(
      b, loc, at[carry],
      arith::ConstantIndexOp::create(constants, loc, carryBy));
  at[carry] = arith::SelectOp::create(b, loc, past, carried, at[carry]);
}

/// Prefetches, for a read of `loop` along its row (`moving`), the same
/// position in the rows at least `rowBytes` below: whole steps of the
/// nearest loop around `loop` whose induction variable moves another index
/// (the row), past loops that move none (a k tile's). One prefetch per
/// cache line of the read's `lines`, into `level` (by default, L1 unless
/// the rows below crowd its sets).
void prefetchNextRows(Operation *read, Value memref, ValueRange indices,
                      ArrayRef<int64_t> strides, int64_t elementBytes,
                      kf::MovingIndex moving, scf::ForOp loop, int64_t rowBytes,
                      int64_t lines,
                      std::optional<kf::CacheLevel> level = std::nullopt) {
  scf::ForOp outer = loop;
  std::optional<kf::MovingIndex> rows;
  while (!rows && (outer = outer->getParentOfType<scf::ForOp>())) {
    for (auto [dim, index] : llvm::enumerate(indices)) {
      if (dim == moving.dim)
        continue;
      std::optional<kf::MovingIndex> motion =
          kf::movingIndex(ValueRange{index}, outer, /*invariantApplies=*/true);
      if (motion && rows)
        return; // More than one index moves with the rows.
      if (motion)
        rows = kf::MovingIndex{static_cast<unsigned>(dim), motion->perUnit};
    }
  }
  if (!rows)
    return;
  std::optional<int64_t> outerStep = getConstantIntValue(outer.getStep());
  if (!outerStep || *outerStep <= 0)
    return;
  std::optional<int64_t> stepBytes =
      bytesPerStep(strides, *rows, *outerStep, elementBytes);
  if (!stepBytes || *stepBytes == 0)
    return;
  int64_t elementsPerStep = rows->perUnit * *outerStep;
  int64_t steps = llvm::divideCeil(rowBytes, *stepBytes);
  OpBuilder outside(loop), b(read);
  kf::prefetchRunAhead(
      b, outside, read->getLoc(), memref, indices, *rows,
      elementsPerStep * steps, lines, elementBytes,
      level ? *level
            : kf::cacheLevelFor(/*runs=*/1,
                                llvm::divideCeil(rowBytes, kf::kCacheLineBytes),
                                /*strideBytes=*/0));
}

/// Prefetches the run `read` loads `distance` steps of `loop` ahead, when it
/// is strided: one index follows the induction variable, a cache line or
/// more per step (0: not asked for); when it is contiguous, the rows
/// `rowBytes` below (prefetchNextRows; 0: not asked for).
void prefetchAhead(Operation *read, Value memref, ValueRange indices,
                   int64_t vectorElements, scf::ForOp loop, int64_t step,
                   int64_t distance, int64_t rowBytes) {
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
  // The row indices of a lane tile are computed in the loop (hoisted
  // later): invariant there.
  std::optional<kf::MovingIndex> moving =
      kf::movingIndex(indices, loop, /*invariantApplies=*/rowBytes > 0);
  if (!moving || ShapedType::isDynamic(type.getDimSize(moving->dim)))
    return;
  std::optional<int64_t> stepBytes =
      bytesPerStep(strides, *moving, step, elementBytes);
  if (!stepBytes)
    return;
  unsigned inner = type.getRank() - 1;
  int64_t runBytes = vectorElements * elementBytes;
  if (*stepBytes < kf::kCacheLineBytes) {
    // Contiguous: the hardware prefetchers follow it, unless asked for the
    // rows below.
    if (rowBytes > 0)
      prefetchNextRows(read, memref, indices, strides, elementBytes, *moving,
                       loop, rowBytes, /*lines=*/1);
    return;
  }
  // A streamed row (whole lines a read, one after another along the row:
  // kf-tile-and-vectorize asks for the rows below of AVX2's one-line
  // reads): the rows below into L2, every line of each read.
  if (rowBytes > 0 && strides[inner] == 1 && *stepBytes == runBytes) {
    prefetchNextRows(read, memref, indices, strides, elementBytes, *moving,
                     loop, rowBytes, linesPerRead(runBytes),
                     kf::CacheLevel::L2);
    return;
  }
  if (distance <= 0)
    return;

  // Each cache line of the run, along the innermost dimension when it is
  // contiguous.
  int64_t lines = 1;
  if (moving->dim != inner && strides[inner] == 1)
    lines = linesPerRead(runBytes);
  // Constants before the loop, the prefetches just before the read.
  OpBuilder outside(loop), b(read);
  kf::prefetchRunAhead(b, outside, read->getLoc(), memref, indices, *moving,
                       moving->perUnit * step * distance, lines, elementBytes,
                       kf::cacheLevelFor(distance, lines, *stepBytes));
}

/// Whether no loop is nested in `loop`.
bool isInnermost(scf::ForOp loop) {
  return !loop.getBody()
              ->walk([](LoopLikeOpInterface) { return WalkResult::interrupt(); })
              .wasInterrupted();
}

/// Prefetches, for a read of `loop` (kf.prefetch_next_tiles), the run it
/// loads `tiles` steps of the loop around it ahead: the same row's next
/// register tiles, when that loop walks along the innermost, contiguous
/// dimension. Past the row's end the run continues where the next step of
/// the loop around that one starts (the next block's row, blocks outer),
/// when it moves another index. One prefetch per cache line of the run;
/// every index is clamped to its dimension.
void prefetchNextTiles(Operation *read, Value memref, ValueRange indices,
                       int64_t vectorElements, scf::ForOp loop,
                       int64_t tiles) {
  auto tileLoop = loop->getParentOfType<scf::ForOp>();
  auto type = dyn_cast<MemRefType>(memref.getType());
  if (!tileLoop || !type || !type.hasStaticShape() ||
      !tileLoop.isDefinedOutsideOfLoop(memref) ||
      indices.size() != static_cast<size_t>(type.getRank()))
    return;
  std::optional<int64_t> tileStep = getConstantIntValue(tileLoop.getStep());
  SmallVector<int64_t> strides;
  int64_t offset;
  int64_t elementBytes = type.getElementTypeBitWidth() / 8;
  if (!tileStep || *tileStep <= 0 || elementBytes == 0 ||
      failed(type.getStridesAndOffset(strides, offset)))
    return;
  // The row: the index the innermost loop moves. Along it: the one index
  // the tile loop moves, which must be the contiguous one.
  std::optional<kf::MovingIndex> row = kf::movingIndex(indices, loop);
  if (!row)
    return;
  std::optional<kf::MovingIndex> along = kf::movingIndex(
      indices, tileLoop, /*invariantApplies=*/true, {loop.getInductionVar()});
  unsigned inner = type.getRank() - 1;
  if (!along || along->dim != inner || strides[inner] != 1)
    return;
  OpBuilder outside(loop), b(read);
  Location loc = read->getLoc();
  SmallVector<Value> at(indices.begin(), indices.end());
  int64_t ahead = along->perUnit * *tileStep * tiles;
  auto blockLoop = tileLoop->getParentOfType<scf::ForOp>();
  std::optional<int64_t> blockStep =
      blockLoop ? getConstantIntValue(blockLoop.getStep()) : std::nullopt;
  // The block loop: the loop around the tile loop, which moves one index
  // other than the column (the block index of an i8 weight's view, or the
  // row itself for k tiles of plain rows), the inner loops held still.
  std::optional<kf::MovingIndex> block =
      blockStep ? kf::movingIndex(indices, blockLoop, /*invariantApplies=*/false,
                                  {loop.getInductionVar(),
                                   tileLoop.getInductionVar()})
                : std::nullopt;
  if (block && block->dim != inner)
    advanceWrapping(b, outside, loc, at, inner, ahead, type.getDimSize(inner),
                    block->dim, block->perUnit * *blockStep);
  else
    at[inner] = arith::AddIOp::create(
        b, loc, at[inner], arith::ConstantIndexOp::create(outside, loc, ahead));
  int64_t lines = linesPerRead(vectorElements * elementBytes);
  // The rows of the loop's walk, each with the runs of `tiles` tiles ahead.
  std::optional<APInt> rows = loop.getStaticTripCount();
  std::optional<int64_t> step = getConstantIntValue(loop.getStep());
  std::optional<int64_t> rowBytes =
      step ? bytesPerStep(strides, *row, *step, elementBytes) : std::nullopt;
  kf::CacheLevel level =
      rows && rowBytes ? kf::cacheLevelFor(rows->getSExtValue(),
                                           lines * tiles, *rowBytes)
                       : kf::CacheLevel::L2;
  kf::prefetchRunAt(b, outside, loc, memref, at, lines, elementBytes, level);
}

/// Prefetches, for a read of a packing copy (kf.prefetch_next_k_tile =
/// `dim`), the run one k tile further along the weight's dimension `dim`:
/// the read's memref is a k tile of the weight (a memref.subview, seen
/// through a memref.expand_shape into panels), and the copy of the next k
/// tile reads the same columns a subview's size further on. Past the
/// weight's end it asks for the first k tile of the next block of the other
/// dimension (the columns the thread copies next). One prefetch per cache
/// line of the run; every index is clamped.
void prefetchNextKTile(Operation *read, Value memref, ValueRange indices,
                       int64_t vectorElements, scf::ForOp loop, int64_t dim) {
  OpBuilder outside(loop), b(read);
  Location loc = read->getLoc();
  SmallVector<Value> at(indices.begin(), indices.end());
  memref = kf::resolveExpandShape(b, loc, memref, at, /*inBounds=*/true);
  auto tile = memref.getDefiningOp<memref::SubViewOp>();
  if (!tile || !loop.isDefinedOutsideOfLoop(tile))
    return;
  auto weightType = dyn_cast<MemRefType>(tile.getSource().getType());
  MemRefType tileType = tile.getType();
  if (!weightType || weightType.getRank() != 2 || dim < 0 || dim > 1 ||
      !weightType.hasStaticShape() || tileType.getRank() != 2 ||
      !tile.hasUnitStride() || !tileType.hasStaticShape() || at.size() != 2)
    return;
  int64_t elementBytes = weightType.getElementTypeBitWidth() / 8;
  if (elementBytes == 0)
    return;
  for (auto [d, offset] : llvm::enumerate(tile.getMixedOffsets()))
    at[d] = arith::AddIOp::create(
        b, loc, at[d], getValueOrCreateConstantIndexOp(b, loc, offset));
  int64_t other = 1 - dim;
  advanceWrapping(b, outside, loc, at, dim, tileType.getDimSize(dim),
                  weightType.getDimSize(dim), other,
                  tileType.getDimSize(other));
  kf::prefetchRunAt(b, outside, loc, tile.getSource(), at,
                    linesPerRead(vectorElements * elementBytes), elementBytes,
                    kf::CacheLevel::L2);
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
      // Marks whose value goes to a prefetch per vector.load of the
      // innermost loop.
      auto eachLoad = [&](StringRef name, auto prefetch) {
        auto value = dyn_cast_or_null<IntegerAttr>(loop->removeAttr(name));
        if (!value || !distance || !isInnermost(loop))
          return;
        for (Operation &op : *loop.getBody()) {
          if (auto load = dyn_cast<vector::LoadOp>(op))
            prefetch(&op, load.getBase(), load.getIndices(),
                     load.getVectorType().getNumElements(), loop,
                     value.getInt());
          // A plain 1-D transfer (a transposing copy's rows).
          else if (auto transfer = dyn_cast<vector::TransferReadOp>(op);
                   transfer && isa<MemRefType>(transfer.getBase().getType()) &&
                   transfer.getVectorType().getRank() == 1 &&
                   transfer.getPermutationMap().isMinorIdentity())
            prefetch(&op, transfer.getBase(), transfer.getIndices(),
                     transfer.getVectorType().getNumElements(), loop,
                     value.getInt());
        }
      };
      eachLoad(kf::kPrefetchNextTilesAttrName, prefetchNextTiles);
      eachLoad(kf::kPrefetchNextKTileAttrName, prefetchNextKTile);
      Attribute mark = loop->removeAttr(kf::kPrefetchAttrName);
      auto rowsMark = dyn_cast_or_null<IntegerAttr>(
          loop->removeAttr(kf::kPrefetchRowsAttrName));
      // A mark of n steps (one-row products) overrides the distance, unless
      // the distance turns prefetching off, which also turns off the rows.
      int64_t steps = distance;
      if (auto own = dyn_cast_or_null<IntegerAttr>(mark); own && distance)
        steps = own.getInt();
      int64_t rowBytes = rowsMark && distance ? rowsMark.getInt() : 0;
      if ((!mark && rowBytes <= 0) || !isInnermost(loop))
        return;
      std::optional<int64_t> step = getConstantIntValue(loop.getStep());
      std::optional<APInt> trips = loop.getStaticTripCount();
      if (!step || *step <= 0)
        return;
      // Strided reads: only with more steps than the distance.
      if (!mark || steps <= 0 || (trips && trips->getSExtValue() <= steps))
        steps = 0;
      if (steps == 0 && rowBytes <= 0)
        return;
      // Prefetches go in before each read, which leaves the iteration intact.
      for (Operation &op : *loop.getBody()) {
        if (auto load = dyn_cast<vector::LoadOp>(op))
          prefetchAhead(&op, load.getBase(), load.getIndices(),
                        load.getVectorType().getNumElements(), loop, *step,
                        steps, rowBytes);
        else if (auto transfer = dyn_cast<vector::TransferReadOp>(op))
          // A run along the innermost dimension only when the transfer is a
          // plain one; otherwise one line.
          prefetchAhead(&op, transfer.getBase(), transfer.getIndices(),
                        transfer.getPermutationMap().isMinorIdentity()
                            ? transfer.getVectorType().getNumElements()
                            : 1,
                        loop, *step, steps, rowBytes);
        else if (auto load = dyn_cast<memref::LoadOp>(op))
          prefetchAhead(&op, load.getMemRef(), load.getIndices(), 1, loop,
                        *step, steps, rowBytes);
      }
    });
  }
};

} // namespace
