//===- DequantizedPanels.h - i8 weights packed straight into panels -*- C++
//-*-===//
//
// Private to kf-tile-and-vectorize.
//
//===----------------------------------------------------------------------===//

#ifndef KERNELFORGE_LIB_TRANSFORMS_DEQUANTIZEDPANELS_H
#define KERNELFORGE_LIB_TRANSFORMS_DEQUANTIZEDPANELS_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::kf {

/// The block size (input features per scale) of `weight`, a product's
/// weight operand, when it is a dequantised i8 weight (convert-kf-to-linalg's
/// `kf.dequantize` op, seen through its collapse to [k, n] or [n, k] and any
/// slices of that); 0 otherwise.
int64_t dequantizedBlock(Value weight);

/// Weight panels P[nb, k, j] = B(k, nb * cols + j) of a product's weight
/// slice `weight` that is a dequantised i8 weight (dequantizedBlock),
/// made from the i8 blocks and their scales directly: one op reads the
/// slice's blocks and scales and writes the panels as f32, so that no
/// dequantised copy of the whole weight is made. `inOut` is how the weight
/// is stored ([k, n] or [n, k]). Returns the op and the panels ([panels, k,
/// cols]); failure when the slice does not start and end on whole blocks.
FailureOr<std::pair<linalg::GenericOp, Value>>
packDequantizedPanels(RewriterBase &rewriter, Location loc, Value weight,
                      bool inOut, int64_t cols);

/// bf16 pair panels P[nb, kp, j, t] = bf16(B(2 kp + t, nb * cols + j)) of
/// a product's weight slice `weight` that is a dequantised i8 weight
/// (dequantizedBlock, an even block), made from the blocks and scales
/// directly (kf::packBF16PairPanels' panels): one op over each pair bp of
/// block kb ((nb, kb, bp, t, j) from [k, n], (nb, kb, bp, j, t) from [n,
/// k]) reads the blocks and scales, multiplies and rounds. Returns the op and
/// the panels ([panels, k / 2, cols, 2]); failure as packDequantizedPanels, or
/// for an odd block.
FailureOr<std::pair<linalg::GenericOp, Value>>
packDequantizedPairPanels(RewriterBase &rewriter, Location loc, Value weight,
                          bool inOut, int64_t cols);

/// A dequantisation of just the blocks and scales a slice `weight` of a
/// dequantised i8 weight covers (a product split off a wider one, such as
/// the columns a register tile leaves over), so that the whole weight is not
/// dequantised for it. Returns the new op (marked kf.dequantize) and its
/// value in `weight`'s shape; failure when `weight` is not such a slice or
/// does not start and end on whole blocks.
FailureOr<std::pair<linalg::GenericOp, Value>>
dequantizeSlice(RewriterBase &rewriter, Location loc, Value weight);

} // namespace mlir::kf

#endif // KERNELFORGE_LIB_TRANSFORMS_DEQUANTIZEDPANELS_H
