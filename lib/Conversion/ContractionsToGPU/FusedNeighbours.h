//===- FusedNeighbours.h - Ops a contraction kernel absorbs -----*- C++ -*-===//
//
// On buffers, a linear layer is three ops: a parallel op filling the output
// with the bias (or a linalg.fill), the contraction accumulating into it,
// and often an elementwise op reading it once (GELU, a residual add). Each
// would be a kernel of its own. The contraction's kernel can instead compute
// its initial value from the first (a prologue) and apply the last to each
// finished output before storing it (an epilogue), when nothing else can see
// the difference:
//  - they are the contraction's neighbours in its block (only views,
//    allocations and other memory-effect-free ops between them);
//  - the prologue writes the whole output without reading it, and reads no
//    view of it;
//  - the output is a local allocation that nothing reads after the epilogue
//    before it is overwritten whole or freed (the kernel no longer stores
//    it), and the epilogue reads it through at most one reshape, at the
//    element it writes;
//  - the epilogue's result buffer is not one the contraction reads.
//
//===----------------------------------------------------------------------===//

#ifndef KERNELFORGE_CONVERSION_CONTRACTIONSTOGPU_FUSEDNEIGHBOURS_H
#define KERNELFORGE_CONVERSION_CONTRACTIONSTOGPU_FUSEDNEIGHBOURS_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"

namespace mlir::kf {

struct FusedNeighbours {
  /// Fills the output before the contraction: a parallel linalg.generic or
  /// a linalg.fill (null: the kernel loads the output).
  Operation *prologue = nullptr;
  /// Reads the finished output (null: the kernel stores it).
  linalg::GenericOp epilogue;
  /// The epilogue's operand that reads the output.
  unsigned epilogueOperand = 0;
  /// How that operand views the output: null (the output itself), or a
  /// memref.expand_shape / memref.collapse_shape of it.
  Operation *epilogueView = nullptr;
};

/// The neighbours `contraction` (on buffers, one init) may absorb.
FusedNeighbours findFusedNeighbours(linalg::GenericOp contraction);

/// The indices of `view` (the epilogue's view of the output) at the output
/// element `indices`: the same, or regrouped by the reshape.
SmallVector<Value> viewIndices(OpBuilder &b, Location loc, Operation *view,
                               ValueRange indices);

} // namespace mlir::kf

#endif // KERNELFORGE_CONVERSION_CONTRACTIONSTOGPU_FUSEDNEIGHBOURS_H
