//===- RowHoisting.h - Where a loop's row can be prepared once --*- C++ -*-===//
//
// Private to kf-integer-block-dots and kf-integer-row-pairs: both quantise
// the row a loop reads to 16-bit integers once, before the outermost loop or
// OpenMP construct that neither moves it nor writes it.
//
//===----------------------------------------------------------------------===//

#ifndef KERNELFORGE_LIB_TRANSFORMS_ROWHOISTING_H
#define KERNELFORGE_LIB_TRANSFORMS_ROWHOISTING_H

#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Builders.h"

namespace mlir::kf {

/// Whether `v` is defined outside `op` (so it is the same at every step of
/// it).
bool definedOutside(Value v, Operation *op);

/// Whether `op` may write the buffer `root` (another buffer's root that is
/// an argument may alias an argument `root`, unless one of them is a
/// function result's out-parameter, `bufferize.result`).
bool mayWrite(Operation *op, Value root);

/// The outermost op around `loop` (loops and OpenMP constructs only) that
/// `values` are defined outside of and that writes no part of `root`: the
/// row is the same throughout it, so it is quantised once before it.
Operation *hoistPoint(scf::ForOp loop, ArrayRef<Value> values, Value root);

/// The f32 vector `x` quantised to i16 with one scale, returned with it:
/// `xs = max|x| / 32767`, `xq = roundeven(x / xs)` (0 for a zero vector;
/// NaN propagates through the maximum into the scale, and so into the
/// result, as it would have through the products).
std::pair<Value, Value> quantizeToI16(OpBuilder &b, Location loc, Value x);

/// Where a quantised row's buffers go: the start of the innermost OpenMP
/// parallel region around `point` (one per thread), else of the function.
Block *bufferBlock(Operation *point);

} // namespace mlir::kf

#endif // KERNELFORGE_LIB_TRANSFORMS_ROWHOISTING_H
