//===- Loops.h - An scf.for rebuilt with more iter_args ---------*- C++ -*-===//
//
// Private to kf-widen-bytes-by-words, kf-integer-block-dots and
// kf-integer-row-pairs.
//
//===----------------------------------------------------------------------===//

#ifndef KERNELFORGE_LIB_TRANSFORMS_LOOPS_H
#define KERNELFORGE_LIB_TRANSFORMS_LOOPS_H

#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Matchers.h"

namespace mlir::kf {

/// A loop with `loop`'s bounds and iter_args, and more starting at
/// `moreInits`, made where `b` points, into which `loop`'s body moves:
/// the old block arguments map to the new loop's first ones and the marks
/// (discardable attributes) carry over. The yield is unchanged, for the
/// caller to extend; `loop` is left with an empty body, to be erased once
/// its results are replaced.
inline scf::ForOp moveIntoLoopWithInits(OpBuilder &b, scf::ForOp loop,
                                        ValueRange moreInits) {
  SmallVector<Value> inits(loop.getInitArgs());
  inits.append(moreInits.begin(), moreInits.end());
  auto newLoop =
      scf::ForOp::create(b, loop.getLoc(), loop.getLowerBound(),
                         loop.getUpperBound(), loop.getStep(), inits);
  newLoop->setDiscardableAttrs(loop->getDiscardableAttrDictionary());
  Block *body = newLoop.getBody();
  body->getOperations().splice(body->end(), loop.getBody()->getOperations());
  for (auto [from, to] :
       llvm::zip(loop.getBody()->getArguments(),
                 body->getArguments().take_front(
                     loop.getBody()->getNumArguments())))
    from.replaceAllUsesWith(to);
  return newLoop;
}

/// The vector.fma that alone updates iter_arg `index` of `loop`, a
/// vector<N x f32> that starts at zero, is read by nothing else in the loop
/// and whose yielded value is read by nothing else either; null otherwise.
inline vector::FMAOp zeroStartedFmaSum(scf::ForOp loop, unsigned index) {
  BlockArgument acc = loop.getRegionIterArg(index);
  auto type = dyn_cast<VectorType>(acc.getType());
  if (!type || type.getRank() != 1 || type.isScalable() ||
      !type.getElementType().isF32() ||
      !matchPattern(loop.getInitArgs()[index], m_AnyZeroFloat()))
    return {};
  auto yield = cast<scf::YieldOp>(loop.getBody()->getTerminator());
  auto fma = yield.getOperand(index).getDefiningOp<vector::FMAOp>();
  if (!fma || fma.getAcc() != acc || !acc.hasOneUse() || !fma->hasOneUse())
    return {};
  return fma;
}

/// Replaces what is still read of `loop`'s results by `newLoop`'s first
/// ones, then erases `loop`.
inline void replaceLoop(scf::ForOp loop, scf::ForOp newLoop) {
  for (auto [oldResult, newResult] :
       llvm::zip(loop.getResults(), newLoop.getResults()))
    if (!oldResult.use_empty())
      oldResult.replaceAllUsesWith(newResult);
  loop->erase();
}

} // namespace mlir::kf

#endif // KERNELFORGE_LIB_TRANSFORMS_LOOPS_H
