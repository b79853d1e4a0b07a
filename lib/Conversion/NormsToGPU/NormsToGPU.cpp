//===- NormsToGPU.cpp - Layer and RMS norm as one GPU kernel each ---------===//
//
// One block per row: its threads stride the row, a block reduction (xor
// shuffles in each warp, then the warps' sums through workgroup memory)
// gives every thread the row's sum (layer norm) and then the sum of squared
// deviations (or of squares, RMS norm), and the same threads write the
// normalised row.
// The statistics stay in registers; the row is read from global memory three
// times (twice for RMS norm), from cache after the first. Decomposed, a
// layer norm is three kernels, a fill and two copies of the accumulators'
// initial values.
//
// Like the fused attention, the kernel is built on buffers of the op's
// tensors (to_buffer / to_tensor) so the rest of the pipeline bufferizes
// around it.
//
//===----------------------------------------------------------------------===//

#include "kernelforge/Conversion/GPUKernelUtils.h"
#include "kernelforge/Conversion/Passes.h"
#include "kernelforge/Dialect/Transformer/IR/TransformerOps.h"

#include "mlir/Dialect/Bufferization/IR/BufferizableOpInterface.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Math/IR/Math.h"

namespace mlir::kf {
#define GEN_PASS_DEF_CONVERTNORMSTOGPUPASS
#include "kernelforge/Conversion/Passes.h.inc"
} // namespace mlir::kf

using namespace mlir;
using namespace mlir::kf;

namespace {

constexpr int64_t kMaxThreads = 256, kWarp = kf::kWarpSize;

/// What the kernel needs of a layer norm or an RMS norm.
struct Norm {
  Value input, scale, bias;
  double epsilon;
  bool centered;
};

/// The row's sum of `term(x)` over the block's strided columns, then across
/// the block: xor shuffles within each warp, the warps' sums through
/// `partials` (workgroup memory, one per warp), added by every thread in the
/// same order.
Value blockSum(OpBuilder &b, Location loc, Value threadId, int64_t threads,
               int64_t columns, Value partials,
               function_ref<Value(Value column)> term) {
  auto idx = [&](int64_t v) -> Value {
    return arith::ConstantIndexOp::create(b, loc, v);
  };
  Value zero =
      arith::ConstantFloatOp::create(b, loc, b.getF32Type(), APFloat(0.0f));
  auto loop = scf::ForOp::create(
      b, loc, threadId, idx(columns), idx(threads), ValueRange{zero},
      [&](OpBuilder &nb, Location l, Value d, ValueRange acc) {
        OpBuilder::InsertionGuard guard(b);
        b.setInsertionPoint(nb.getInsertionBlock(), nb.getInsertionPoint());
        scf::YieldOp::create(
            nb, l, ValueRange{arith::AddFOp::create(nb, l, acc[0], term(d))});
      });
  Value warpSum = kf::warpReduce(b, loc, loop.getResult(0),
                                 gpu::AllReduceOperation::ADD, kWarp);
  Value lane = arith::RemUIOp::create(b, loc, threadId, idx(kWarp));
  Value warp = arith::DivUIOp::create(b, loc, threadId, idx(kWarp));
  Value first =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, lane, idx(0));
  scf::IfOp::create(b, loc, first, [&](OpBuilder &tb, Location l) {
    memref::StoreOp::create(tb, l, warpSum, partials, ValueRange{warp});
    scf::YieldOp::create(tb, l);
  });
  gpu::BarrierOp::create(b, loc);
  Value total = zero;
  for (int64_t w = 0; w < threads / kWarp; ++w)
    total = arith::AddFOp::create(
        b, loc, total,
        memref::LoadOp::create(b, loc, partials, ValueRange{idx(w)}));
  return total;
}

void buildKernel(OpBuilder &b, Location loc, const Norm &norm, Value in,
                 Value scale, Value bias, Value out) {
  ArrayRef<int64_t> shape = cast<MemRefType>(out.getType()).getShape();
  int64_t columns = shape.back();
  SmallVector<int64_t> leading(shape.drop_back());
  int64_t rows = 1;
  for (int64_t d : leading)
    rows *= d;
  int64_t threads =
      std::min<int64_t>(kMaxThreads, llvm::divideCeil(columns, kWarp) * kWarp);
  auto idx = [&](int64_t v) -> Value {
    return arith::ConstantIndexOp::create(b, loc, v);
  };
  // One buffer of per-warp sums per block reduction.
  auto partialsType = MemRefType::get(
      {threads / kWarp}, b.getF32Type(), MemRefLayoutAttrInterface(),
      gpu::AddressSpaceAttr::get(b.getContext(), gpu::AddressSpace::Workgroup));
  SmallVector<Type> partials(norm.centered ? 2 : 1, partialsType);
  auto launch = gpu::LaunchOp::create(
      b, loc, idx(rows), idx(1), idx(1), idx(threads), idx(1), idx(1),
      /*dynamicSharedMemorySize=*/nullptr, /*asyncTokenType=*/nullptr,
      /*asyncDependencies=*/{}, partials);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(&launch.getBody().front());
  Value tid = launch.getThreadIds().x;
  Value step = idx(threads);
  ValueRange sums = launch.getWorkgroupAttributions();
  SmallVector<Value> rowIndices =
      kf::delinearize(b, loc, launch.getBlockIds().x, leading);
  auto at = [&](Value column) {
    SmallVector<Value> indices(rowIndices);
    indices.push_back(column);
    return indices;
  };
  auto f32 = [&](double v) -> Value {
    return arith::ConstantFloatOp::create(b, loc, b.getF32Type(),
                                          APFloat(static_cast<float>(v)));
  };
  Value invColumns = f32(1.0 / static_cast<double>(columns));
  auto x = [&](Value column) -> Value {
    return memref::LoadOp::create(b, loc, in, at(column));
  };

  Value mean;
  if (norm.centered)
    mean = arith::MulFOp::create(
        b, loc, blockSum(b, loc, tid, threads, columns, sums.front(), x),
        invColumns);
  auto deviation = [&](Value column) -> Value {
    Value v = x(column);
    return mean ? arith::SubFOp::create(b, loc, v, mean).getResult() : v;
  };
  Value squares =
      blockSum(b, loc, tid, threads, columns, sums.back(), [&](Value column) {
        Value d = deviation(column);
        return arith::MulFOp::create(b, loc, d, d).getResult();
      });
  Value rstd = math::RsqrtOp::create(
      b, loc,
      arith::AddFOp::create(b, loc,
                            arith::MulFOp::create(b, loc, squares, invColumns),
                            f32(norm.epsilon)));
  auto write = scf::ForOp::create(b, loc, tid, idx(columns), step);
  b.setInsertionPoint(write.getBody()->getTerminator());
  Value column = write.getInductionVar();
  Value y = arith::MulFOp::create(b, loc, deviation(column), rstd);
  if (scale)
    y = arith::MulFOp::create(
        b, loc, y, memref::LoadOp::create(b, loc, scale, ValueRange{column}));
  if (bias)
    y = arith::AddFOp::create(
        b, loc, y, memref::LoadOp::create(b, loc, bias, ValueRange{column}));
  memref::StoreOp::create(b, loc, y, out, at(column));
  b.setInsertionPointToEnd(&launch.getBody().front());
  gpu::TerminatorOp::create(b, loc);
}

/// Static f32 norms become kernels; others are left for the linalg lowering.
LogicalResult fuse(Operation *op, const Norm &norm) {
  for (Value operand : {norm.input, norm.scale, norm.bias}) {
    if (!operand)
      continue;
    auto type = cast<RankedTensorType>(operand.getType());
    if (!type.hasStaticShape() || !type.getElementType().isF32())
      return failure();
  }
  OpBuilder b(op);
  Location loc = op->getLoc();
  auto buffer = [&](Value tensor) -> Value {
    return tensor ? kf::readOnlyBuffer(b, loc, tensor) : Value();
  };
  auto type = cast<RankedTensorType>(op->getResult(0).getType());
  Value out = memref::AllocOp::create(
      b, loc, MemRefType::get(type.getShape(), type.getElementType()));
  buildKernel(b, loc, norm, buffer(norm.input), buffer(norm.scale),
              buffer(norm.bias), out);
  Value result = bufferization::ToTensorOp::create(
      b, loc, type, out, /*restrict=*/b.getUnitAttr(),
      /*writable=*/b.getUnitAttr());
  op->getResult(0).replaceAllUsesWith(result);
  op->erase();
  return success();
}

struct ConvertNormsToGPUPass
    : kf::impl::ConvertNormsToGPUPassBase<ConvertNormsToGPUPass> {
  void runOnOperation() override {
    SmallVector<Operation *> ops;
    getOperation().walk([&](Operation *op) {
      if (isa<LayerNormOp, RMSNormOp>(op))
        ops.push_back(op);
    });
    for (Operation *op : ops) {
      Norm norm;
      if (auto layer = dyn_cast<LayerNormOp>(op))
        norm = {layer.getInput(), layer.getScale(), layer.getBias(),
                layer.getEpsilon().convertToDouble(), /*centered=*/true};
      else {
        auto rms = cast<RMSNormOp>(op);
        norm = {rms.getInput(), rms.getScale(), Value(),
                rms.getEpsilon().convertToDouble(), /*centered=*/false};
      }
      (void)fuse(op, norm); // what the kernel does not take is lowered later
    }
  }
};

} // namespace
