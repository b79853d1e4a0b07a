//===- BF16Pairs.h - Products multiplied in bf16 pairs ----------*- C++ -*-===//
//
// Private to kf-tile-and-vectorize and kf-lower-vector-ops: a packed
// product's panels and activations rounded to bf16 and laid out in pairs
// along the reduction, and the register tile's pair products as the
// target's bf16 dot product (x86's `vdpbf16ps`).
//
//===----------------------------------------------------------------------===//

#ifndef KERNELFORGE_LIB_CODEGEN_CPU_BF16PAIRS_H
#define KERNELFORGE_LIB_CODEGEN_CPU_BF16PAIRS_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::kf {

/// Marks the product over (nb, m, j, kp, t) that reads bf16 pair panels.
inline constexpr StringLiteral kBF16PairsAttrName = "kf.bf16_pairs";
/// Marks the copy of a weight's k tile into bf16 pair panels.
inline constexpr StringLiteral kBF16PairCopyAttrName = "kf.bf16_pair_copy";

/// Rewrites a thread tile's product C[m, n] += A[m, k] * B(k, n) (A f32,
/// B f32 or bf16 stored [k, n] or [n, k], or dequantised from i8 blocks of
/// an even size (kf::packDequantizedPairPanels makes those panels), C f32,
/// k even, n a multiple of `cols`) into
///
///   A2[m, kp, t]     = bf16(A[m, 2 kp + t])                 (rounded)
///   P[nb, kp, j, t]  = bf16(B(2 kp + t, nb * cols + j))     (the panels)
///   C'[m, nb, j]    += f32(A2[m, kp, t]) * f32(P[nb, kp, j, t])
///                      over (nb, m, j, kp, t)
///
/// with C' = C expanded to [m, n / cols, cols]: each pair of weight rows
/// side by side in the panel, so that one vector of 2 x 16 bf16 holds the
/// pairs of 16 columns, as the dot product reads them. Returns the
/// activations' rounding, the panels' copy (kBF16PairCopyAttrName) and
/// the product (kBF16PairsAttrName); failure when the op is not that shape.
FailureOr<SmallVector<Operation *>>
packBF16PairPanels(RewriterBase &rewriter, linalg::LinalgOp op, int64_t cols);

/// `vector.contract`s of bf16 pairs widened to f32 (`arith.extf` of both
/// operands) whose accumulator is rows x cols (cols a multiple of 16), with
/// the pair as the innermost dimension of both operands, become one
/// `x86vector.avx512.dot` per row and 16 columns: the row's pair broadcast
/// as one 32-bit lane, against the columns' pairs.
void populateBF16PairDotPatterns(RewritePatternSet &patterns);

/// Reads the column pairs of `func`'s bf16 dot products (as
/// populateBF16PairDotPatterns makes them) from a contiguous panel as one
/// 1-D read each (vector::populateFlattenVectorTransferPatterns, on those
/// reads only): left n-D, a register tile's 32 x 2 read would be lowered to
/// 32 reads of one pair.
void flattenBF16PairReads(Operation *func);

} // namespace mlir::kf

#endif // KERNELFORGE_LIB_CODEGEN_CPU_BF16PAIRS_H
