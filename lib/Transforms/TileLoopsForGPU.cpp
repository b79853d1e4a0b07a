//===- TileLoopsForGPU.cpp - Blocks of threads along the contiguous dim ---===//

#include "kernelforge/Transforms/Passes.h"

#include "mlir/Dialect/SCF/Transforms/Transforms.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::kf {
#define GEN_PASS_DEF_TILELOOPSFORGPUPASS
#include "kernelforge/Transforms/Passes.h.inc"
} // namespace mlir::kf

using namespace mlir;

namespace {
struct TileLoopsForGPUPass
    : kf::impl::TileLoopsForGPUPassBase<TileLoopsForGPUPass> {
  using TileLoopsForGPUPassBase::TileLoopsForGPUPassBase;
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    int64_t size = threads;
    if (size <= 0 || size % 32 != 0) {
      func.emitError("threads must be a positive multiple of 32, got ") << size;
      return signalPassFailure();
    }
    // Drop single-iteration dimensions (a decode step's one row).
    RewritePatternSet patterns(&getContext());
    scf::ParallelOp::getCanonicalizationPatterns(patterns, &getContext());
    (void)applyPatternsGreedily(func, std::move(patterns));

    SmallVector<scf::ParallelOp> outermost;
    func.walk([&](scf::ParallelOp loop) {
      if (!loop->getParentOfType<scf::ParallelOp>() &&
          !loop->getParentOfType<gpu::LaunchOp>() && loop.getNumResults() == 0)
        outermost.push_back(loop);
    });
    for (scf::ParallelOp loop : outermost) {
      SmallVector<int64_t> sizes(loop.getNumLoops(), 1);
      sizes.back() = size;
      scf::tileParallelLoop(loop, sizes, /*noMinMaxBounds=*/true);
    }
  }
};
} // namespace
