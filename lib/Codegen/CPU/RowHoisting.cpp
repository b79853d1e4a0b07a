//===- RowHoisting.cpp - Where a loop's row can be prepared once ----------===//

#include "RowHoisting.h"

#include "Views.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/OpenMP/OpenMPDialect.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

using namespace mlir;

bool kf::definedOutside(Value v, Operation *op) {
  return !op->isAncestor(v.getParentRegion()->getParentOp());
}

namespace {

/// Whether `value` is an argument of a function that
/// buffer-results-to-out-params made of one of its results (marked
/// `bufferize.result`): a buffer the caller provides for that result alone,
/// which by the compiled library's ABI aliases none of its inputs.
bool isResultBuffer(Value value) {
  auto argument = dyn_cast<BlockArgument>(value);
  if (!argument || !argument.getOwner()->isEntryBlock())
    return false;
  auto function =
      dyn_cast<FunctionOpInterface>(argument.getOwner()->getParentOp());
  return function &&
         function.getArgAttr(argument.getArgNumber(), "bufferize.result");
}

} // namespace

bool kf::mayWrite(Operation *op, Value root) {
  WalkResult result = op->walk([&](Operation *inner) {
    if (isa<memref::PrefetchOp>(inner))
      return WalkResult::advance();
    auto effects = dyn_cast<MemoryEffectOpInterface>(inner);
    if (!effects)
      return inner->hasTrait<OpTrait::HasRecursiveMemoryEffects>()
                 ? WalkResult::advance()
                 : WalkResult::interrupt();
    SmallVector<MemoryEffects::EffectInstance> all;
    effects.getEffects(all);
    for (const MemoryEffects::EffectInstance &effect : all) {
      if (!isa<MemoryEffects::Write>(effect.getEffect()))
        continue;
      Value written = effect.getValue();
      if (!written)
        return WalkResult::interrupt();
      Value writtenRoot = kf::rootBuffer(written);
      if (writtenRoot == root ||
          (isa<BlockArgument>(writtenRoot) && isa<BlockArgument>(root) &&
           !isResultBuffer(writtenRoot) && !isResultBuffer(root)))
        return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  return result.wasInterrupted();
}

Operation *kf::hoistPoint(scf::ForOp loop, ArrayRef<Value> values, Value root) {
  Operation *point = loop;
  while (true) {
    Operation *parent = point->getParentOp();
    // An OpenMP loop nest is one unit with its worksharing loop.
    if (isa<omp::LoopNestOp>(parent)) {
      parent = parent->getParentOp();
      if (!isa<omp::WsloopOp>(parent))
        return point;
    }
    if (!isa<scf::ForOp, scf::ParallelOp, scf::ForallOp, omp::WsloopOp,
             omp::ParallelOp>(parent))
      return point;
    if (!llvm::all_of(values,
                      [&](Value v) { return definedOutside(v, parent); }) ||
        mayWrite(parent, root))
      return point;
    point = parent;
  }
}

Block *kf::bufferBlock(Operation *point) {
  if (auto parallel = point->getParentOfType<omp::ParallelOp>())
    return &parallel.getRegion().front();
  return &point->getParentOfType<FunctionOpInterface>()
              .getFunctionBody()
              .front();
}

std::pair<Value, Value> kf::quantizeToI16(OpBuilder &b, Location loc, Value x) {
  auto type = cast<VectorType>(x.getType());
  Value largest = vector::ReductionOp::create(
      b, loc, vector::CombiningKind::MAXIMUMF, math::AbsFOp::create(b, loc, x));
  Value zero = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0.0f));
  Value levels = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(32767.0f));
  Value scale = arith::DivFOp::create(b, loc, largest, levels);
  Value positive =
      arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, largest, zero);
  Value inverse = arith::SelectOp::create(
      b, loc, positive, arith::DivFOp::create(b, loc, levels, largest), zero);
  Value rounded = math::RoundEvenOp::create(
      b, loc,
      arith::MulFOp::create(
          b, loc, x, vector::BroadcastOp::create(b, loc, type, inverse)));
  Value q = arith::FPToSIOp::create(
      b, loc, VectorType::get(type.getShape(), b.getI16Type()), rounded);
  return {q, scale};
}
