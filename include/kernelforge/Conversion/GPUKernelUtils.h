//===- GPUKernelUtils.h - Pieces of generated GPU kernels -------*- C++ -*-===//

#ifndef KERNELFORGE_CONVERSION_GPUKERNELUTILS_H
#define KERNELFORGE_CONVERSION_GPUKERNELUTILS_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/BufferizableOpInterface.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Utils/GPUUtils.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

namespace mlir::kf {

/// Threads per warp on NVIDIA GPUs (what gpu.shuffle and the kernels'
/// layouts assume).
constexpr int64_t kWarpSize = 32;

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

/// A read-only buffer of `tensor` (any layout) for a kernel built on tensors'
/// buffers before bufferization (to_buffer; the result is to_tensor'd).
inline Value readOnlyBuffer(OpBuilder &b, Location loc, Value tensor) {
  auto type = cast<RankedTensorType>(tensor.getType());
  auto memref = bufferization::getMemRefTypeWithFullyDynamicLayout(type);
  return bufferization::ToBufferOp::create(b, loc, cast<MemRefType>(memref),
                                           tensor, /*readOnly=*/true);
}

/// Combines two values the way `gpu.all_reduce` with `kind` does.
inline Value combine(OpBuilder &b, Location loc, gpu::AllReduceOperation kind,
                     Value lhs, Value rhs) {
  return vector::makeArithReduction(b, loc, gpu::convertReductionKind(kind),
                                    lhs, rhs);
}

/// Reduces `value` across a warp of `warpSize` lanes with xor shuffles
/// (log2(warpSize) steps); every lane gets the result.
inline Value warpReduce(OpBuilder &b, Location loc, Value value,
                        gpu::AllReduceOperation kind, int32_t warpSize = kWarpSize) {
  for (int32_t offset = warpSize / 2; offset > 0; offset /= 2) {
    Value other = gpu::ShuffleOp::create(b, loc, value, offset, warpSize,
                                         gpu::ShuffleMode::XOR)
                      .getShuffleResult();
    value = combine(b, loc, kind, value, other);
  }
  return value;
}

} // namespace mlir::kf

#endif // KERNELFORGE_CONVERSION_GPUKERNELUTILS_H
