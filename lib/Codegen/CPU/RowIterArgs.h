//===- RowIterArgs.h - A few rows' sums split into one per row --*- C++ -*-===//
//
// Private to kf-integer-block-dots and kf-factor-block-scales.
//
//===----------------------------------------------------------------------===//

#ifndef KERNELFORGE_LIB_CODEGEN_CPU_ROWITERARGS_H
#define KERNELFORGE_LIB_CODEGEN_CPU_ROWITERARGS_H

#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Builders.h"

namespace mlir::kf {

/// `loop` rebuilt with each rank-2 vector iter_arg that is only read row by
/// row, in the loop and after it (`vector.extract %v[r]`), as one iter_arg
/// per row: the register tile of several rows that vectorisation carries as
/// one vector<R x N>, made R sums of vector<N> that other rewrites match
/// one by one. The yielded rows are extracts of the yielded matrix, for
/// canonicalisation to fold into what built it. Returns the loop, `loop`
/// itself where nothing was split (else erased).
scf::ForOp splitRowIterArgs(OpBuilder &b, scf::ForOp loop);

/// A few rows' register tile against i8 blocks (kf-tile-and-vectorize's
/// `lane_rows`, or a few rows against `[k, n]` blocks) carried as vector<R
/// x N> sums, made R sums of vector<N> that the passes match one by one:
/// the loop's matrix iter_args split into rows (splitRowIterArgs), then, in
/// the loop alone, the rows' extracts folded through the elementwise ops
/// that built them (the block widened and scaled as a matrix of R equal
/// rows becomes each row's scaling of one widened vector) and its rows'
/// transfer reads made plain loads. Only a loop that widens bytes to floats
/// (dequantises an i8 block) is split. Returns the loop, `loop` itself
/// where nothing was split.
scf::ForOp splitRows(scf::ForOp loop);

} // namespace mlir::kf

#endif // KERNELFORGE_LIB_CODEGEN_CPU_ROWITERARGS_H
