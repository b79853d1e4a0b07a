//===- LowerVectorOps.cpp - Vector ops down to 1-D forms -------------------===//

#include "kernelforge/Transforms/Passes.h"

#include "mlir/Dialect/Linalg/Transforms/Hoisting.h"
#include "mlir/Dialect/Vector/Transforms/LoweringPatterns.h"
#include "mlir/Dialect/Vector/Transforms/VectorRewritePatterns.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::kf {
#define GEN_PASS_DEF_LOWERVECTOROPSPASS
#include "kernelforge/Transforms/Passes.h.inc"
} // namespace mlir::kf

using namespace mlir;

namespace {
struct LowerVectorOpsPass
    : kf::impl::LowerVectorOpsPassBase<LowerVectorOpsPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    MLIRContext *ctx = &getContext();
    // Accumulators read and written around a reduction loop stay in
    // registers.
    linalg::hoistRedundantVectorTransfers(func);

    // vector<1x64xf32> -> vector<64xf32>: row tiles become 1-D vectors.
    RewritePatternSet unitDims(ctx);
    vector::populateCastAwayVectorLeadingOneDimPatterns(unitDims);
    vector::populateVectorTransferDropUnitDimsPatterns(unitDims);
    vector::populateDropUnitDimWithShapeCastPatterns(unitDims);
    if (failed(applyPatternsGreedily(func, std::move(unitDims))))
      return signalPassFailure();

    RewritePatternSet lowering(ctx);
    vector::populateVectorContractLoweringPatterns(
        lowering, vector::VectorContractLowering::OuterProduct);
    vector::populateVectorOuterProductLoweringPatterns(lowering);
    vector::populateVectorMultiReductionLoweringPatterns(
        lowering, vector::VectorMultiReductionLowering::InnerReduction);
    vector::populateVectorTransferPermutationMapLoweringPatterns(lowering);
    vector::populateVectorTransferLoweringPatterns(lowering,
                                                   /*maxTransferRank=*/1);
    vector::populateVectorShapeCastLoweringPatterns(lowering);
    vector::populateVectorTransposeLoweringPatterns(
        lowering, vector::VectorTransposeLowering::Shuffle1D);
    vector::populateVectorMaskOpLoweringPatterns(lowering);
    if (failed(applyPatternsGreedily(func, std::move(lowering))))
      return signalPassFailure();

    // A float sum or product over a vector may be reassociated: the lanes
    // are added as a tree instead of one after another (64 dependent adds per
    // 64-wide chunk otherwise). Reductions change order anyway once tiled.
    func.walk([&](vector::ReductionOp reduction) {
      using vector::CombiningKind;
      CombiningKind kind = reduction.getKind();
      if (kind != CombiningKind::ADD && kind != CombiningKind::MUL)
        return;
      reduction.setFastmath(reduction.getFastmath() |
                            arith::FastMathFlags::reassoc);
    });

    // Broadcast lowering and canonicalization undo each other when mixed;
    // run it on its own.
    RewritePatternSet broadcasts(ctx);
    vector::populateVectorBroadcastLoweringPatterns(broadcasts);
    if (failed(applyPatternsGreedily(func, std::move(broadcasts))))
      return signalPassFailure();
  }
};
} // namespace
