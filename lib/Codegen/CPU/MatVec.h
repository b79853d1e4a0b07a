//===- MatVec.h - Few-row products as vector-lane dot products --*- C++ -*-===//
//
// Private to kf-tile-and-vectorize.
//
//===----------------------------------------------------------------------===//

#ifndef KERNELFORGE_LIB_TRANSFORMS_MATVEC_H
#define KERNELFORGE_LIB_TRANSFORMS_MATVEC_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::kf {

/// Rewrites a product C[m, n] += A[m, k] * B[n, k] whose weight B is stored
/// [n, k] (k contiguous: the tied head, `nn.Linear` layouts, a decode
/// query's keys; leading batch dimensions allowed) into dot products that
/// keep `lanes` partial sums per output in a vector:
///
///   P[m, n, j] = sum_ko A[m, ko * lanes + j] * B[n, ko * lanes + j]
///   C[m, n]   += sum_j P[m, n, j]
///
/// The first is a contraction with j as a batch dimension, which the
/// register tiling turns into rows of B streamed front to back, `lanes` at a
/// time, each into its own vector accumulator; the second adds the lanes once
/// per output. Returns the two ops; failure when the op is not that shape or
/// `lanes` does not divide k.
FailureOr<SmallVector<Operation *>>
splitLaneReduction(RewriterBase &rewriter, linalg::LinalgOp op, int64_t lanes);

/// The product behind a lane sum, y[m, n] = init + sum_j P[m, n, j] (what
/// splitLaneReduction makes of the tied head and of a few rows against an
/// [n, k] weight, and an i8 row product against out_in blocks; every row
/// stays in each block of outputs): `sum` reads P whole, P is the only result
/// of a product (its sole use) written into a linalg.fill (which other products
/// may share), and `sum` is not inside an scf.forall. Null when `sum` is not
/// such a sum.
linalg::LinalgOp laneSumProducer(linalg::LinalgOp sum);

/// Splits a lane sum (laneSumProducer) of more than `groupRows` rows into
/// lane sums of `groupRows` rows at most (the last takes what is left),
/// each with a product of its own over its rows alone, their results
/// inserted into the sum's init: so that each group's rows are whole
/// operands, defined before any loop its product is tiled into. Returns the
/// new sums (`sum` itself, alone, where it has no more rows than that).
FailureOr<SmallVector<linalg::LinalgOp>>
splitLaneSumRows(RewriterBase &rewriter, linalg::LinalgOp sum,
                 int64_t groupRows);

/// Tiles a lane sum (laneSumProducer) into an scf.forall over blocks of
/// `rowTile` outputs (all its rows in each) and fuses its product and the
/// product's fill into each block: a block's partial sums are a [1, rowTile,
/// lanes] temporary of its own, filled, accumulated and summed while in cache,
/// instead of a [1, n, lanes] tensor zeroed, written and read back through
/// memory (for GPT-2's int8 head, 19 MB of traffic next to its 43 MB of
/// weights). Returns the tiled ops (the sum's first); failure when `rowTile`
/// does not divide n or the fusion fails.
FailureOr<SmallVector<Operation *>>
fuseLaneSumIntoThreadTiles(RewriterBase &rewriter, linalg::LinalgOp sum,
                           int64_t rowTile);

/// Within a lane sum's block of outputs (fuseLaneSumIntoThreadTiles'
/// scf.forall), sums each output right after its product: the block's sum
/// tiled one output at a time in an scf.for, with its product and the
/// product's fill fused in, so that each output's lanes are a [1, 1, lanes]
/// temporary (registers) and the weight rows are read one after another.
/// `ops` (the block's ops, as fuseLaneSumIntoThreadTiles returned them)
/// then lists the new ops instead of the sum, product and fill they replace.
/// Failure, with nothing changed, when the block is not that shape or the
/// fusion fails.
LogicalResult sumLaneRowsOneByOne(RewriterBase &rewriter, scf::ForallOp block,
                                  SmallVectorImpl<Operation *> &ops);

/// Rewrites a one-row product C[0, n] += A[0, k] * B[k, n] whose weight is
/// stored [k, n] (n contiguous: GPT-2's Conv1D layout) into `parts`
/// partial products over consecutive blocks of k and their sum:
///
///   P[s, 0, n] = sum_k' A[0, s * K' + k'] * B[s * K' + k', n]
///   C[0, n]   += sum_s P[s, 0, n]
///
/// so that each thread streams one contiguous block of the weight's rows
/// instead of a strip of every row (measured 1.2-1.7x faster at GPT-2's
/// decode shapes on a 2-core Zen 5, in a C prototype and in the compiled
/// kernels: the threads then read disjoint regions). The partial product is
/// marked `kf.split_reduction` = parts for the planner. Failure when the op
/// is not that shape, or k does not split into parts of at least `minDepth`.
FailureOr<SmallVector<Operation *>>
splitReductionAcrossThreads(RewriterBase &rewriter, linalg::LinalgOp op,
                            int64_t parts, int64_t minDepth);

/// The same for a row against i8 blocks stored [k, n]
/// (`kf.quantized_contraction` over (m, n, kb, j)): parts of consecutive
/// blocks, P[s, 0, n] over (s, m, n, kb', j), then their sum. The partial
/// product keeps the quantized mark and gets `kf.split_reduction`.
FailureOr<SmallVector<Operation *>>
splitQuantizedReductionAcrossThreads(RewriterBase &rewriter,
                                     linalg::LinalgOp op, int64_t parts);

/// The attribute splitReductionAcrossThreads puts on the partial product.
inline constexpr StringLiteral kSplitReductionAttrName = "kf.split_reduction";

/// A vector.contract with a batch dimension whose reductions all have size 1
/// (the register tile of a lane-split product: a [1, 16] row against
/// [8, 16] weights) is one multiply-add per accumulator row: rewritten to
/// vector.fma on rows read by leading-dimension extracts, which the generic
/// contraction lowering would otherwise unroll through shuffles.
void populateUnitReductionContractToFMAPatterns(RewritePatternSet &patterns);

} // namespace mlir::kf

#endif // KERNELFORGE_LIB_TRANSFORMS_MATVEC_H
