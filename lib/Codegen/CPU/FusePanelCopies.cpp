//===- FusePanelCopies.cpp - Pack weight panels inside the first row tile -===//
//
// A packed prefill product (kf-tile-and-vectorize's `pack-weights`) copies
// each k tile of its thread's weight block into contiguous panels, then
// runs its register tiles over them. The copy is a phase of its own: it
// waits on the weight rows coming from memory and does no arithmetic (on a
// Zen 5 running AVX2 code, 15-20% of GPT-2's 64-token mlp_up). Here the
// first register tile of rows reads each weight vector from the weights
// themselves, stores it into its panel and multiplies with it, so the copy
// overlaps that tile's multiply-adds; the other row tiles read the panels
// it wrote, as before.
//
//===----------------------------------------------------------------------===//

#include "Prefetch.h"
#include "Views.h"

#include "kernelforge/Codegen/CPU/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace mlir::kf {
#define GEN_PASS_DEF_FUSEPANELCOPIESPASS
#include "kernelforge/Codegen/CPU/Passes.h.inc"
} // namespace mlir::kf

using namespace mlir;

namespace {

/// Whether `loop` runs from a constant to a constant by a constant.
bool constantBounds(scf::ForOp loop) {
  return getConstantIntValue(loop.getLowerBound()) &&
         getConstantIntValue(loop.getUpperBound()) &&
         getConstantIntValue(loop.getStep());
}

bool sameBounds(scf::ForOp a, scf::ForOp b) {
  return constantBounds(a) && constantBounds(b) &&
         getConstantIntValue(a.getLowerBound()) ==
             getConstantIntValue(b.getLowerBound()) &&
         getConstantIntValue(a.getUpperBound()) ==
             getConstantIntValue(b.getUpperBound()) &&
         getConstantIntValue(a.getStep()) == getConstantIntValue(b.getStep());
}

/// A copy into panels: perfectly ordered `scf.for` levels (each level's
/// body: side-effect free ops, prefetches and reads, at most one nested
/// level) whose innermost body stores one vector into `panels`, at indices
/// that are the levels' induction variables (each once) or constants.
struct PanelCopy {
  SmallVector<scf::ForOp> levels;
  vector::StoreOp store;
  SmallVector<Value> reads; // the buffers its loads read
};

std::optional<PanelCopy> matchCopy(scf::ForOp root, Value panels) {
  PanelCopy copy;
  scf::ForOp level = root;
  while (level) {
    if (!constantBounds(level) || level.getNumResults() != 0)
      return std::nullopt;
    copy.levels.push_back(level);
    scf::ForOp next;
    for (Operation &op : level.getBody()->without_terminator()) {
      if (auto inner = dyn_cast<scf::ForOp>(op)) {
        if (next)
          return std::nullopt;
        next = inner;
      } else if (auto store = dyn_cast<vector::StoreOp>(op)) {
        if (copy.store || store.getBase() != panels)
          return std::nullopt;
        copy.store = store;
      } else if (auto load = dyn_cast<vector::LoadOp>(op)) {
        copy.reads.push_back(load.getBase());
      } else if (auto load = dyn_cast<memref::LoadOp>(op)) {
        copy.reads.push_back(load.getMemRef());
      } else if (!isa<memref::PrefetchOp>(op) && !isMemoryEffectFree(&op)) {
        return std::nullopt;
      }
    }
    if (next && copy.store)
      return std::nullopt; // the store must be in the innermost level
    level = next;
  }
  if (!copy.store)
    return std::nullopt;
  // Every level's induction variable indexes the store exactly once.
  for (scf::ForOp l : copy.levels)
    if (llvm::count(copy.store.getIndices(), l.getInductionVar()) != 1)
      return std::nullopt;
  for (Value index : copy.store.getIndices())
    if (!getConstantIntValue(index) &&
        !llvm::any_of(copy.levels, [&](scf::ForOp l) {
          return l.getInductionVar() == index;
        }))
      return std::nullopt;
  for (Value read : copy.reads)
    if (kf::rootBuffer(read) == kf::rootBuffer(panels))
      return std::nullopt;
  return copy;
}

/// Prefetches into L1, for each weight read of a peeled row tile that moves
/// with the innermost loop and reads at most a cache line, the run `steps`
/// steps of that loop ahead (kf::prefetchRunAhead: clamped to the weight's
/// dimension).
void prefetchRowsAhead(vector::LoadOp panelLoad,
                       ArrayRef<vector::LoadOp> reads, int64_t steps) {
  auto loop = panelLoad->getParentOfType<scf::ForOp>();
  std::optional<int64_t> step = getConstantIntValue(loop.getStep());
  if (!step)
    return;
  OpBuilder outside(loop);
  for (vector::LoadOp read : reads) {
    VectorType type = read.getVectorType();
    int64_t elementBytes = type.getElementTypeBitWidth() / 8;
    std::optional<kf::MovingIndex> moving =
        kf::movingIndex(read.getIndices(), loop);
    if (type.getNumElements() * elementBytes > kf::kCacheLineBytes || !moving)
      continue;
    OpBuilder b(read);
    kf::prefetchRunAhead(b, outside, read.getLoc(), read.getBase(),
                         read.getIndices(), *moving,
                         moving->perUnit * *step * steps, /*lines=*/1,
                         elementBytes, kf::CacheLevel::L1);
  }
}

/// Fuses `copy` into the first iteration of the row-tile loop around
/// `load`, the one read of the panels in `product`. Returns false (and
/// changes nothing) when the shapes do not allow it.
bool fuse(RewriterBase &rewriter, PanelCopy &copy, Operation *product,
          vector::LoadOp load, int64_t rowsAhead) {
  // 16-bit panels are left alone: a vector of 16-bit floats both stored and
  // widened (the copy forwarded into the product) is split into scalar
  // moves by LLVM's x86 backend without native bf16 vectors (AVX2 code with
  // bf16 weights was 15-20% slower fused).
  if (!copy.store.getVectorType().getElementType().isF32() ||
      load.getVectorType() != copy.store.getVectorType() ||
      load.getIndices().size() != copy.store.getIndices().size())
    return false;
  // The loops from the load out to the product's root: each either walks a
  // copy level's range with its induction variable at that level's place
  // in the indices, or is the one row-tile loop, which the indices do not
  // name.
  scf::ForOp rowLoop;
  SmallVector<scf::ForOp> covered;
  for (Operation *parent = load->getParentOp();; parent = parent->getParentOp()) {
    auto loop = dyn_cast<scf::ForOp>(parent);
    if (!loop)
      return false;
    auto at = llvm::find(load.getIndices(), loop.getInductionVar());
    if (at == load.getIndices().end()) {
      if (rowLoop || loop.getNumResults() != 0 || !constantBounds(loop))
        return false;
      rowLoop = loop;
    } else {
      Value stored =
          copy.store.getIndices()[at - load.getIndices().begin()];
      auto level = llvm::find_if(copy.levels, [&](scf::ForOp l) {
        return l.getInductionVar() == stored;
      });
      if (level == copy.levels.end() || !sameBounds(*level, loop))
        return false;
      covered.push_back(loop);
    }
    if (parent == product)
      break;
  }
  if (!rowLoop || covered.size() != copy.levels.size())
    return false;
  for (auto [s, l] : llvm::zip(copy.store.getIndices(), load.getIndices()))
    if (getConstantIntValue(s) && getConstantIntValue(s) != getConstantIntValue(l))
      return false;
  int64_t lower = *getConstantIntValue(rowLoop.getLowerBound()),
          upper = *getConstantIntValue(rowLoop.getUpperBound()),
          step = *getConstantIntValue(rowLoop.getStep());
  if (step < 1 || lower >= upper)
    return false;
  // The weights the copy reads must not be written by the product.
  bool writesReads = false;
  product->walk([&](Operation *op) {
    auto effects = dyn_cast<MemoryEffectOpInterface>(op);
    if (!effects) {
      if (!op->hasTrait<OpTrait::HasRecursiveMemoryEffects>())
        writesReads = true;
      return;
    }
    SmallVector<MemoryEffects::EffectInstance> list;
    effects.getEffects(list);
    for (auto &effect : list) {
      if (!isa<MemoryEffects::Write>(effect.getEffect()))
        continue;
      Value target = effect.getValue();
      if (!target || llvm::any_of(copy.reads, [&](Value read) {
            return kf::rootBuffer(read) == kf::rootBuffer(target);
          }))
        writesReads = true;
    }
  });
  if (writesReads)
    return false;

  // Peel the row-tile loop's first iteration.
  rewriter.setInsertionPoint(rowLoop);
  IRMapping peel;
  peel.map(rowLoop.getInductionVar(), rowLoop.getLowerBound());
  for (Operation &op : rowLoop.getBody()->without_terminator())
    rewriter.clone(op, peel);
  rewriter.modifyOpInPlace(rowLoop, [&] {
    rowLoop.setLowerBound(arith::ConstantIndexOp::create(
        rewriter, rowLoop.getLoc(), lower + step));
  });
  auto peeledLoad = cast<vector::LoadOp>(peel.lookup(load.getOperation()));

  // In the peeled tile, the copy's body at the load's indices, just before
  // it: read the weights and store the panel's vector, which the load then
  // reads back (the store forwards it).
  rewriter.setInsertionPoint(peeledLoad);
  IRMapping body;
  for (auto [s, l] :
       llvm::zip(copy.store.getIndices(), peeledLoad.getIndices()))
    if (!getConstantIntValue(s))
      body.map(s, l);
  SmallVector<vector::LoadOp> weightReads;
  for (scf::ForOp level : copy.levels)
    for (Operation &op : level.getBody()->without_terminator())
      if (!isa<scf::ForOp>(op))
        if (auto read = dyn_cast<vector::LoadOp>(rewriter.clone(op, body)))
          weightReads.push_back(read);
  if (rowsAhead > 0)
    prefetchRowsAhead(peeledLoad, weightReads, rowsAhead);
  rewriter.eraseOp(copy.levels.front());
  return true;
}

struct FusePanelCopiesPass
    : kf::impl::FusePanelCopiesPassBase<FusePanelCopiesPass> {
  using FusePanelCopiesPassBase::FusePanelCopiesPassBase;

  void runOnOperation() override {
    if (rowsAhead < 0) {
      getOperation()->emitError()
          << getArgument() << ": rows-ahead must be 0 or more";
      return signalPassFailure();
    }
    IRRewriter rewriter(&getContext());
    SmallVector<memref::AllocOp> allocs;
    getOperation().walk([&](memref::AllocOp alloc) { allocs.push_back(alloc); });
    for (memref::AllocOp alloc : allocs) {
      Value panels = alloc.getResult();
      // The copy: the one store into the panels, in a loop nest that comes
      // right after the allocation's block-mates it writes before.
      vector::StoreOp store;
      SmallVector<vector::LoadOp> loads;
      bool other = false;
      for (Operation *user : panels.getUsers()) {
        if (auto s = dyn_cast<vector::StoreOp>(user); s && !store)
          store = s;
        else if (auto l = dyn_cast<vector::LoadOp>(user))
          loads.push_back(l);
        else if (!isa<memref::DeallocOp>(user))
          other = true;
      }
      if (other || !store || loads.empty())
        continue;
      Operation *root = store;
      while (root->getParentOp() && root->getBlock() != alloc->getBlock())
        root = root->getParentOp();
      auto copyRoot = dyn_cast<scf::ForOp>(root);
      if (!copyRoot || root->getBlock() != alloc->getBlock())
        continue;
      std::optional<PanelCopy> copy = matchCopy(copyRoot, panels);
      if (!copy)
        continue;
      // The product: the next op with memory effects after the copy; the
      // one load of the panels inside it.
      Operation *product = copyRoot->getNextNode();
      while (product && isMemoryEffectFree(product))
        product = product->getNextNode();
      if (!product)
        continue;
      SmallVector<vector::LoadOp> inside;
      for (vector::LoadOp l : loads)
        if (product->isAncestor(l))
          inside.push_back(l);
      if (inside.size() != 1)
        continue;
      // Every other load of the panels comes after the product.
      if (llvm::any_of(loads, [&](vector::LoadOp l) {
            if (l == inside.front())
              return false;
            Operation *top = l;
            while (top->getBlock() != product->getBlock())
              top = top->getParentOp();
            return !product->isBeforeInBlock(top);
          }))
        continue;
      fuse(rewriter, *copy, product, inside.front(), rowsAhead);
    }
  }
};

} // namespace
