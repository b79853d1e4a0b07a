//===- GPUKernelUtils.h - Pieces of generated GPU kernels -------*- C++ -*-===//

#ifndef KERNELFORGE_CONVERSION_GPUKERNELUTILS_H
#define KERNELFORGE_CONVERSION_GPUKERNELUTILS_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/BufferizableOpInterface.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Utils/GPUUtils.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
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

/// Index, float and loop helpers bound to one builder and location: what
/// the generated kernels (fused attention, norms, matrix products) are
/// written with. Comparisons are unsigned (indices); float arithmetic may be
/// contracted into fused multiply-adds.
struct KernelBuilder {
  OpBuilder &b;
  Location loc;

  Value idx(int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); }
  Value f32(double v) {
    return arith::ConstantFloatOp::create(b, loc, b.getF32Type(),
                                          APFloat(static_cast<float>(v)));
  }
  Value zero(Type type) {
    return arith::ConstantOp::create(b, loc, type, b.getZeroAttr(type));
  }
  Value add(Value x, Value y) { return arith::AddIOp::create(b, loc, x, y); }
  Value mul(Value x, Value y) { return arith::MulIOp::create(b, loc, x, y); }
  Value mul(Value x, int64_t y) { return mul(x, idx(y)); }
  Value lt(Value x, Value y) {
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, x, y);
  }
  Value lt(Value x, int64_t bound) { return lt(x, idx(bound)); }
  Value le(Value x, Value y) {
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ule, x, y);
  }
  /// `x && y`, where a null condition holds everywhere.
  Value both(Value x, Value y) {
    if (!x)
      return y;
    if (!y)
      return x;
    return arith::AndIOp::create(b, loc, x, y);
  }
  Value select(Value c, Value x, Value y) {
    return arith::SelectOp::create(b, loc, c, x, y);
  }
  Value fadd(Value x, Value y) {
    return arith::AddFOp::create(b, loc, x, y, arith::FastMathFlags::contract);
  }
  Value fmul(Value x, Value y) {
    return arith::MulFOp::create(b, loc, x, y, arith::FastMathFlags::contract);
  }
  /// `body(index)` for index in [from, to) step `step`.
  void loop(Value from, Value to, Value step, function_ref<void(Value)> body) {
    auto forOp = scf::ForOp::create(b, loc, from, to, step);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPoint(forOp.getBody()->getTerminator());
    body(forOp.getInductionVar());
  }
};

} // namespace mlir::kf

#endif // KERNELFORGE_CONVERSION_GPUKERNELUTILS_H
