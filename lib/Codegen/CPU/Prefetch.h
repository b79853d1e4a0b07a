//===- Prefetch.h - Prefetching the run a read loads, steps ahead -*- C++ -*-===//
//
// Private to kf-prefetch-strided-reads, kf-prefetch-next-key-tile,
// kf-factor-block-scales and kf-tile-and-vectorize (which reads
// kCacheLineBytes).
//
//===----------------------------------------------------------------------===//

#ifndef KERNELFORGE_LIB_TRANSFORMS_PREFETCH_H
#define KERNELFORGE_LIB_TRANSFORMS_PREFETCH_H

#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Builders.h"

#include <optional>

namespace mlir::kf {

inline constexpr int64_t kCacheLineBytes = 64;

/// Ways of an L1 data cache, at the least: 8 on x86 cores since Sandy
/// Bridge and Zen 1 (12 on Zen 5 and Golden Cove).
inline constexpr int64_t kL1Ways = 8;

/// The cache a prefetch fills: L1 (prefetcht0 on x86) or L2 (prefetcht1).
enum class CacheLevel { L1, L2 };

/// Where a loop's prefetches should go, given the lines it keeps asked for
/// ahead of its reads: `runs` runs of `linesPerRun` consecutive cache lines,
/// `strideBytes` apart (a weight's rows). L1 when no L1 set would hold more
/// of them than kL1Ways: an L1 way is 4 KiB (virtually indexed: a page),
/// so runs whose stride is near a multiple of 4 KiB pile into a few sets
/// and would evict the lines being read; those, and windows too large for
/// the L1, go to L2. Measured on a Zen 5 (kernelforge-bench, weights from
/// memory): decode's int8 products with their rows 16 ahead in L1 instead
/// of L2 (AVX-512 code, 768 x 3072 and 3072 x 768: 0.058 / 0.066 ->
/// 0.050 / 0.047 ms) and AVX2's next i8 tiles (0.071 / 0.081 -> 0.064 /
/// 0.077 ms); AVX2's next bf16 tiles of 3072-column rows (6 KiB apart, 16
/// of a k tile's 32 rows in one set) went from 0.101 to 0.138 ms in L1, and
/// prefill's 64 f32 rows ahead were slower in L1 too.
CacheLevel cacheLevelFor(int64_t runs, int64_t linesPerRun,
                         int64_t strideBytes);

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

/// Prefetches into `level` `lines` cache lines of the run of
/// `memref` at `indices` with the moving index `elementsAhead` elements
/// further, from there along the innermost dimension (`elementBytes`-byte
/// elements). Through a `memref.expand_shape` view (an i8 weight's [blocks,
/// block, n] view of [k, n]) the prefetch is of the memref it views, so that
/// a walk along a split dimension continues into the next block. The index is
/// clamped to its dimension: no address outside the buffer is asked for.
/// The prefetches go in at `b`, constants at `constants` (before the loop).
void prefetchRunAhead(OpBuilder &b, OpBuilder &constants, Location loc,
                      Value memref, ValueRange indices, MovingIndex moving,
                      int64_t elementsAhead, int64_t lines,
                      int64_t elementBytes, CacheLevel level);

/// Prefetches into `level` `lines` cache lines of the run of `memref` (static
/// shape) at `indices` (computed by the caller), through a
/// `memref.expand_shape` view as prefetchRunAhead does. Every index is
/// clamped to its dimension of `memref`, before a view's indices are
/// linearised: an index the loop bounds keep in range then folds away, and
/// one invariant in the loop is clamped outside it.
void prefetchRunAt(OpBuilder &b, OpBuilder &constants, Location loc,
                   Value memref, ValueRange indices, int64_t lines,
                   int64_t elementBytes, CacheLevel level);

} // namespace mlir::kf

#endif // KERNELFORGE_LIB_TRANSFORMS_PREFETCH_H
