//===- StackTemporaries.cpp - Small loop temporaries on the stack ---------===//
//
// A small temporary that bufferization allocated and freed inside a loop
// becomes one stack slot per thread: a memref.alloca at the start of the
// enclosing omp.parallel region (one per thread, reused by its iterations)
// or of the function.
//
//===----------------------------------------------------------------------===//

#include "kernelforge/Codegen/CPU/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/OpenMP/OpenMPDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

#include "llvm/ADT/DenseMap.h"

namespace mlir::kf {
#define GEN_PASS_DEF_STACKTEMPORARIESPASS
#include "kernelforge/Codegen/CPU/Passes.h.inc"
} // namespace mlir::kf

using namespace mlir;

namespace {

/// The block a temporary's stack slot goes to: the entry of the nearest
/// enclosing omp.parallel region or function, through ops whose regions
/// one thread runs one after another (sequential loops, conditionals, a
/// thread's share of a worksharing loop). Null where another op is in the
/// way (an scf.parallel or scf.forall whose iterations may be threads, an
/// op we know nothing about).
Block *slotBlock(Operation *alloc) {
  for (Operation *parent = alloc->getParentOp(); parent;
       parent = parent->getParentOp()) {
    if (isa<func::FuncOp, omp::ParallelOp>(parent)) {
      Region &region = parent->getRegion(0);
      return region.empty() ? nullptr : &region.front();
    }
    if (!isa<scf::ForOp, scf::IfOp, scf::WhileOp, scf::ExecuteRegionOp,
             scf::IndexSwitchOp, omp::WsloopOp, omp::LoopNestOp>(parent))
      return nullptr;
  }
  return nullptr;
}

/// The one memref.dealloc of `alloc` when it sits in the alloc's block
/// (its lifetime ends within one iteration of every enclosing loop) and
/// nothing else frees it or passes it on to a call or a terminator (a
/// return, a yield).
memref::DeallocOp soleLocalDealloc(memref::AllocOp alloc) {
  memref::DeallocOp dealloc;
  for (Operation *user : alloc->getUsers()) {
    if (auto free = dyn_cast<memref::DeallocOp>(user)) {
      if (dealloc || free->getBlock() != alloc->getBlock())
        return {};
      dealloc = free;
      continue;
    }
    if (isa<func::CallOp>(user) || user->hasTrait<OpTrait::IsTerminator>())
      return {};
  }
  return dealloc;
}

/// The bytes of a static, identity-layout memref (whose alloc then has no
/// size or symbol operands).
std::optional<int64_t> staticBytes(MemRefType type) {
  if (!type.hasStaticShape() || !type.getLayout().isIdentity() ||
      !type.getElementType().isIntOrFloat())
    return std::nullopt;
  int64_t bits = type.getElementTypeBitWidth();
  return type.getNumElements() * ((bits + 7) / 8);
}

struct StackTemporariesPass
    : kf::impl::StackTemporariesPassBase<StackTemporariesPass> {
  using Base::Base;

  void runOnOperation() override {
    SmallVector<memref::AllocOp> allocs;
    getOperation().walk([&](memref::AllocOp op) { allocs.push_back(op); });

    DenseMap<Block *, int64_t> used;
    // The last slot placed in each block: slots keep program order.
    DenseMap<Block *, Operation *> lastSlot;
    for (memref::AllocOp alloc : allocs) {
      MemRefType type = alloc.getType();
      std::optional<int64_t> bytes = staticBytes(type);
      if (!bytes || *bytes > maxBytes)
        continue;
      memref::DeallocOp dealloc = soleLocalDealloc(alloc);
      Block *slot = dealloc ? slotBlock(alloc) : nullptr;
      if (!slot || used[slot] + *bytes > maxTotalBytes)
        continue;
      used[slot] += *bytes;

      OpBuilder builder(slot, slot->begin());
      if (Operation *last = lastSlot.lookup(slot))
        builder.setInsertionPointAfter(last);
      auto alloca = memref::AllocaOp::create(builder, alloc.getLoc(), type,
                                             alloc.getAlignmentAttr());
      lastSlot[slot] = alloca;
      alloc.replaceAllUsesWith(alloca.getResult());
      dealloc.erase();
      alloc.erase();
    }
  }
};

} // namespace
