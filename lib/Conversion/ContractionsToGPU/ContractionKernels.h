//===- ContractionKernels.h - Pieces of the product kernels -----*- C++ -*-===//
//
// Shared by the tiled kernel (TiledKernel.cpp), the mat-vec kernel
// (MatVecKernel.cpp) and the pattern that chooses between them
// (ContractionsToGPU.cpp): the contraction's roles, the kernels' index
// arithmetic, and the generic's body and fused neighbours applied in a
// kernel.
//
//===----------------------------------------------------------------------===//

#ifndef KERNELFORGE_CONVERSION_CONTRACTIONSTOGPU_CONTRACTIONKERNELS_H
#define KERNELFORGE_CONVERSION_CONTRACTIONSTOGPU_CONTRACTIONKERNELS_H

#include "FusedNeighbours.h"

#include "kernelforge/Conversion/GPUKernelUtils.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/IRMapping.h"

namespace mlir::kf::contractions {

constexpr int64_t kTileK = 16, kThreadsX = 16, kThreadsY = 16;
/// Blocks a tiled product aims for at least (about one per multiprocessor of
/// a large GPU) before it shrinks its tiles.
constexpr int64_t kMinTiledBlocks = 128;
constexpr int64_t kWarp = kWarpSize, kWarpsPerBlock = 8;
/// Threads of an n-contiguous mat-vec block; blocks it aims for at least.
constexpr int64_t kMatVecThreads = 256, kMinBlocks = 256;
/// The roles of a contraction's loop dimensions and operands.
struct Contraction {
  mutable linalg::GenericOp op;
  SmallVector<int64_t> sizes;  // static loop ranges
  SmallVector<unsigned> batch; // batch dimensions, outermost first
  std::optional<unsigned> m;   // rows, absent for a mat-vec
  unsigned n = 0, k = 0;       // columns and reduction
  unsigned lhs = 0, rhs = 1;   // input reading m (or only k) / n

  AffineMap map(unsigned operand) const {
    return op.getIndexingMapsArray()[operand];
  }
  /// Whether `dim` is the operand's fastest-varying (last) index.
  bool contiguous(unsigned operand, unsigned dim) const {
    AffineMap m = map(operand);
    return m.getNumResults() > 0 &&
           m.getResults().back() == getAffineDimExpr(dim, op.getContext());
  }
  int64_t rows() const { return m ? sizes[*m] : 1; }
  int64_t batchCount() const {
    int64_t count = 1;
    for (unsigned d : batch)
      count *= sizes[d];
    return count;
  }
};

/// The shared kernel helpers (GPUKernelUtils.h) with the contraction's
/// operands and the generic's body.
struct ContractionBuilder : kf::KernelBuilder {
  const Contraction &c;
  const kf::FusedNeighbours &fused;

  /// The operand's memref indices from values of the loop dimensions.
  SmallVector<Value> indices(unsigned operand,
                             const DenseMap<unsigned, Value> &dims) {
    SmallVector<Value> result;
    for (AffineExpr e : c.map(operand).getResults())
      result.push_back(dims.lookup(cast<AffineDimExpr>(e).getPosition()));
    return result;
  }
  Value operand(unsigned i) { return c.op->getOperand(i); }
  Type elementType(unsigned i) {
    return cast<MemRefType>(operand(i).getType()).getElementType();
  }
  /// Loads operand `i` at `dims`, or zero where `inBounds` is false.
  Value load(unsigned i, const DenseMap<unsigned, Value> &dims,
             Value inBounds) {
    SmallVector<Value> at = indices(i, dims);
    if (!inBounds)
      return memref::LoadOp::create(b, loc, operand(i), at);
    auto ifOp = scf::IfOp::create(
        b, loc, inBounds,
        [&](OpBuilder &tb, Location l) {
          scf::YieldOp::create(
              tb, l, ValueRange{memref::LoadOp::create(tb, l, operand(i), at)});
        },
        [&](OpBuilder &eb, Location l) {
          scf::YieldOp::create(
              eb, l,
              ValueRange{arith::ConstantOp::create(
                  eb, l, elementType(i), eb.getZeroAttr(elementType(i)))});
        });
    return ifOp.getResult(0);
  }

  /// Runs `emit` where `inBounds` holds (everywhere when null).
  void guarded(Value inBounds, function_ref<void()> emit) {
    if (!inBounds)
      return emit();
    auto ifOp = scf::IfOp::create(b, loc, inBounds, /*withElse=*/false);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(ifOp.thenBlock());
    emit();
  }

  /// The index `e` (a result of an elementwise op's indexing map) names at
  /// the element `opDims`: a loop's index, a constant (a broadcast operand's
  /// unit dimension, `(d0, d1, d2) -> (0, 0, 0)`), or an affine function of
  /// the loops.
  Value indexOf(AffineExpr e, ArrayRef<Value> opDims) {
    if (auto dim = dyn_cast<AffineDimExpr>(e))
      return opDims[dim.getPosition()];
    if (auto constant = dyn_cast<AffineConstantExpr>(e))
      return arith::ConstantIndexOp::create(b, loc, constant.getValue());
    return affine::AffineApplyOp::create(
        b, loc, AffineMap::get(opDims.size(), 0, e), opDims);
  }

  /// `op` (elementwise) at the element `opDims` (one value per loop): its
  /// inputs loaded there, except operand `given` (if any), which is `value`.
  Value evaluate(linalg::GenericOp op, ArrayRef<Value> opDims,
                 std::optional<unsigned> given = std::nullopt,
                 Value value = {}) {
    Block &block = op.getRegion().front();
    IRMapping map;
    for (OpOperand &operand : op->getOpOperands()) {
      unsigned i = operand.getOperandNumber();
      BlockArgument arg = block.getArgument(i);
      if (given && i == *given) {
        map.map(arg, value);
        continue;
      }
      if (arg.use_empty())
        continue;
      SmallVector<Value> at;
      for (AffineExpr e : op.getMatchingIndexingMap(&operand).getResults())
        at.push_back(indexOf(e, opDims));
      map.map(arg, memref::LoadOp::create(b, loc, operand.get(), at));
    }
    for (Operation &inner : block.without_terminator())
      b.clone(inner, map);
    return map.lookupOrDefault(block.getTerminator()->getOperand(0));
  }

  /// The output's value before the contraction at `dims`: the prologue
  /// computed there, else loaded (zero where `inBounds` is false).
  Value initial(const DenseMap<unsigned, Value> &dims, Value inBounds) {
    if (!fused.prologue)
      return load(2, dims, inBounds);
    if (auto fill = dyn_cast<linalg::FillOp>(fused.prologue))
      return fill.getInputs()[0];
    auto prologue = cast<linalg::GenericOp>(fused.prologue);
    // Its output map is the identity: its loops are the output's indices.
    SmallVector<Value> at = indices(2, dims);
    if (!inBounds)
      return evaluate(prologue, at);
    auto ifOp = scf::IfOp::create(
        b, loc, inBounds,
        [&](OpBuilder &, Location l) {
          scf::YieldOp::create(b, l, evaluate(prologue, at));
        },
        [&](OpBuilder &eb, Location l) {
          scf::YieldOp::create(eb, l, zero(elementType(2)));
        });
    return ifOp.getResult(0);
  }

  /// Stores the finished output `value` at `dims` where `inBounds` holds:
  /// through the epilogue when it is fused.
  void finish(Value value, const DenseMap<unsigned, Value> &dims,
              Value inBounds) {
    guarded(inBounds, [&] {
      SmallVector<Value> at = indices(2, dims);
      linalg::GenericOp epilogue = fused.epilogue;
      if (!epilogue) {
        memref::StoreOp::create(b, loc, value, operand(2), at);
        return;
      }
      // The epilogue's loops from the view it reads the output through (a
      // permutation map).
      SmallVector<Value> viewAt =
          kf::viewIndices(b, loc, fused.epilogueView, at);
      SmallVector<Value> opDims(epilogue.getNumLoops());
      AffineMap map = epilogue.getIndexingMapsArray()[fused.epilogueOperand];
      for (auto [r, index] : llvm::enumerate(viewAt))
        opDims[map.getDimPosition(r)] = index;
      Value result = evaluate(epilogue, opDims, fused.epilogueOperand, value);
      OpOperand *init = epilogue.getDpsInitOperand(0);
      SmallVector<Value> out;
      for (AffineExpr e : epilogue.getMatchingIndexingMap(init).getResults())
        out.push_back(indexOf(e, opDims));
      memref::StoreOp::create(b, loc, result, init->get(), out);
    });
  }

  /// The generic's body applied to (lhs, rhs, acc). Its floating-point
  /// operations may contract (a multiply and an add become one FMA, as on
  /// the CPU path).
  Value body(Value lhs, Value rhs, Value acc) {
    Block &block = c.op.getRegion().front();
    IRMapping map;
    map.map(block.getArgument(c.lhs), lhs);
    map.map(block.getArgument(c.rhs), rhs);
    map.map(block.getArgument(2), acc);
    for (Operation &op : block.without_terminator()) {
      Operation *clone = b.clone(op, map);
      // (Widenings such as arith.extf take fastmath flags but may carry none.)
      if (auto fm = dyn_cast<arith::ArithFastMathInterface>(clone)) {
        arith::FastMathFlagsAttr flags = fm.getFastMathFlagsAttr();
        clone->setAttr(
            fm.getFastMathAttrName(),
            arith::FastMathFlagsAttr::get(
                b.getContext(),
                (flags ? flags.getValue() : arith::FastMathFlags::none) |
                    arith::FastMathFlags::contract));
      }
    }
    return map.lookupOrDefault(block.getTerminator()->getOperand(0));
  }

  /// Batch indices from the z block id (row-major over the batch sizes).
  void batchIndices(Value z, DenseMap<unsigned, Value> &dims) {
    SmallVector<int64_t> sizes;
    for (unsigned d : c.batch)
      sizes.push_back(c.sizes[d]);
    SmallVector<Value> indices = kf::delinearize(b, loc, z, sizes);
    for (auto [d, index] : llvm::zip(c.batch, indices))
      dims[d] = index;
  }
};

/// BM x BN outputs per block, k-tiles staged in workgroup memory.
void buildTiled(OpBuilder &b, const Contraction &c,
                const FusedNeighbours &fused);

/// One output row (decode), streaming the weights once.
void buildMatVec(OpBuilder &b, const Contraction &c,
                 const FusedNeighbours &fused);

} // namespace mlir::kf::contractions

#endif // KERNELFORGE_CONVERSION_CONTRACTIONSTOGPU_CONTRACTIONKERNELS_H
