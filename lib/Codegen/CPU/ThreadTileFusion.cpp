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

#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
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

FailureOr<kf::SplitWithInit>
mlir::kf::splitWithInitProducer(RewriterBase &rewriter, linalg::LinalgOp op,
                                unsigned dim, int64_t at) {
  // Only along a loop the output is indexed by: the pieces then write
  // disjoint slices of it (a split reduction's second piece accumulates into
  // the first's result). The init's producer: read by `op` alone,
  // elementwise into an output indexed like its loops, not reading that
  // output.
  linalg::LinalgOp producer;
  if (op.getNumDpsInits() == 1 && op.hasPureTensorSemantics() &&
      dim < op.getNumLoops() &&
      op.getIteratorTypesArray()[dim] == utils::IteratorType::parallel &&
      op.getMatchingIndexingMap(op.getDpsInitOperand(0))
          .isProjectedPermutation() &&
      op.getMatchingIndexingMap(op.getDpsInitOperand(0)).isFunctionOfDim(dim)) {
    OpOperand *init = op.getDpsInitOperand(0);
    producer = init->get().getDefiningOp<linalg::LinalgOp>();
    if (producer &&
        (!producer->hasOneUse() || producer.getNumDpsInits() != 1 ||
         !producer.hasPureTensorSemantics() ||
         producer.getNumReductionLoops() != 0 ||
         !producer.getMatchingIndexingMap(producer.getDpsInitOperand(0))
              .isIdentity() ||
         producer.payloadUsesValueFromOperand(producer.getDpsInitOperand(0))))
      producer = nullptr;
  }
  // The pieces write into the producer's own init, each first computing
  // the producer's values on its slice there.
  Value whole;
  if (producer) {
    whole = op.getDpsInits()[0];
    rewriter.modifyOpInPlace(
        op, [&] { op.getDpsInitOperand(0)->set(producer.getDpsInits()[0]); });
  }
  rewriter.setInsertionPoint(op);
  auto [first, second] =
      linalg::splitOp(rewriter, cast<TilingInterface>(op.getOperation()), dim,
                      rewriter.getIndexAttr(at));
  if (!first) {
    if (producer)
      rewriter.modifyOpInPlace(op,
                               [&] { op.getDpsInitOperand(0)->set(whole); });
    return failure();
  }
  SplitWithInit split;
  split.first = cast<linalg::LinalgOp>(first.getOperation());
  if (second)
    split.second = cast<linalg::LinalgOp>(second.getOperation());
  if (!producer)
    return split;
  for (linalg::LinalgOp piece : {split.first, split.second}) {
    if (!piece)
      continue;
    OpOperand *init = piece.getDpsInitOperand(0);
    rewriter.setInsertionPoint(piece);
    // The producer on the piece's slice, into that slice of the output,
    // which it does not read.
    auto slice = init->get().getDefiningOp<tensor::ExtractSliceOp>();
    Operation *computed = nullptr;
    if (slice && slice.hasUnitStride() &&
        slice.getSourceType().getRank() == slice.getResultType().getRank()) {
      FailureOr<TilingResult> tiled =
          cast<TilingInterface>(producer.getOperation())
              .getTiledImplementation(rewriter, slice.getMixedOffsets(),
                                      slice.getMixedSizes());
      if (succeeded(tiled) && tiled->tiledOps.size() == 1)
        computed = tiled->tiledOps.front();
    }
    Value value;
    if (computed) {
      rewriter.modifyOpInPlace(computed, [&] {
        cast<linalg::LinalgOp>(computed).getDpsInitOperand(0)->set(init->get());
      });
      value = computed->getResult(0);
    } else {
      // Otherwise the whole producer again, and the piece's slice of it.
      computed = rewriter.clone(*producer);
      value = computed->getResult(0);
      if (slice)
        value = tensor::ExtractSliceOp::create(
            rewriter, slice.getLoc(), slice.getResultType(), value,
            slice.getMixedOffsets(), slice.getMixedSizes(),
            slice.getMixedStrides());
    }
    rewriter.modifyOpInPlace(piece, [&] { init->set(value); });
    split.initPieces.push_back(cast<linalg::LinalgOp>(computed));
  }
  split.erasedInit = producer;
  rewriter.eraseOp(producer);
  return split;
}

FailureOr<kf::FusedConsumer> mlir::kf::fuseElementwiseConsumer(
    RewriterBase &rewriter, scf::ForallOp block,
    llvm::function_ref<bool(Operation *)> pending) {
  if (block->getNumResults() != 1 || !block->getResult(0).hasOneUse())
    return failure();
  // The consumer reads the result itself, or with unit dimensions added
  // (a product's [m, n] rows as the graph's [1, m, n]).
  OpOperand *use = &*block->getResult(0).getUses().begin();
  auto expanded = dyn_cast<tensor::ExpandShapeOp>(use->getOwner());
  if (expanded) {
    if (!expanded->hasOneUse())
      return failure();
    use = &*expanded->getUses().begin();
  }
  auto consumer = dyn_cast<linalg::LinalgOp>(use->getOwner());
  if (!consumer || !pending(consumer) || !consumer.hasPureTensorSemantics() ||
      consumer.getNumReductionLoops() != 0 || consumer.getNumDpsInits() != 1 ||
      kf::isTiledContraction(consumer) || consumer.isDpsInit(use) ||
      !consumer.getMatchingIndexingMap(use).isIdentity())
    return failure();
  // Collapsible where every operand is indexed by loops, keeping the added
  // dimensions together (not a broadcast along one of them, a size-1
  // dimension read at 0).
  if (expanded &&
      (!llvm::all_of(consumer.getIndexingMapsArray(),
                     [](AffineMap map) {
                       return map.isProjectedPermutation(
                           /*allowZeroInResults=*/false);
                     }) ||
       !linalg::areDimSequencesPreserved(consumer.getIndexingMapsArray(),
                                         expanded.getReassociationIndices())))
    return failure();
  // Its other operands exist before the loop, or are reshapes or empty
  // tensors of values that do, which move there.
  DominanceInfo dominance;
  auto available = [&](Value value) {
    if (dominance.properlyDominates(value, block))
      return true;
    Operation *def = value.getDefiningOp();
    if (!def || def->getBlock() != block->getBlock() ||
        !isa<tensor::EmptyOp, tensor::ExpandShapeOp, tensor::CollapseShapeOp>(
            def) ||
        !llvm::all_of(def->getOperands(), [&](Value v) {
          return dominance.properlyDominates(v, block);
        }))
      return false;
    rewriter.moveOpBefore(def, block);
    return true;
  };
  for (OpOperand &operand : consumer->getOpOperands())
    if (&operand != use && !available(operand.get()))
      return failure();
  kf::FusedConsumer result{block, consumer, nullptr};
  if (expanded) {
    // The consumer over the result's own dimensions (linalg's iteration
    // dimension collapsing), reading the loop's result; its other operands
    // collapsed before the loop.
    FailureOr<linalg::CollapseResult> collapsed =
        linalg::collapseOpIterationDims(
            consumer, expanded.getReassociationIndices(), rewriter);
    if (failed(collapsed))
      return failure();
    rewriter.replaceOp(consumer, collapsed->results);
    result.erased = consumer;
    consumer = collapsed->collapsedOp;
    result.tiled = consumer;
    bool fusible = true;
    for (OpOperand &operand : consumer->getOpOperands()) {
      auto reshape = operand.get().getDefiningOp<tensor::CollapseShapeOp>();
      if (reshape && reshape.getSrc() == expanded.getResult() &&
          reshape.getReassociationIndices() ==
              expanded.getReassociationIndices())
        rewriter.modifyOpInPlace(consumer,
                                 [&] { operand.set(expanded.getSrc()); });
      else
        fusible &= available(operand.get());
    }
    if (!fusible)
      return result;
  }
  // The new loop keeps the old one's schedule and marks.
  SmallVector<NamedAttribute> marks =
      llvm::to_vector(block->getDiscardableAttrs());
  SmallVector<LoopLikeOpInterface> loops = {
      cast<LoopLikeOpInterface>(block.getOperation())};
  FailureOr<scf::SCFFuseConsumerOfSliceResult> fused =
      scf::tileAndFuseConsumer(rewriter, consumer, loops);
  if (failed(fused) || fused->tiledOps.size() != 1 ||
      !isa<linalg::LinalgOp>(fused->tiledOps.front())) {
    if (result.erased)
      return result;
    return failure();
  }
  result.tiled = cast<linalg::LinalgOp>(fused->tiledOps.front());
  result.block = result.tiled->getParentOfType<scf::ForallOp>();
  for (NamedAttribute mark : marks)
    result.block->setAttr(mark.getName(), mark.getValue());
  if (consumer->use_empty()) {
    if (!result.erased)
      result.erased = consumer;
    rewriter.eraseOp(consumer);
  }
  return result;
}
