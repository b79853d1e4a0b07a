//===- TileLoopsForGPU.cpp - Blocks of threads along the contiguous dim ---===//

#include "kernelforge/Codegen/GPU/Passes.h"

#include "mlir/Dialect/SCF/Transforms/Transforms.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::kf {
#define GEN_PASS_DEF_TILELOOPSFORGPUPASS
#include "kernelforge/Codegen/GPU/Passes.h.inc"
} // namespace mlir::kf

using namespace mlir;

namespace {

bool isUnitDim(scf::ParallelOp loop, unsigned d) {
  return getConstantIntValue(loop.getLowerBound()[d]) == 0 &&
         getConstantIntValue(loop.getUpperBound()[d]) == 1;
}

/// `loop` without its 0..1 dimensions (their induction variables become 0),
/// or `loop` itself when it has no other dimension.
scf::ParallelOp dropUnitDims(scf::ParallelOp loop) {
  SmallVector<unsigned> kept;
  for (unsigned d = 0; d < loop.getNumLoops(); ++d)
    if (!isUnitDim(loop, d))
      kept.push_back(d);
  if (kept.empty() || kept.size() == loop.getNumLoops())
    return loop;
  OpBuilder b(loop);
  SmallVector<Value> lbs, ubs, steps;
  for (unsigned d : kept) {
    lbs.push_back(loop.getLowerBound()[d]);
    ubs.push_back(loop.getUpperBound()[d]);
    steps.push_back(loop.getStep()[d]);
  }
  auto narrowed = scf::ParallelOp::create(b, loop.getLoc(), lbs, ubs, steps);
  Block *body = narrowed.getBody();
  SmallVector<Value> ivs;
  b.setInsertionPointToStart(body);
  Value zero = arith::ConstantIndexOp::create(b, loop.getLoc(), 0);
  for (unsigned d = 0, k = 0; d < loop.getNumLoops(); ++d)
    ivs.push_back(k < kept.size() && kept[k] == d
                      ? narrowed.getInductionVars()[k++]
                      : zero);
  // Replace the new loop's terminator by the old body (its scf.reduce).
  body->getTerminator()->erase();
  Block *old = loop.getBody();
  body->getOperations().splice(body->end(), old->getOperations());
  for (auto [arg, iv] : llvm::zip(old->getArguments(), ivs))
    arg.replaceAllUsesWith(iv);
  loop.erase();
  return narrowed;
}

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
    SmallVector<scf::ParallelOp> outermost;
    func.walk([&](scf::ParallelOp loop) {
      if (!loop->getParentOfType<scf::ParallelOp>() &&
          !loop->getParentOfType<gpu::LaunchOp>() && loop.getNumResults() == 0)
        outermost.push_back(loop);
    });
    // Drop single-iteration dimensions (a decode step's one row), keeping
    // one: a loop of one iteration is still a (one-thread) kernel.
    for (scf::ParallelOp &loop : outermost)
      loop = dropUnitDims(loop);
    for (scf::ParallelOp loop : outermost) {
      SmallVector<int64_t> sizes(loop.getNumLoops(), 1);
      sizes.back() = size;
      scf::tileParallelLoop(loop, sizes, /*noMinMaxBounds=*/true);
    }
  }
};
} // namespace
