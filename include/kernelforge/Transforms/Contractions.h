//===- Contractions.h - The contractions the CPU schedule tiles -*- C++ -*-===//
//
// One definition of "a contraction" shared by kf-tile-and-vectorize (which
// gives it a register tile), kf-apply-tuning (which looks its schedule up)
// and kernelforge-tune (which measures it), and of the problem text that
// identifies it in the tuning cache.
//
//===----------------------------------------------------------------------===//

#ifndef KERNELFORGE_TRANSFORMS_CONTRACTIONS_H
#define KERNELFORGE_TRANSFORMS_CONTRACTIONS_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"

#include <string>

namespace mlir::kf {

/// (batch..., m, n, k) with k the only reduction, last, two inputs, and a
/// multiply-add body: what gets a register tile of outer products.
bool isTiledContraction(linalg::LinalgOp op);

/// Marks the product of a row with i8 weight blocks (kf.linear with scales):
/// (batch, rows, columns, blocks) with the blocks last, three inputs (the
/// row, the i8 weight, the scales). kf-tile-and-vectorize schedules it like
/// a contraction; it is not a tuning problem.
inline constexpr llvm::StringLiteral kQuantizedContractionAttrName =
    "kf.quantized_contraction";

/// Marks the dequantisation of an i8 weight that a product of many rows reads
/// as f32, set by convert-kf-to-linalg: kf-tile-and-vectorize packs such a
/// weight's panels from the i8 blocks and scales directly.
inline constexpr llvm::StringLiteral kDequantizeAttrName = "kf.dequantize";

/// Marks the register tile loops of a product of many rows (prefill), set
/// by kf-tile-and-vectorize: kf-prefetch-strided-reads prefetches the weight
/// rows their innermost loop walks. An integer value (a row against i8
/// blocks) is that loop's own distance in steps.
inline constexpr llvm::StringLiteral kPrefetchAttrName = "kf.prefetch";

/// Marks the register tile loops of a one-row product with 16-bit or i8
/// weights in a lane sum's block of outputs (the tied head), set by
/// kf-tile-and-vectorize with a number of bytes: kf-prefetch-strided-reads
/// prefetches the weight rows at least that far below each contiguous read
/// of the innermost loop (whole register tiles of the loop around it).
inline constexpr llvm::StringLiteral kPrefetchRowsAttrName = "kf.prefetch_rows";

/// Marks the register tile loops of a row against i8 blocks whose tiles walk
/// a block's rows one short run at a time, tile after tile (blocks outer),
/// set by kf-tile-and-vectorize with a number of tiles: each read of the
/// innermost loop prefetches the run that many steps of the loop around it
/// ahead, the same row's next tiles.
inline constexpr llvm::StringLiteral kPrefetchNextTilesAttrName =
    "kf.prefetch_next_tiles";

/// Marks the loops of a packing copy (a thread's k tile of a weight copied
/// into contiguous panels before a product of many rows reads them), set by
/// kf-tile-and-vectorize on copies of float weights with the weight's
/// reduction dimension (0 when stored [k, n], 1 when [n, k]):
/// kf-prefetch-strided-reads prefetches, for each run the innermost loop
/// copies, the same run one k tile further along that dimension, which the
/// next k tile's copy reads (past the weight's end, the next column block's
/// first k tile, which the thread copies next).
inline constexpr llvm::StringLiteral kPrefetchNextKTileAttrName =
    "kf.prefetch_next_k_tile";

/// Marks a copy that transposes (a weight stored [n, k] into panels, set by
/// kf-tile-and-vectorize; a prefill attention block's key tile, set by
/// convert-kf-to-linalg): [source's contiguous dimension, target's
/// contiguous dimension] of its loops. kf-tile-and-vectorize gives it a
/// square register tile of the vector width, 8 at most, along both, so that
/// each source row and each target row is one vector and the tile is
/// transposed in registers.
inline constexpr llvm::StringLiteral kTransposingCopyAttrName =
    "kf.transposing_copy";

/// Marks the key-tile loop of a decode query's fused attention (one query
/// row per head), set by convert-kf-to-linalg: kf-prefetch-next-key-tile
/// prefetches the next tile's key and value rows while this tile's are
/// used.
inline constexpr llvm::StringLiteral kKeyTileLoopAttrName = "kf.key_tile_loop";

/// Marks the register tile loops of a row against i8 blocks stored [k, n],
/// set by kf-tile-and-vectorize: kf-factor-block-scales scales each block's
/// sum once instead of each weight.
inline constexpr llvm::StringLiteral kBlockScalesAttrName = "kf.block_scales";

/// Marks the register tile loops of a row against i8 blocks stored [n, k]
/// (the lowering's lane-split product, whose partial sums per lane are only
/// ever added together afterwards), set by kf-tile-and-vectorize:
/// kf-integer-block-dots may then move a sum from one lane to another.
inline constexpr llvm::StringLiteral kLaneSumsAttrName = "kf.lane_sums";

/// Whether `op`'s indexing maps are, in order, `results` over its loops
/// (e.g. {{m, k}, {n, k}, {m, n}} with m, n, k bound to dims 0, 1, 2).
bool hasIndexingMaps(linalg::LinalgOp op,
                     ArrayRef<SmallVector<AffineExpr>> results);

/// A contraction kernelforge-tune measures and kf-apply-tuning schedules:
/// on tensors, with static loop ranges, and not inside an scf.forall (the
/// products of a fused attention's block, which run inside its parallel
/// loop, are measured as part of the attention; alone, they would be timed
/// as parallel products of their own).
bool isTuningProblem(linalg::LinalgOp op);

/// The `kf.dequantize` op whose f32 result `weight` is, seen through the
/// collapse to [k, n] or [n, k] and any slices of that; null otherwise.
linalg::GenericOp dequantizingProducer(Value weight);

/// The tuning problem an op poses: static loop ranges, indexing maps and
/// element types, e.g. `1x64x2304x768;(d0, d1, d2, d3) -> (d0, d1, d3),
/// ...;f32,f32->f32`. Two ops with the same text get the same code. An
/// input dequantised from i8 blocks (dequantizingProducer) is described by
/// its storage, `i8/B*f16` (blocks of B along the reduction, a scale of
/// that type each), not as the f32 it is dequantised to: its product packs
/// panels from the blocks, other code than an f32 weight's. With
/// `bf16Products` (kf-cpu-pipeline's option of that name) on a target with
/// a bf16 pair dot product, a product of more than one row against f32,
/// bf16 or i8 weights, which may multiply in bf16 pairs, is a problem of
/// its own too: `;bf16-products`.
std::string describeProblem(linalg::LinalgOp op, bool bf16Products = false);

} // namespace mlir::kf

#endif // KERNELFORGE_TRANSFORMS_CONTRACTIONS_H
