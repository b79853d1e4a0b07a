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

#include "kernelforge/Conversion/NormsToGPU/NormsToGPU.h"

#include "kernelforge/Conversion/GPUKernelUtils.h"
#include "kernelforge/Conversion/Passes.h"
#include "kernelforge/Dialect/Transformer/IR/TransformerOps.h"

#include "mlir/Dialect/Bufferization/IR/BufferizableOpInterface.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Transforms/WalkPatternRewriteDriver.h"

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
Value blockSum(KernelBuilder &kb, Value threadId, int64_t threads,
               int64_t columns, Value partials,
               function_ref<Value(Value column)> term) {
  OpBuilder &b = kb.b;
  Location loc = kb.loc;
  Value zero = kb.f32(0.0);
  auto loop = scf::ForOp::create(
      b, loc, threadId, kb.idx(columns), kb.idx(threads), ValueRange{zero},
      [&](OpBuilder &nb, Location l, Value d, ValueRange acc) {
        OpBuilder::InsertionGuard guard(b);
        b.setInsertionPoint(nb.getInsertionBlock(), nb.getInsertionPoint());
        scf::YieldOp::create(
            nb, l, ValueRange{arith::AddFOp::create(nb, l, acc[0], term(d))});
      });
  Value warpSum = kf::warpReduce(b, loc, loop.getResult(0),
                                 gpu::AllReduceOperation::ADD, kWarp);
  Value lane = arith::RemUIOp::create(b, loc, threadId, kb.idx(kWarp));
  Value warp = arith::DivUIOp::create(b, loc, threadId, kb.idx(kWarp));
  Value first =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, lane, kb.idx(0));
  scf::IfOp::create(b, loc, first, [&](OpBuilder &tb, Location l) {
    memref::StoreOp::create(tb, l, warpSum, partials, ValueRange{warp});
    scf::YieldOp::create(tb, l);
  });
  gpu::BarrierOp::create(b, loc);
  Value total = zero;
  for (int64_t w = 0; w < threads / kWarp; ++w)
    total = arith::AddFOp::create(
        b, loc, total,
        memref::LoadOp::create(b, loc, partials, ValueRange{kb.idx(w)}));
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
  KernelBuilder kb{b, loc};
  // One buffer of per-warp sums per block reduction.
  auto partialsType = MemRefType::get(
      {threads / kWarp}, b.getF32Type(), MemRefLayoutAttrInterface(),
      gpu::AddressSpaceAttr::get(b.getContext(), gpu::AddressSpace::Workgroup));
  SmallVector<Type> partials(norm.centered ? 2 : 1, partialsType);
  auto launch = gpu::LaunchOp::create(
      b, loc, kb.idx(rows), kb.idx(1), kb.idx(1), kb.idx(threads), kb.idx(1),
      kb.idx(1),
      /*dynamicSharedMemorySize=*/nullptr, /*asyncTokenType=*/nullptr,
      /*asyncDependencies=*/{}, partials);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(&launch.getBody().front());
  Value tid = launch.getThreadIds().x;
  Value step = kb.idx(threads);
  ValueRange sums = launch.getWorkgroupAttributions();
  SmallVector<Value> rowIndices =
      kf::delinearize(b, loc, launch.getBlockIds().x, leading);
  auto at = [&](Value column) {
    SmallVector<Value> indices(rowIndices);
    indices.push_back(column);
    return indices;
  };
  Value invColumns = kb.f32(1.0 / static_cast<double>(columns));
  auto x = [&](Value column) -> Value {
    return memref::LoadOp::create(b, loc, in, at(column));
  };

  Value mean;
  if (norm.centered)
    mean = arith::MulFOp::create(
        b, loc, blockSum(kb, tid, threads, columns, sums.front(), x),
        invColumns);
  auto deviation = [&](Value column) -> Value {
    Value v = x(column);
    return mean ? arith::SubFOp::create(b, loc, v, mean).getResult() : v;
  };
  Value squares =
      blockSum(kb, tid, threads, columns, sums.back(), [&](Value column) {
        Value d = deviation(column);
        return arith::MulFOp::create(b, loc, d, d).getResult();
      });
  Value rstd = math::RsqrtOp::create(
      b, loc,
      arith::AddFOp::create(b, loc,
                            arith::MulFOp::create(b, loc, squares, invColumns),
                            kb.f32(norm.epsilon)));
  auto write = scf::ForOp::create(b, loc, tid, kb.idx(columns), step);
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

/// What the kernel needs of `op`.
Norm describe(LayerNormOp op) {
  return {op.getInput(), op.getScale(), op.getBias(),
          op.getEpsilon().convertToDouble(), /*centered=*/true};
}
Norm describe(RMSNormOp op) {
  return {op.getInput(), op.getScale(), Value(),
          op.getEpsilon().convertToDouble(), /*centered=*/false};
}

/// A static f32 norm becomes a kernel; others are left for the linalg
/// lowering.
template <typename NormOp> struct NormToKernel : OpRewritePattern<NormOp> {
  using OpRewritePattern<NormOp>::OpRewritePattern;

  LogicalResult matchAndRewrite(NormOp op,
                                PatternRewriter &rewriter) const override {
    Norm norm = describe(op);
    for (Value operand : {norm.input, norm.scale, norm.bias}) {
      if (!operand)
        continue;
      auto type = cast<RankedTensorType>(operand.getType());
      if (!type.hasStaticShape() || !type.getElementType().isF32())
        return rewriter.notifyMatchFailure(
            op, "not static f32: left to the linalg lowering");
    }
    Location loc = op->getLoc();
    auto buffer = [&](Value tensor) -> Value {
      return tensor ? kf::readOnlyBuffer(rewriter, loc, tensor) : Value();
    };
    auto type = cast<RankedTensorType>(op->getResult(0).getType());
    Value out = memref::AllocOp::create(
        rewriter, loc, MemRefType::get(type.getShape(), type.getElementType()));
    buildKernel(rewriter, loc, norm, buffer(norm.input), buffer(norm.scale),
                buffer(norm.bias), out);
    rewriter.replaceOpWithNewOp<bufferization::ToTensorOp>(
        op, type, out, /*restrict=*/rewriter.getUnitAttr(),
        /*writable=*/rewriter.getUnitAttr());
    return success();
  }
};

struct ConvertNormsToGPUPass
    : kf::impl::ConvertNormsToGPUPassBase<ConvertNormsToGPUPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateNormsToGPUPatterns(patterns);
    walkAndApplyPatterns(getOperation(), std::move(patterns));
  }
};

} // namespace

void mlir::kf::populateNormsToGPUPatterns(RewritePatternSet &patterns) {
  patterns.add<NormToKernel<LayerNormOp>, NormToKernel<RMSNormOp>>(
      patterns.getContext());
}
