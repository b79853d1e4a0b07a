//===- Prefetch.h - Prefetching the run a read loads, steps ahead -*- C++ -*-===//
//
// Private to kf-prefetch-strided-reads, kf-prefetch-next-key-tile and
// kf-factor-block-scales.
//
//===----------------------------------------------------------------------===//

#ifndef KERNELFORGE_LIB_TRANSFORMS_PREFETCH_H
#define KERNELFORGE_LIB_TRANSFORMS_PREFETCH_H

#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Builders.h"

#include <optional>

namespace mlir::kf {

inline constexpr int64_t kCacheLineBytes = 64;

/// The one index of a read that follows a loop: its dimension and the
/// elements it moves when the induction variable grows by one.
struct MovingIndex {
  unsigned dim;
  int64_t perUnit;
};

/// The one index of `indices` that moves with `loop` (its induction variable,
/// or an affine.apply linear in it with a constant coefficient; the others
/// defined outside the loop or in `alsoInvariant` (the induction variables
/// of loops nested in it, held still), or with `invariantApplies`,
/// affine.apply ops in it of such values); nullopt when none does, several
/// do, or one moves any other way.
std::optional<MovingIndex> movingIndex(ValueRange indices, scf::ForOp loop,
                                       bool invariantApplies = false,
                                       ValueRange alsoInvariant = {});

/// Rewrites `at`, indices into `memref`, as indices into the static memref
/// that `memref` views when it is a `memref.expand_shape` (its split indices
/// linearised at `b`; `inBounds`: the indices are known to be within the
/// view) and returns that memref; else returns `memref`, `at` unchanged.
Value resolveExpandShape(OpBuilder &b, Location loc, Value memref,
                         SmallVectorImpl<Value> &at, bool inBounds);

/// Prefetches into L2 (prefetcht1 on x86) `lines` cache lines of the run of
/// `memref` at `indices` with the moving index `elementsAhead` elements
/// further, from there along the innermost dimension (`elementBytes`-byte
/// elements). Through a `memref.expand_shape` view (an i8 weight's [blocks,
/// block, n] view of [k, n]) the prefetch is of the memref it views, so that
/// a walk along a split dimension continues into the next block. The index is
/// clamped to its dimension: no address outside the buffer is asked for.
/// Into L2, not L1: a run a few dozen steps ahead would evict the lines the
/// current steps read, most of all when the row stride is a multiple of
/// 4 KiB and every row maps to the same L1 set (measured with GPT-2's
/// 768 x 3072 product on a Zen 5). The prefetches go in at `b`, constants at
/// `constants` (before the loop).
void prefetchRunAhead(OpBuilder &b, OpBuilder &constants, Location loc,
                      Value memref, ValueRange indices, MovingIndex moving,
                      int64_t elementsAhead, int64_t lines,
                      int64_t elementBytes);

/// Prefetches into L2 `lines` cache lines of the run of `memref` (static
/// shape) at `indices` (computed by the caller), through a
/// `memref.expand_shape` view as prefetchRunAhead does. Every index is
/// clamped to its dimension of `memref`, before a view's indices are
/// linearised: an index the loop bounds keep in range then folds away, and
/// one invariant in the loop is clamped outside it.
void prefetchRunAt(OpBuilder &b, OpBuilder &constants, Location loc,
                   Value memref, ValueRange indices, int64_t lines,
                   int64_t elementBytes);

} // namespace mlir::kf

#endif // KERNELFORGE_LIB_TRANSFORMS_PREFETCH_H
