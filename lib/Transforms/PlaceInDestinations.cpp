//===- PlaceInDestinations.cpp - Empty-tensor elimination, to a fixed point
//===//

#include "kernelforge/Transforms/Passes.h"

#include "mlir/Dialect/Bufferization/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tensor/Transforms/Transforms.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::kf {
#define GEN_PASS_DEF_PLACEINDESTINATIONSPASS
#include "kernelforge/Transforms/Passes.h.inc"
} // namespace mlir::kf

using namespace mlir;

namespace {
struct PlaceInDestinationsPass
    : kf::impl::PlaceInDestinationsPassBase<PlaceInDestinationsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto emptyCount = [&] {
      int64_t count = 0;
      module.walk([&](tensor::EmptyOp) { ++count; });
      return count;
    };
    FrozenRewritePatternSet foldEmpty = [&] {
      RewritePatternSet patterns(&getContext());
      tensor::populateFoldTensorEmptyPatterns(patterns);
      return FrozenRewritePatternSet(std::move(patterns));
    }();
    // Each round places at least one more empty tensor or stops; a nest of
    // depth d needs d rounds.
    for (int64_t before = emptyCount();;) {
      IRRewriter rewriter(&getContext());
      if (failed(bufferization::eliminateEmptyTensors(rewriter, module)) ||
          failed(applyPatternsGreedily(module, foldEmpty)))
        return signalPassFailure();
      int64_t after = emptyCount();
      if (after >= before)
        break;
      before = after;
    }
    // The last round's folding can undo a placement (a slice of an empty
    // tensor that a split op's part writes into becomes an empty tensor of
    // its own again, and bufferizes to a buffer of its own plus a copy):
    // place once more.
    IRRewriter rewriter(&getContext());
    if (failed(bufferization::eliminateEmptyTensors(rewriter, module)))
      return signalPassFailure();
    module.walk([](tensor::EmptyOp empty) {
      if (empty->use_empty())
        empty->erase();
    });
  }
};
} // namespace
