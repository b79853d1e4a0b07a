//===- FactorBlockScales.cpp - A block's scale once, after its sum ------===//
//
// A row against i8 blocks stored [k, n] multiplies each widened weight by
// its block's scale inside the loop over the block's rows:
//
//   acc = fma(x[j], q[j] * s, acc)      for j in the block
//
// The scale is the same for every step, so the loop can sum the unscaled
// products from zero and scale the sum once, as the format defines it:
//
//   p = fma(x[j], q[j], p)              for j in the block, p from 0
//   acc = fma(p, s, acc)
//
// which takes a multiply per weight out of the inner loop. The scales, now
// read once per block, are prefetched a block ahead. A few rows' register
// tile (one vector<R x N> sum) is first split into one sum per row.
//
//===----------------------------------------------------------------------===//

#include "Prefetch.h"
#include "RowIterArgs.h"

#include "kernelforge/Transforms/Contractions.h"
#include "kernelforge/Codegen/CPU/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace mlir::kf {
#define GEN_PASS_DEF_FACTORBLOCKSCALESPASS
#include "kernelforge/Codegen/CPU/Passes.h.inc"
} // namespace mlir::kf

using namespace mlir;

namespace {

/// Whether nothing in `loop` writes memory (prefetches aside), so a read
/// whose operands are defined outside it reads the same at every step.
bool writesNoMemory(scf::ForOp loop) {
  WalkResult result = loop.getBody()->walk([](Operation *op) {
    if (isa<memref::PrefetchOp>(op))
      return WalkResult::advance();
    auto effects = dyn_cast<MemoryEffectOpInterface>(op);
    if (!effects) {
      if (op->hasTrait<OpTrait::HasRecursiveMemoryEffects>())
        return WalkResult::advance();
      return WalkResult::interrupt();
    }
    if (effects.hasEffect<MemoryEffects::Write>() ||
        effects.hasEffect<MemoryEffects::Allocate>() ||
        effects.hasEffect<MemoryEffects::Free>())
      return WalkResult::interrupt();
    return WalkResult::advance();
  });
  return !result.wasInterrupted();
}

/// Prefetches the run `load` reads at the next step of `outer`, when one of
/// its indices moves with it: the next block's scales, a row of scales
/// away, which the hardware prefetchers do not follow.
void prefetchNextStep(OpBuilder &b, vector::LoadOp load, scf::ForOp outer) {
  auto type = dyn_cast<MemRefType>(load.getBase().getType());
  std::optional<int64_t> step = getConstantIntValue(outer.getStep());
  if (!type || !type.hasStaticShape() ||
      !outer.isDefinedOutsideOfLoop(load.getBase()) || !step || *step <= 0)
    return;
  std::optional<kf::MovingIndex> moving =
      kf::movingIndex(load.getIndices(), outer);
  int64_t elementBytes = type.getElementTypeBitWidth() / 8;
  // One prefetch per cache line of the run, along the innermost dimension.
  if (!moving || moving->dim == type.getRank() - 1 || elementBytes == 0)
    return;
  int64_t runBytes = load.getVectorType().getNumElements() * elementBytes;
  kf::prefetchRunAhead(b, b, load.getLoc(), load.getBase(), load.getIndices(),
                       *moving, moving->perUnit * *step,
                       llvm::divideCeil(runBytes, kf::kCacheLineBytes),
                       elementBytes, kf::CacheLevel::L2);
}

/// `scale` as a value available before `loop`: itself when defined outside,
/// else a copy before the loop of the vector.load that reads it (its
/// operands defined outside, the loop writing no memory), widened as in the
/// loop when the scales are f16, with the next step's run prefetched; null
/// otherwise.
Value beforeLoop(OpBuilder &b, scf::ForOp loop, Value scale) {
  if (loop.isDefinedOutsideOfLoop(scale))
    return scale;
  auto widen = scale.getDefiningOp<arith::ExtFOp>();
  if (widen && !widen->hasOneUse())
    return nullptr;
  Value read = widen ? widen.getIn() : scale;
  auto load = read.getDefiningOp<vector::LoadOp>();
  if (!load || !llvm::all_of(load->getOperands(), [&](Value v) {
        return loop.isDefinedOutsideOfLoop(v);
      }) ||
      !writesNoMemory(loop))
    return nullptr;
  b.setInsertionPoint(loop);
  Value hoisted = b.clone(*load)->getResult(0);
  if (widen)
    hoisted = arith::ExtFOp::create(b, widen.getLoc(), scale.getType(), hoisted);
  if (auto outer = dyn_cast<scf::ForOp>(loop->getParentOp()))
    prefetchNextStep(b, load, outer);
  return hoisted;
}

/// Factors the scale out of iter_arg `index` of `loop`; whether it did.
/// `hoisted` holds the scales already read before the loop (a few rows'
/// sums share their block's).
bool factorScale(scf::ForOp loop, unsigned index,
                 DenseMap<Value, Value> &hoisted) {
  BlockArgument acc = loop.getRegionIterArg(index);
  auto yield = cast<scf::YieldOp>(loop.getBody()->getTerminator());
  auto fma = yield.getOperand(index).getDefiningOp<vector::FMAOp>();
  if (!fma || fma.getAcc() != acc || !acc.hasOneUse() ||
      !fma->hasOneUse())
    return false;
  // fma(a, q * s, acc) or fma(q * s, a, acc).
  for (unsigned side = 0; side < 2; ++side) {
    Value product = side == 0 ? fma.getRhs() : fma.getLhs();
    auto mul = product.getDefiningOp<arith::MulFOp>();
    if (!mul || !mul->hasOneUse())
      continue;
    for (unsigned which = 0; which < 2; ++which) {
      Value scale = mul->getOperand(which), weight = mul->getOperand(1 - which);
      OpBuilder b(loop);
      // Keyed by what is read (each row widens f16 scales on its own).
      Value read = scale;
      if (auto widen = scale.getDefiningOp<arith::ExtFOp>())
        read = widen.getIn();
      Value &before = hoisted[read];
      if (!before)
        before = beforeLoop(b, loop, scale);
      if (!before)
        continue;
      Location loc = fma.getLoc();
      // The loop sums from zero without the scale ...
      Value init = loop.getInitArgs()[index];
      b.setInsertionPoint(loop);
      Value zero = arith::ConstantOp::create(
          b, loc, b.getZeroAttr(init.getType()));
      loop.getInitArgsMutable()[index].assign(zero);
      fma->setOperand(side == 0 ? 1 : 0, weight);
      mul->erase();
      // The in-loop read (and its widening) is dead now, unless another
      // row's sum still reads it.
      if (!loop.isDefinedOutsideOfLoop(scale)) {
        Operation *read = scale.getDefiningOp();
        auto widen = dyn_cast<arith::ExtFOp>(read);
        Operation *load = widen ? widen.getIn().getDefiningOp() : nullptr;
        if (read->use_empty())
          read->erase();
        if (load && load->use_empty())
          load->erase();
      }
      // ... and its sum is scaled once, onto the value it started from.
      b.setInsertionPointAfter(loop);
      Value sum = loop.getResult(index);
      auto scaled = vector::FMAOp::create(b, loc, sum, before, init);
      sum.replaceAllUsesExcept(scaled, scaled);
      return true;
    }
  }
  return false;
}

struct FactorBlockScalesPass
    : kf::impl::FactorBlockScalesPassBase<FactorBlockScalesPass> {
  void runOnOperation() override {
    SmallVector<scf::ForOp> loops;
    getOperation()->walk([&](scf::ForOp loop) {
      if (!loop->removeAttr(kf::kBlockScalesAttrName))
        return;
      // Innermost loops only: the steps of one block.
      if (loop.getBody()
              ->walk([](LoopLikeOpInterface) { return WalkResult::interrupt(); })
              .wasInterrupted())
        return;
      loops.push_back(loop);
    });
    for (scf::ForOp loop : loops) {
      // A few rows' sums (one vector<R x N> per register tile), one per row.
      loop = kf::splitRows(loop);
      DenseMap<Value, Value> hoisted;
      for (unsigned i = 0, e = loop.getNumRegionIterArgs(); i < e; ++i)
        if (isa<VectorType>(loop.getRegionIterArg(i).getType()))
          factorScale(loop, i, hoisted);
    }
  }
};

} // namespace
