//===- TransformerToLinalg.cpp - The convert-kf-to-linalg pass -------------===//

#include "kernelforge/Conversion/Passes.h"
#include "kernelforge/Dialect/Transformer/IR/TransformerDialect.h"
#include "kernelforge/Target/CPUTargetModel.h"

#include "mlir/Dialect/Tensor/Transforms/Transforms.h"
#include "mlir/Transforms/DialectConversion.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::kf {
#define GEN_PASS_DEF_CONVERTTRANSFORMERTOLINALGPASS
#include "kernelforge/Conversion/Passes.h.inc"
} // namespace mlir::kf

using namespace mlir;
using namespace mlir::kf;

void mlir::kf::populateTransformerToLinalgConversionPatterns(
    RewritePatternSet &patterns, const AttentionLoweringOptions &options) {
  populateTransformerElementwiseToLinalgPatterns(patterns);
  populateTransformerContractionToLinalgPatterns(patterns);
  populateTransformerConvolutionToLinalgPatterns(patterns);
  populateTransformerNormalizationToLinalgPatterns(patterns);
  populateTransformerDataMovementToLinalgPatterns(patterns);
  populateTransformerAttentionToLinalgPatterns(patterns, options);
}

/// The lowering builds static tensors; a dynamic kf operand or result is
/// reported with its op and position.
static LogicalResult checkStaticShapes(ModuleOp module) {
  WalkResult result = module.walk([](Operation *op) {
    if (!isa<TransformerDialect>(op->getDialect()))
      return WalkResult::advance();
    auto check = [&](Type type, StringRef kind, unsigned index) {
      auto tensor = dyn_cast<RankedTensorType>(type);
      if (!tensor || tensor.hasStaticShape())
        return true;
      op->emitOpError("cannot be lowered to linalg: ")
          << kind << " #" << index << " has dynamic shape " << type
          << "; the lowering needs static shapes";
      return false;
    };
    for (auto [i, type] : llvm::enumerate(op->getOperandTypes()))
      if (!check(type, "operand", i))
        return WalkResult::interrupt();
    for (auto [i, type] : llvm::enumerate(op->getResultTypes()))
      if (!check(type, "result", i))
        return WalkResult::interrupt();
    return WalkResult::advance();
  });
  return failure(result.wasInterrupted());
}

namespace {
struct ConvertTransformerToLinalgPass
    : kf::impl::ConvertTransformerToLinalgPassBase<
          ConvertTransformerToLinalgPass> {
  using ConvertTransformerToLinalgPassBase::ConvertTransformerToLinalgPassBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (keyTile < 0 || queryTile < 0) {
      module.emitError("key-tile and query-tile must be positive (0: the "
                       "schedule's), got ")
          << static_cast<int64_t>(keyTile) << " and "
          << static_cast<int64_t>(queryTile);
      return signalPassFailure();
    }
    if (failed(checkStaticShapes(module)))
      return signalPassFailure();

    AttentionLoweringOptions options;
    options.fused = !decomposeAttention;
    // Tiles not given here come from the module's CPU schedule, else 64.
    std::optional<CPUSchedule> schedule = CPUSchedule::ofModule(module);
    options.keyTile = keyTile   ? int64_t(keyTile)
                      : schedule ? schedule->attentionKeyTile
                                 : 64;
    options.queryTile = queryTile ? int64_t(queryTile)
                        : schedule ? schedule->attentionQueryTile
                                   : 64;
    options.decodeKeyTile = keyTile    ? int64_t(keyTile)
                            : schedule ? schedule->attentionDecodeKeyTile
                                       : 16;
    options.keyTileFixed = keyTile != 0;
    options.queryTileFixed = queryTile != 0;

    RewritePatternSet patterns(&getContext());
    populateTransformerToLinalgConversionPatterns(patterns, options);
    ConversionTarget target(getContext());
    target.addIllegalDialect<TransformerDialect>();
    target.addLegalDialect<arith::ArithDialect, cf::ControlFlowDialect,
                           linalg::LinalgDialect, math::MathDialect,
                           scf::SCFDialect, tensor::TensorDialect>();
    target.markUnknownOpDynamicallyLegal([](Operation *) { return true; });
    if (failed(applyPartialConversion(module, target, std::move(patterns))))
      return signalPassFailure();

    // Concatenations (the stacked K/V of a cache update) become slices
    // inserted into an empty tensor, which bufferization can then place in
    // the destination: each part is written where it ends up, no copy.
    RewritePatternSet concat(&getContext());
    tensor::populateDecomposeTensorConcatPatterns(concat);
    GreedyRewriteConfig onlyConcat;
    onlyConcat.enableFolding(false).enableConstantCSE(false);
    onlyConcat.setRegionSimplificationLevel(GreedySimplifyRegionLevel::Disabled);
    if (failed(applyPatternsGreedily(module, std::move(concat), onlyConcat)))
      signalPassFailure();
  }
};
} // namespace
