//===- FusedNeighbours.cpp - Ops a contraction kernel absorbs -------------===//

#include "FusedNeighbours.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

#include "kernelforge/Conversion/GPUKernelUtils.h"
#include "kernelforge/Transforms/BufferViews.h"

using namespace mlir;
using namespace mlir::kf;

namespace {

/// The op `step` ops away (-1: before, +1: after), passing over ops without
/// memory effects or regions (views, constants, index arithmetic) and
/// allocations (a fresh buffer no other op can see yet).
Operation *neighbour(Operation *op, int step) {
  for (Operation *it = step < 0 ? op->getPrevNode() : op->getNextNode(); it;
       it = step < 0 ? it->getPrevNode() : it->getNextNode())
    if (it->getNumRegions() != 0 ||
        !(isMemoryEffectFree(it) || isa<memref::AllocOp>(it)))
      return it;
  return nullptr;
}

bool allParallel(linalg::GenericOp op) {
  return op.getNumLoops() == op.getNumParallelLoops();
}

/// A plain elementwise op on buffers: every loop parallel, no linalg.index,
/// one output.
bool isElementwise(linalg::GenericOp op) {
  return op && op.hasPureBufferSemantics() && allParallel(op) &&
         !op.hasIndexSemantics() && op.getNumDpsInits() == 1;
}

/// Whether `v` is `buffer` or a reshape of it (all of it, other indices).
bool isBufferOrReshape(Value v, Value buffer) {
  Operation *def = v.getDefiningOp();
  return v == buffer ||
         (isa_and_nonnull<memref::ExpandShapeOp, memref::CollapseShapeOp>(
              def) &&
          def->getOperand(0) == buffer);
}

/// Whether `op` overwrites all of `buffer` (or a reshape of it) without
/// reading it.
bool overwritesWhole(Operation *op, Value buffer) {
  if (auto fill = dyn_cast<linalg::FillOp>(op))
    return fill.hasPureBufferSemantics() &&
           isBufferOrReshape(fill.getOutputs()[0], buffer);
  auto generic = dyn_cast<linalg::GenericOp>(op);
  if (!isElementwise(generic))
    return false;
  OpOperand *init = generic.getDpsInitOperand(0);
  return isBufferOrReshape(init->get(), buffer) &&
         generic.getMatchingIndexingMap(init).isPermutation() &&
         !generic.payloadUsesValueFromOperand(init) &&
         llvm::none_of(generic.getDpsInputs(),
                       [&](Value in) { return rootOf(in) == buffer; });
}

/// Whether nothing reads `buffer` (a local allocation) after `last` before
/// it is overwritten whole or freed.
bool deadAfter(Value buffer, Operation *last) {
  auto uses = usesInBlock(buffer, *last->getBlock());
  if (!uses)
    return false;
  llvm::SmallPtrSet<Operation *, 8> users;
  for (auto [user, ancestor] : *uses)
    users.insert(ancestor);
  for (Operation *op = last->getNextNode(); op; op = op->getNextNode()) {
    if (!users.contains(op))
      continue;
    if (isa<memref::DeallocOp>(op))
      continue;
    return overwritesWhole(op, buffer);
  }
  return true;
}

/// The op filling `out` just before `contraction`, if it can be recomputed
/// in the kernel.
Operation *findPrologue(linalg::GenericOp contraction, Value out) {
  Operation *prev = neighbour(contraction, -1);
  if (!prev)
    return nullptr;
  if (auto fill = dyn_cast<linalg::FillOp>(prev))
    return fill.hasPureBufferSemantics() && fill.getOutputs()[0] == out
               ? prev
               : nullptr;
  auto generic = dyn_cast<linalg::GenericOp>(prev);
  if (!isElementwise(generic))
    return nullptr;
  OpOperand *init = generic.getDpsInitOperand(0);
  if (init->get() != out ||
      !generic.getMatchingIndexingMap(init).isIdentity() ||
      generic.payloadUsesValueFromOperand(init))
    return nullptr;
  for (Value in : generic.getDpsInputs())
    if (rootOf(in) == out)
      return nullptr;
  return prev;
}

} // namespace

FusedNeighbours mlir::kf::findFusedNeighbours(linalg::GenericOp contraction) {
  FusedNeighbours fused;
  Value out = contraction.getDpsInitOperand(0)->get();
  fused.prologue = findPrologue(contraction, out);

  // The epilogue: the next op, reading the output once, at the element it
  // writes; the output a local allocation nothing else reads afterwards.
  if (!out.getDefiningOp<memref::AllocOp>())
    return fused;
  auto next = dyn_cast_or_null<linalg::GenericOp>(neighbour(contraction, 1));
  if (!isElementwise(next))
    return fused;
  std::optional<unsigned> reads;
  for (OpOperand *in : next.getDpsInputOperands()) {
    if (rootOf(in->get()) != out)
      continue;
    if (reads)
      return fused;
    reads = in->getOperandNumber();
  }
  if (!reads)
    return fused;
  Value view = next->getOperand(*reads);
  if (!isBufferOrReshape(view, out))
    return fused;
  OpOperand *init = next.getDpsInitOperand(0);
  if (!next.getIndexingMapsArray()[*reads].isPermutation() ||
      !next.getMatchingIndexingMap(init).isProjectedPermutation())
    return fused;
  // Writing a buffer the contraction reads would race with other blocks.
  Value result = rootOf(init->get());
  if (result == out || llvm::any_of(contraction.getDpsInputs(), [&](Value in) {
        return rootOf(in) == result;
      }))
    return fused;
  if (!deadAfter(out, next))
    return fused;
  fused.epilogue = next;
  fused.epilogueOperand = *reads;
  fused.epilogueView = view == out ? nullptr : view.getDefiningOp();
  return fused;
}

SmallVector<Value> mlir::kf::viewIndices(OpBuilder &b, Location loc,
                                         Operation *view, ValueRange indices) {
  if (!view)
    return llvm::to_vector(indices);
  SmallVector<Value> result;
  if (auto expand = dyn_cast<memref::ExpandShapeOp>(view)) {
    ArrayRef<int64_t> shape = expand.getResultType().getShape();
    for (auto [index, group] :
         llvm::zip(indices, expand.getReassociationIndices())) {
      SmallVector<int64_t> sizes;
      for (int64_t d : group)
        sizes.push_back(shape[d]);
      llvm::append_range(result, delinearize(b, loc, index, sizes));
    }
    return result;
  }
  auto collapse = cast<memref::CollapseShapeOp>(view);
  ArrayRef<int64_t> shape = collapse.getSrcType().getShape();
  for (ReassociationIndices group : collapse.getReassociationIndices()) {
    Value linear = indices[group.front()];
    for (int64_t d : ArrayRef<int64_t>(group).drop_front()) {
      Value size = arith::ConstantIndexOp::create(b, loc, shape[d]);
      linear = arith::AddIOp::create(
          b, loc, arith::MulIOp::create(b, loc, linear, size), indices[d]);
    }
    result.push_back(linear);
  }
  return result;
}
