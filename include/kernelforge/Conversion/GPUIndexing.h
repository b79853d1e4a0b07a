//===- GPUIndexing.h - Index arithmetic of generated GPU kernels -*- C++ -*-===//

#ifndef KERNELFORGE_CONVERSION_GPUINDEXING_H
#define KERNELFORGE_CONVERSION_GPUINDEXING_H

#include "mlir/Dialect/Arith/IR/Arith.h"

namespace mlir::kf {

/// The row-major coordinates of `linear` (e.g. a block id) in a space of
/// `sizes`: one index per size, the outermost first.
inline SmallVector<Value> delinearize(OpBuilder &b, Location loc, Value linear,
                                      ArrayRef<int64_t> sizes) {
  SmallVector<Value> coords(sizes.size());
  Value rest = linear;
  for (int d = static_cast<int>(sizes.size()) - 1; d >= 0; --d) {
    if (d == 0) {
      coords[d] = rest;
      break;
    }
    Value size = arith::ConstantIndexOp::create(b, loc, sizes[d]);
    coords[d] = arith::RemUIOp::create(b, loc, rest, size);
    rest = arith::DivUIOp::create(b, loc, rest, size);
  }
  return coords;
}

} // namespace mlir::kf

#endif // KERNELFORGE_CONVERSION_GPUINDEXING_H
