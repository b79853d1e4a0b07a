//===- ContractionsToGPU.cpp - Matrix products as GPU kernels -------------===//
//
// A contraction on buffers (linalg.generic: two inputs, one output, one
// reduction dimension, projected-permutation maps, static shapes) becomes a
// gpu.launch of its own kernel. The output's last dimension is n, its
// second-last (when the first input reads it and the second does not) is m,
// the reduction is k, and the other parallel dimensions are batches (grid z).
//
//  - Tiled (more than one output row, TiledKernel.cpp): a block computes a
//    BM x BN tile (up to 64 x 64, smaller when that would leave few blocks)
//    with 16 x 16 threads, each owning BM/16 x BN/16 outputs in registers.
//    k advances 16 at a time: the block stages both k-tiles in workgroup
//    memory (coalesced loads along each operand's contiguous dimension,
//    padded rows against bank conflicts), synchronises, and every thread
//    applies the generic's body in k order, so each output sees the same
//    sequence of operations as the sequential loop.
//  - Mat-vec (one output row, decode; MatVecKernel.cpp): the weights are
//    streamed once. With k contiguous in the weights, a warp per output
//    strides k with its 32 lanes and reduces with xor shuffles; with n
//    contiguous, a block of 256 threads takes 8 to 32 columns (as many as
//    still give 256 blocks) and 32 to 8 k-groups, and combines the groups'
//    partials through workgroup memory. Partial sums reorder the additions,
//    so this form needs a body `out + f(in0, in1)`.
//
// The op filling the output before (the bias) and an elementwise op reading
// it after (GELU, a residual add) become the kernel's prologue and epilogue
// where FusedNeighbours.h allows, so a linear layer is one kernel.
//
//===----------------------------------------------------------------------===//

#include "ContractionKernels.h"

#include "kernelforge/Conversion/Passes.h"

#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::kf {
#define GEN_PASS_DEF_CONVERTCONTRACTIONSTOGPUPASS
#include "kernelforge/Conversion/Passes.h.inc"
} // namespace mlir::kf

using namespace mlir;
using namespace mlir::kf::contractions;

namespace {

bool uses(AffineMap map, unsigned dim) { return map.isFunctionOfDim(dim); }

FailureOr<Contraction> matchContraction(linalg::GenericOp op) {
  if (!op.hasPureBufferSemantics() || op.getNumDpsInputs() != 2 ||
      op.getNumDpsInits() != 1 || op.getNumReductionLoops() != 1 ||
      op.hasIndexSemantics())
    return failure();
  Contraction c;
  c.op = op;
  c.sizes = op.getStaticLoopRanges();
  if (llvm::any_of(c.sizes, ShapedType::isDynamic))
    return failure();
  for (AffineMap map : op.getIndexingMapsArray())
    if (!map.isProjectedPermutation())
      return failure();
  for (auto [d, type] : llvm::enumerate(op.getIteratorTypesArray()))
    if (type == utils::IteratorType::reduction)
      c.k = d;
  AffineMap out = c.map(2);
  if (out.getNumResults() + 1 != c.sizes.size() || uses(out, c.k))
    return failure();
  c.n = cast<AffineDimExpr>(out.getResults().back()).getPosition();
  // The input reading n is the right-hand side.
  if (uses(c.map(0), c.n) == uses(c.map(1), c.n))
    return failure();
  c.rhs = uses(c.map(0), c.n) ? 0 : 1;
  c.lhs = 1 - c.rhs;
  if (!uses(c.map(c.lhs), c.k) || !uses(c.map(c.rhs), c.k))
    return failure();
  if (out.getNumResults() >= 2) {
    unsigned cand =
        cast<AffineDimExpr>(out.getResults()[out.getNumResults() - 2])
            .getPosition();
    if (uses(c.map(c.lhs), cand) && !uses(c.map(c.rhs), cand))
      c.m = cand;
  }
  for (AffineExpr e : out.getResults()) {
    unsigned d = cast<AffineDimExpr>(e).getPosition();
    if (d != c.n && (!c.m || d != *c.m))
      c.batch.push_back(d);
  }
  return c;
}

/// `out + f(in...)`: the body's yielded value is an addf with the output
/// argument on one side and a value not depending on it on the other.
bool isAccumulation(linalg::GenericOp op) {
  Block &body = op.getRegion().front();
  Value out = body.getArgument(2);
  auto add = body.getTerminator()->getOperand(0).getDefiningOp<arith::AddFOp>();
  if (!add || out.getNumUses() != 1)
    return false;
  return add.getLhs() == out || add.getRhs() == out;
}
struct ContractionToKernel : OpRewritePattern<linalg::GenericOp> {
  ContractionToKernel(MLIRContext *context, bool fuseNeighbours)
      : OpRewritePattern(context), fuseNeighbours(fuseNeighbours) {}
  bool fuseNeighbours;

  LogicalResult matchAndRewrite(linalg::GenericOp op,
                                PatternRewriter &rewriter) const override {
    if (op->getParentOfType<gpu::LaunchOp>())
      return rewriter.notifyMatchFailure(op, "already in a kernel");
    FailureOr<Contraction> c = matchContraction(op);
    if (failed(c))
      return rewriter.notifyMatchFailure(op, "not a static contraction");
    if (c->batchCount() > 65535)
      return rewriter.notifyMatchFailure(op, "more batches than grid z");
    if (c->rows() == 1 && !isAccumulation(op))
      return rewriter.notifyMatchFailure(op, "body is not out + f(ins)");
    kf::FusedNeighbours fused;
    if (fuseNeighbours)
      fused = kf::findFusedNeighbours(op);
    // Only views and allocations lie between the fused ops: the kernel goes
    // where the last of them was, after every buffer it uses is made.
    if (fused.epilogue)
      rewriter.setInsertionPoint(fused.epilogue);
    if (c->rows() > 1)
      buildTiled(rewriter, *c, fused);
    else
      buildMatVec(rewriter, *c, fused);
    if (fused.epilogue)
      rewriter.eraseOp(fused.epilogue);
    rewriter.eraseOp(op);
    if (fused.prologue)
      rewriter.eraseOp(fused.prologue);
    return success();
  }
};

struct ConvertContractionsToGPUPass
    : kf::impl::ConvertContractionsToGPUPassBase<ConvertContractionsToGPUPass> {
  using ConvertContractionsToGPUPassBase::ConvertContractionsToGPUPassBase;
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<ContractionToKernel>(&getContext(), fuseNeighbours);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns)))) {
      getOperation()->emitError()
          << getArgument() << ": rewrite patterns did not converge";
      signalPassFailure();
    }
  }
};

} // namespace
