//===- ThreadTileFusion.h - Producers computed in their consumer's tile -*-===//
//
// Private to kf-tile-and-vectorize: the ops that only prepare another op's
// operands (a product's bias, a normalization's row means and variances)
// are computed inside that op's thread tiles, on the tile's rows, instead of
// in parallel regions of their own that write whole tensors for it to read
// back.
//
//===----------------------------------------------------------------------===//

#ifndef KERNELFORGE_LIB_CODEGEN_CPU_THREADTILEFUSION_H
#define KERNELFORGE_LIB_CODEGEN_CPU_THREADTILEFUSION_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/PatternMatch.h"

#include "llvm/ADT/SetVector.h"

namespace mlir::kf {

/// Whether `producer` waits to be computed in its consumers' thread tiles:
/// it is not a product, not in a thread tile already, and each of its
/// users is an op of `pending` (not tiled yet) that reads it either as its
/// init (a product's bias, a reduction's zero fill) or, for a reduction over
/// a row (a mean, a variance), as an input. Elementwise ops read as inputs are not (a
/// residual sum read by a norm and by the next residual would be computed
/// twice).
bool waitsForConsumerTiles(linalg::LinalgOp producer,
                           llvm::function_ref<bool(Operation *)> pending);

/// Fuses the producers in `waiting` that `tiled` (the op just tiled into
/// `block`, the thread tiles' loop) reads, and theirs in turn, into
/// `block`: each thread computes their slices for its tile. Only where a
/// slice is computed once per tile: every dimension of `tiled` that the
/// threads split (`split`, by loop) indexes the operand, and a fused op's
/// operands are indexed by all its parallel dimensions. Identical slices
/// (two users of one mean) are computed once. Returns the fused ops, to be
/// tiled for registers; producers left without uses are erased and removed
/// from `waiting`.
SmallVector<linalg::LinalgOp>
fuseWaitingProducers(RewriterBase &rewriter, scf::ForallOp block,
                     linalg::LinalgOp tiled, ArrayRef<bool> split,
                     llvm::SetVector<Operation *> &waiting);

/// The pieces of a split op, and of the op computing its init split with it.
struct SplitWithInit {
  /// The pieces: `second` is null when the split point leaves none.
  linalg::LinalgOp first, second;
  /// The init's producer, now erased (null where it was not split), and its
  /// pieces, one per piece of the op.
  Operation *erasedInit = nullptr;
  SmallVector<linalg::LinalgOp> initPieces;
};

/// Splits `op` along its loop `dim` at `at` (linalg::splitOp), and with it,
/// where `dim` is a parallel loop indexing the output, the op that computes
/// its init, where nothing else reads that and it does not read its own
/// init (a zero fill, a bias broadcast): each piece's init is then a piece
/// of that op, on the piece's slice, which the piece's thread tiles can
/// compute as a producer of theirs, instead of a slice of one whole
/// producer no thread tile reads whole.
FailureOr<SplitWithInit> splitWithInitProducer(RewriterBase &rewriter,
                                               linalg::LinalgOp op,
                                               unsigned dim, int64_t at);

/// An elementwise op computed in the thread tiles of the op it reads.
struct FusedConsumer {
  /// The thread tiles' loop (replaced by one that also yields the op's
  /// result where it was fused).
  scf::ForallOp block;
  /// The op to tile for registers in the tiles, or, where only its
  /// dimensions could be collapsed, to tile on its own.
  linalg::LinalgOp tiled;
  /// The op it was, now erased (null where something still reads it).
  Operation *erased;
};

/// Fuses into `block`, the thread tiles of an op just tiled, the op of
/// `pending` that reads their result, where that is the result's only use
/// and an elementwise op (no reduction, not a product) reads it, or it with
/// unit dimensions added (its own dimensions are then collapsed to the
/// result's), as an input indexed like its own loops, its other operands
/// available before `block` (a GELU after a product, a residual sum): each
/// thread applies it to its tile while the tile is in cache, rather than a
/// parallel loop of its own reading the whole result back (upstream
/// scf::tileAndFuseConsumer). Fails where nothing was changed.
FailureOr<FusedConsumer>
fuseElementwiseConsumer(RewriterBase &rewriter, scf::ForallOp block,
                        llvm::function_ref<bool(Operation *)> pending);

} // namespace mlir::kf

#endif // KERNELFORGE_LIB_CODEGEN_CPU_THREADTILEFUSION_H
