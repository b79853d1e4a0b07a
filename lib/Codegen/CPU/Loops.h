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

/// The row each use of `v` reads, where every use is a `vector.extract` of
/// one static row of a rank-2 vector; empty otherwise.
inline SmallVector<std::pair<vector::ExtractOp, int64_t>> rowReads(Value v) {
  SmallVector<std::pair<vector::ExtractOp, int64_t>> reads;
  for (Operation *user : v.getUsers()) {
    auto extract = dyn_cast<vector::ExtractOp>(user);
    if (!extract || extract.getSource() != v ||
        extract.getStaticPosition().size() != 1 ||
        ShapedType::isDynamic(extract.getStaticPosition()[0]))
      return {};
    reads.push_back({extract, extract.getStaticPosition()[0]});
  }
  return reads;
}

/// `loop` rebuilt with each rank-2 vector iter_arg that is only read row by
/// row, in the loop and after it (`vector.extract %v[r]`), as one iter_arg
/// per row: the register tile of several rows that vectorisation carries as
/// one vector<R x N>, made R sums of vector<N> that other rewrites match
/// one by one. The yielded rows are extracts of the yielded matrix, for
/// canonicalisation to fold into what built it. Returns the loop, `loop`
/// itself where nothing was split (else erased).
inline scf::ForOp splitRowIterArgs(OpBuilder &b, scf::ForOp loop) {
  unsigned count = loop.getNumRegionIterArgs();
  SmallVector<bool> split(count, false);
  for (unsigned i = 0; i < count; ++i) {
    auto type = dyn_cast<VectorType>(loop.getRegionIterArg(i).getType());
    BlockArgument arg = loop.getRegionIterArg(i);
    Value result = loop.getResult(i);
    split[i] = type && type.getRank() == 2 && !type.isScalable() &&
               (arg.use_empty() || !rowReads(arg).empty()) &&
               (result.use_empty() || !rowReads(result).empty());
  }
  if (llvm::none_of(split, [](bool s) { return s; }))
    return loop;
  Location loc = loop.getLoc();
  b.setInsertionPoint(loop);
  // slots[i]: the new iter_args of old iter_arg i (one per row if split).
  SmallVector<SmallVector<unsigned>> slots(count);
  SmallVector<Value> inits;
  for (auto [i, init] : llvm::enumerate(loop.getInitArgs())) {
    int64_t rows =
        split[i] ? cast<VectorType>(init.getType()).getDimSize(0) : 0;
    if (!split[i]) {
      slots[i].push_back(inits.size());
      inits.push_back(init);
      continue;
    }
    for (int64_t r = 0; r < rows; ++r) {
      slots[i].push_back(inits.size());
      inits.push_back(vector::ExtractOp::create(b, loc, init, r));
    }
  }
  auto newLoop =
      scf::ForOp::create(b, loc, loop.getLowerBound(), loop.getUpperBound(),
                         loop.getStep(), inits);
  newLoop->setDiscardableAttrs(loop->getDiscardableAttrDictionary());
  Block *body = newLoop.getBody();
  Block *old = loop.getBody();
  loop.getInductionVar().replaceAllUsesWith(newLoop.getInductionVar());
  for (unsigned i = 0; i < count; ++i) {
    BlockArgument arg = loop.getRegionIterArg(i);
    if (!split[i]) {
      arg.replaceAllUsesWith(newLoop.getRegionIterArgs()[slots[i][0]]);
      continue;
    }
    for (auto [extract, r] : rowReads(arg)) {
      extract.replaceAllUsesWith(newLoop.getRegionIterArgs()[slots[i][r]]);
      extract->erase();
    }
  }
  body->getOperations().splice(body->end(), old->getOperations());
  auto yield = cast<scf::YieldOp>(body->getTerminator());
  b.setInsertionPoint(yield);
  SmallVector<Value> yielded;
  for (auto [i, value] : llvm::enumerate(yield.getOperands())) {
    if (!split[i]) {
      yielded.push_back(value);
      continue;
    }
    for (unsigned r = 0; r < slots[i].size(); ++r)
      yielded.push_back(vector::ExtractOp::create(b, yield.getLoc(), value,
                                                  static_cast<int64_t>(r)));
  }
  scf::YieldOp::create(b, yield.getLoc(), yielded);
  yield->erase();
  for (unsigned i = 0; i < count; ++i) {
    Value result = loop.getResult(i);
    if (!split[i]) {
      result.replaceAllUsesWith(newLoop.getResult(slots[i][0]));
      continue;
    }
    for (auto [extract, r] : rowReads(result)) {
      extract.replaceAllUsesWith(newLoop.getResult(slots[i][r]));
      extract->erase();
    }
  }
  loop->erase();
  return newLoop;
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
