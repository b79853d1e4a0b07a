//===- ThreadTileFusion.cpp - Producers computed in their consumer's tile -===//
//
// A layer norm is three ops (the rows' means, their variances, the
// normalized rows) and a product with a bias two (the bias broadcast into
// the output, the product accumulating into it). Tiled one by one, each is a
// parallel region that writes a whole tensor for the next to read back. Here
// the first ones wait, and are computed in the last one's thread tiles
// (scf::tileAndFuseProducerOfSlice): each thread computes its rows' means
// and variances, or its block of the output's bias, right before it uses
// them, in cache.
//
//===----------------------------------------------------------------------===//

#include "ThreadTileFusion.h"

#include "kernelforge/Transforms/Contractions.h"

#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Dominance.h"
#include "mlir/Transforms/CSE.h"

using namespace mlir;

namespace {

/// The linalg op whose result a slice in `block` reads: the value itself,
/// or the init of the thread tiles' shared output it is a slice of.
linalg::LinalgOp producerOfSlice(tensor::ExtractSliceOp slice,
                                 scf::ForallOp block) {
  Value source = slice.getSource();
  if (auto arg = dyn_cast<BlockArgument>(source)) {
    if (arg.getOwner()->getParentOp() != block)
      return nullptr;
    OpOperand *init = block.getTiedOpOperand(arg);
    if (!init)
      return nullptr;
    source = init->get();
  }
  return source.getDefiningOp<linalg::LinalgOp>();
}

/// Whether `operand`'s map indexes every loop `needed` marks.
bool indexesLoops(linalg::LinalgOp op, OpOperand &operand,
                  ArrayRef<bool> needed) {
  AffineMap map = op.getMatchingIndexingMap(&operand);
  if (!map.isProjectedPermutation())
    return false;
  for (auto [loop, need] : llvm::enumerate(needed))
    if (need && !map.isFunctionOfDim(loop))
      return false;
  return true;
}

/// The slices `op` reads of producers in `waiting`, each whose operand
/// indexes the loops `needed` marks.
SmallVector<tensor::ExtractSliceOp>
waitingSlices(linalg::LinalgOp op, scf::ForallOp block, ArrayRef<bool> needed,
              const llvm::SetVector<Operation *> &waiting) {
  SmallVector<tensor::ExtractSliceOp> slices;
  for (OpOperand &operand : op->getOpOperands()) {
    auto slice = operand.get().getDefiningOp<tensor::ExtractSliceOp>();
    if (!slice)
      continue;
    linalg::LinalgOp producer = producerOfSlice(slice, block);
    if (producer && waiting.contains(producer) &&
        indexesLoops(op, operand, needed))
      slices.push_back(slice);
  }
  return slices;
}

} // namespace

bool mlir::kf::waitsForConsumerTiles(
    linalg::LinalgOp producer, llvm::function_ref<bool(Operation *)> pending) {
  // Inside a thread tile already (a fused block, a producer fused there),
  // no consumer gets thread tiles of its own to wait for.
  if (!producer.hasPureTensorSemantics() || producer->getNumResults() != 1 ||
      ShapedType::isDynamicShape(producer.getStaticLoopRanges()) ||
      kf::isTiledContraction(producer) || producer.getNumDpsInits() != 1 ||
      producer->use_empty() || producer->getParentOfType<scf::ForallOp>())
    return false;
  bool reduction = producer.getNumReductionLoops() > 0;
  for (OpOperand &use : producer->getUses()) {
    auto user = dyn_cast<linalg::LinalgOp>(use.getOwner());
    if (!user || !pending(user) || !user.hasPureTensorSemantics())
      return false;
    // An init (a bias, a zero fill): only what costs no more per tile.
    if (user.isDpsInit(&use)) {
      if (reduction)
        return false;
      continue;
    }
    // An input: a row's reduction (a mean, a variance) read by the op that
    // uses it, not by a product.
    if (!reduction || kf::isTiledContraction(user))
      return false;
  }
  return true;
}

SmallVector<linalg::LinalgOp>
mlir::kf::fuseWaitingProducers(RewriterBase &rewriter, scf::ForallOp block,
                               linalg::LinalgOp tiled, ArrayRef<bool> split,
                               llvm::SetVector<Operation *> &waiting) {
  SmallVector<tensor::ExtractSliceOp> candidates =
      waitingSlices(tiled, block, split, waiting);
  if (candidates.empty())
    return {};
  SmallVector<LoopLikeOpInterface> loops = {
      cast<LoopLikeOpInterface>(block.getOperation())};
  SmallVector<Operation *> producers;
  while (!candidates.empty()) {
    tensor::ExtractSliceOp slice = candidates.pop_back_val();
    linalg::LinalgOp producer = producerOfSlice(slice, block);
    std::optional<scf::SCFFuseProducerOfSliceResult> fused =
        scf::tileAndFuseProducerOfSlice(rewriter, slice, loops);
    if (!fused)
      continue;
    producers.push_back(producer);
    // Their own waiting producers (a variance's means, a mean's zero fill),
    // read along every parallel loop of the fused op.
    for (Operation *op : fused->tiledOps) {
      auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
      if (!linalgOp)
        continue;
      SmallVector<bool> parallel;
      for (utils::IteratorType type : linalgOp.getIteratorTypesArray())
        parallel.push_back(type == utils::IteratorType::parallel);
      llvm::append_range(candidates,
                         waitingSlices(linalgOp, block, parallel, waiting));
    }
  }
  // Two users of one producer (a variance and the normalized rows both read
  // the means) fused it twice: once is enough.
  DominanceInfo dominance;
  eliminateCommonSubExpressions(rewriter, dominance, block);
  // Dead once all their users are fused (a mean's last user may be the
  // variance erased before it).
  for (bool erased = true; erased;) {
    erased = false;
    for (Operation *producer : producers) {
      if (!waiting.contains(producer) || !producer->use_empty())
        continue;
      waiting.remove(producer);
      rewriter.eraseOp(producer);
      erased = true;
    }
  }
  SmallVector<linalg::LinalgOp> fusedOps;
  for (Operation &op : block.getBody()->without_terminator())
    if (auto linalgOp = dyn_cast<linalg::LinalgOp>(&op);
        linalgOp && linalgOp != tiled)
      fusedOps.push_back(linalgOp);
  return fusedOps;
}
