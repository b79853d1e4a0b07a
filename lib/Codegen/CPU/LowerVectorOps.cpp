//===- LowerVectorOps.cpp - Vector ops down to 1-D forms -------------------===//

#include "BF16Pairs.h"
#include "Views.h"

#include "kernelforge/Target/CPUTargetModel.h"
#include "kernelforge/Codegen/CPU/Passes.h"

#include "mlir/Dialect/MemRef/Transforms/Transforms.h"
#include "mlir/IR/Dominance.h"
#include "mlir/Interfaces/ViewLikeInterface.h"
#include "mlir/Transforms/CSE.h"
#include "mlir/Transforms/LoopInvariantCodeMotionUtils.h"
#include "mlir/Dialect/Vector/Transforms/LoweringPatterns.h"
#include "mlir/Dialect/Vector/Transforms/VectorRewritePatterns.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::kf {
#define GEN_PASS_DEF_LOWERVECTOROPSPASS
#include "kernelforge/Codegen/CPU/Passes.h.inc"
} // namespace mlir::kf

using namespace mlir;

namespace {

bool sameIndices(ValueRange a, ValueRange b) {
  return a.size() == b.size() && llvm::equal(a, b);
}

/// Whether `op` takes the buffer `root` (through it or any view of it) as
/// an operand.
bool accessesBuffer(Operation *op, Value root) {
  return llvm::any_of(op->getOperands(), [&](Value operand) {
    return isa<MemRefType>(operand.getType()) &&
           kf::rootBuffer(operand) == root;
  });
}

/// Keeps a register tile's accumulator in registers across the loop that
/// reduces into it: a transfer_read / transfer_write pair on the same buffer
/// and loop-invariant indices, with no other access to that buffer inside the
/// loop, becomes a read before the loop, a loop-carried vector and a write
/// after it. Unlike linalg::hoistRedundantVectorTransfers this looks only at
/// the loop, not at every use of the buffer in the function (an output's
/// bias initialisation, earlier, would otherwise block it). Views are traced
/// to their buffer, so an access through another view of it counts; distinct
/// buffers passed to an entry point are assumed not to overlap, as
/// kernelforge's callers guarantee (inputs and out-parameters are separate
/// allocations).
bool hoistAccumulator(scf::ForOp loop, IRRewriter &rewriter) {
  Block *body = loop.getBody();
  for (Operation &op : *body) {
    auto read = dyn_cast<vector::TransferReadOp>(op);
    if (!read || !isa<MemRefType>(read.getBase().getType()))
      continue;
    Value base = read.getBase();
    if (!loop.isDefinedOutsideOfLoop(base) ||
        !llvm::all_of(read.getIndices(), [&](Value v) {
          return loop.isDefinedOutsideOfLoop(v);
        }) ||
        (read.getMask() && !loop.isDefinedOutsideOfLoop(read.getMask())) ||
        !loop.isDefinedOutsideOfLoop(read.getPadding()))
      continue;
    vector::TransferWriteOp write;
    bool conflict = false;
    Value root = kf::rootBuffer(base);
    loop.walk([&](Operation *user) {
      if (user == read.getOperation() || !accessesBuffer(user, root))
        return;
      auto w = dyn_cast<vector::TransferWriteOp>(user);
      if (!write && w && w->getBlock() == body && w.getBase() == base &&
          sameIndices(w.getIndices(), read.getIndices()) &&
          w.getVectorType() == read.getVectorType() && !w.getMask() &&
          w.getPermutationMap() == read.getPermutationMap() &&
          read->isBeforeInBlock(w))
        write = w;
      else
        conflict = true;
    });
    if (conflict || !write)
      continue;

    rewriter.setInsertionPoint(loop);
    Operation *hoisted = rewriter.clone(*read);
    Value carried = write.getVector();
    auto newLoop = cast<LoopLikeOpInterface>(loop.getOperation())
                       .replaceWithAdditionalYields(
                           rewriter, hoisted->getResult(0),
                           /*replaceInitOperandUsesInLoop=*/false,
                           [&](OpBuilder &, Location, ArrayRef<BlockArgument>) {
                             return SmallVector<Value>{carried};
                           });
    if (failed(newLoop))
      return false;
    auto forOp = cast<scf::ForOp>(newLoop->getOperation());
    rewriter.replaceAllUsesWith(read.getResult(), forOp.getRegionIterArgs().back());
    rewriter.eraseOp(read);
    rewriter.setInsertionPointAfter(forOp);
    auto after = cast<vector::TransferWriteOp>(rewriter.clone(*write));
    after.getValueToStoreMutable().assign(forOp.getResults().back());
    rewriter.eraseOp(write);
    return true;
  }
  return false;
}

/// Moves out of `loop` (which runs at least once) a transfer_read whose
/// buffer, indices, mask and padding the loop does not change and whose
/// buffer nothing in the loop writes (through any view of it; distinct
/// entry-point buffers do not overlap, as for hoistAccumulator): an int8
/// block's scales, read for each tile of a transposing copy's panel rows.
/// LLVM keeps such a load in the loop when it cannot tell the panel's
/// stores from it.
bool hoistInvariantRead(scf::ForOp loop, IRRewriter &rewriter) {
  // Read before the loop only where the loop reads it at least once.
  std::optional<APInt> trips = loop.getStaticTripCount();
  if (!trips || trips->isZero())
    return false;
  for (Operation &op : *loop.getBody()) {
    auto read = dyn_cast<vector::TransferReadOp>(op);
    if (!read || !isa<MemRefType>(read.getBase().getType()) ||
        !llvm::all_of(read->getOperands(), [&](Value v) {
          return loop.isDefinedOutsideOfLoop(v);
        }))
      continue;
    Value root = kf::rootBuffer(read.getBase());
    bool written = false;
    loop.walk([&](Operation *user) {
      if (!isa<vector::TransferReadOp, vector::LoadOp, memref::LoadOp>(user) &&
          accessesBuffer(user, root))
        written = true;
    });
    if (written)
      continue;
    rewriter.moveOpBefore(read, loop);
    return true;
  }
  return false;
}

/// A broadcast of a widened value is broadcast narrow and widened after:
/// `broadcast(extf(s))` becomes `extf(broadcast(s))`. An f16 scalar (an int8
/// block's scale) is otherwise inserted into a lane of a register (x86's
/// vpinsrw), which carries a false dependency on whatever register LLVM
/// picks, a live accumulator in the tied head's loop, serialising it; the
/// narrow broadcast writes a whole register.
void widenAfterBroadcast(func::FuncOp func) {
  func.walk([](vector::BroadcastOp broadcast) {
    auto ext = broadcast.getSource().getDefiningOp<arith::ExtFOp>();
    if (!ext)
      return;
    OpBuilder b(broadcast);
    Location loc = broadcast.getLoc();
    VectorType result = broadcast.getResultVectorType();
    Value narrow = ext.getIn();
    Value wide = vector::BroadcastOp::create(
        b, loc, result.clone(getElementTypeOrSelf(narrow.getType())), narrow);
    broadcast.replaceAllUsesWith(
        arith::ExtFOp::create(b, loc, result, wide).getResult());
    broadcast.erase();
  });
}

/// An 8 x 8 transpose (a transposing copy's register tile) of 32-bit
/// elements in 256-bit registers or of 16-bit ones in 128-bit registers, as
/// three rounds of two-input shuffles that x86 has single instructions for,
/// 24 in all; one flat 64-element shuffle (Shuffle1D) LLVM lowered to twice
/// as many shuffles and element inserts.
///  - 32-bit: interleave row pairs (unpcklps / unpckhps, within each
///    128-bit half), pairs of pairs (shufps), then the halves (vperm2f128).
///  - 16-bit: interleave words, then double words, then quad words
///    (punpckl/h wd, dq, qdq), as i16.
struct Transpose8x8 : OpRewritePattern<vector::TransposeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(vector::TransposeOp op,
                                PatternRewriter &rewriter) const override {
    VectorType type = op.getSourceVectorType();
    if (type.getShape() != ArrayRef<int64_t>{8, 8} || type.isScalable() ||
        !type.getElementType().isIntOrFloat() ||
        op.getPermutation() != ArrayRef<int64_t>{1, 0})
      return failure();
    unsigned bits = type.getElementType().getIntOrFloatBitWidth();
    if (bits != 32 && bits != 16)
      return failure();
    Location loc = op.getLoc();
    // 16-bit floats are shuffled as i16: LLVM moves bf16 (and f16 without
    // AVX-512 FP16) lanes one at a time.
    auto lanes = VectorType::get({8}, bits == 16 ? rewriter.getI16Type()
                                                 : type.getElementType());
    SmallVector<Value> rows;
    for (int64_t i = 0; i < 8; ++i) {
      Value row = vector::ExtractOp::create(rewriter, loc, op.getVector(), i);
      if (lanes.getElementType() != type.getElementType())
        row = vector::BitCastOp::create(rewriter, loc, lanes, row);
      rows.push_back(row);
    }
    // Each round combines vectors i and i + stride of the last (lanes of
    // the second operand count from 8) into the low and the high result.
    using Mask = std::array<int64_t, 8>;
    auto round = [&](ArrayRef<Value> in, int64_t stride, const Mask &low,
                     const Mask &high) {
      SmallVector<Value> out(8);
      for (int64_t i = 0; i < 8; ++i) {
        if (i & stride)
          continue;
        for (auto [slot, mask] : {std::pair{i, &low}, {i + stride, &high}})
          out[slot] = vector::ShuffleOp::create(rewriter, loc, in[i],
                                                in[i + stride], *mask);
      }
      return out;
    };
    SmallVector<Value> columns;
    if (bits == 32) {
      // The first two rounds work within 128-bit halves, the last swaps
      // the halves.
      SmallVector<Value> pairs = round(rows, 1, {0, 8, 1, 9, 4, 12, 5, 13},
                                       {2, 10, 3, 11, 6, 14, 7, 15});
      SmallVector<Value> quads = round(pairs, 2, {0, 1, 8, 9, 4, 5, 12, 13},
                                       {2, 3, 10, 11, 6, 7, 14, 15});
      SmallVector<Value> halves =
          round(quads, 4, {0, 1, 2, 3, 8, 9, 10, 11},
                {4, 5, 6, 7, 12, 13, 14, 15});
      // halves[r]: r = 4 * (column >= 4) + 2 * (column % 2) + (column / 2 % 2)
      for (int64_t c = 0; c < 8; ++c)
        columns.push_back(halves[4 * (c / 4) + 2 * (c % 2) + (c / 2) % 2]);
    } else {
      SmallVector<Value> words = round(rows, 1, {0, 8, 1, 9, 2, 10, 3, 11},
                                       {4, 12, 5, 13, 6, 14, 7, 15});
      SmallVector<Value> doubles = round(words, 2, {0, 1, 8, 9, 2, 3, 10, 11},
                                         {4, 5, 12, 13, 6, 7, 14, 15});
      SmallVector<Value> quads = round(doubles, 4, {0, 1, 2, 3, 8, 9, 10, 11},
                                       {4, 5, 6, 7, 12, 13, 14, 15});
      // quads[r]: r = 4 * (column % 2) + 2 * (column / 2 % 2) + column / 4
      for (int64_t c = 0; c < 8; ++c)
        columns.push_back(quads[4 * (c % 2) + 2 * ((c / 2) % 2) + c / 4]);
    }
    Value result = arith::ConstantOp::create(rewriter, loc, type,
                                             rewriter.getZeroAttr(type));
    auto row = VectorType::get({8}, type.getElementType());
    for (int64_t c = 0; c < 8; ++c) {
      Value column = columns[c];
      if (row != lanes)
        column = vector::BitCastOp::create(rewriter, loc, row, column);
      result = vector::InsertOp::create(rewriter, loc, column, result, c);
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct LowerVectorOpsPass
    : kf::impl::LowerVectorOpsPassBase<LowerVectorOpsPass> {
  /// Applies `patterns` to the function; where they do not converge, says
  /// so and fails the pass.
  LogicalResult lower(func::FuncOp func, RewritePatternSet &&patterns) {
    if (succeeded(applyPatternsGreedily(func, std::move(patterns))))
      return success();
    func->emitError() << getArgument() << ": rewrite patterns did not converge";
    signalPassFailure();
    return failure();
  }

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    MLIRContext *ctx = &getContext();
    // Accumulators read and written around a reduction loop stay in
    // registers: fold the tiles' subviews into the transfers' indices, move
    // what no longer depends on the loop out of it, then hoist the
    // accumulator's read and write around the loop.
    RewritePatternSet aliases(ctx);
    memref::populateFoldMemRefAliasOpPatterns(aliases);
    // Best effort: folding every alias is not required for correctness, so
    // a rewrite that does not reach a fixpoint is not an error.
    (void)applyPatternsGreedily(func, std::move(aliases));
    func.walk([](LoopLikeOpInterface loop) { moveLoopInvariantCode(loop); });
    IRRewriter rewriter(ctx);
    // The read's and the write's index computations must be the same values.
    DominanceInfo dominance(func);
    eliminateCommonSubExpressions(rewriter, dominance, func);
    // Innermost loops first; a hoisted pair may then leave the next loop.
    for (bool changed = true; changed;) {
      changed = false;
      SmallVector<scf::ForOp> loops;
      func.walk([&](scf::ForOp loop) { loops.push_back(loop); });
      for (scf::ForOp loop : loops)
        if (hoistAccumulator(loop, rewriter) ||
            hoistInvariantRead(loop, rewriter)) {
          changed = true;
          break;
        }
    }

    // Pairs of bf16 products (kf-tile-and-vectorize's bf16-products) as
    // the target's dot product, before the contractions become FMAs.
    if (kf::targetHasBF16Dot(func)) {
      RewritePatternSet pairs(ctx);
      kf::populateBF16PairDotPatterns(pairs);
      if (failed(lower(func, std::move(pairs))))
        return;
      kf::flattenBF16PairReads(func);
    }

    widenAfterBroadcast(func);
    // vector<1x64xf32> -> vector<64xf32>: row tiles become 1-D vectors.
    RewritePatternSet unitDims(ctx);
    vector::populateCastAwayVectorLeadingOneDimPatterns(unitDims);
    vector::populateVectorTransferDropUnitDimsPatterns(unitDims);
    vector::populateDropUnitDimWithShapeCastPatterns(unitDims);
    if (failed(lower(func, std::move(unitDims))))
      return;

    RewritePatternSet lowering(ctx);
    vector::populateVectorContractLoweringPatterns(
        lowering, vector::VectorContractLowering::OuterProduct);
    vector::populateVectorOuterProductLoweringPatterns(lowering);
    vector::populateVectorMultiReductionLoweringPatterns(
        lowering, vector::VectorMultiReductionLowering::InnerReduction);
    vector::populateVectorTransferPermutationMapLoweringPatterns(lowering);
    vector::populateVectorTransferLoweringPatterns(lowering,
                                                   /*maxTransferRank=*/1);
    vector::populateVectorShapeCastLoweringPatterns(lowering);
    vector::populateVectorTransposeLoweringPatterns(
        lowering, vector::VectorTransposeLowering::Shuffle1D);
    if (std::optional<int64_t> bits = kf::x86VectorBits(func);
        bits && *bits >= 256)
      lowering.add<Transpose8x8>(ctx, /*benefit=*/2);
    vector::populateVectorMaskOpLoweringPatterns(lowering);
    if (failed(lower(func, std::move(lowering))))
      return;

    // A float sum or product over a vector may be reassociated: the lanes
    // are added as a tree instead of one after another (64 dependent adds per
    // 64-wide chunk otherwise). Reductions change order anyway once tiled.
    func.walk([&](vector::ReductionOp reduction) {
      using vector::CombiningKind;
      CombiningKind kind = reduction.getKind();
      if (kind != CombiningKind::ADD && kind != CombiningKind::MUL)
        return;
      reduction.setFastmath(reduction.getFastmath() |
                            arith::FastMathFlags::reassoc);
    });

    // Broadcast lowering and canonicalization undo each other when mixed;
    // run it on its own.
    RewritePatternSet broadcasts(ctx);
    vector::populateVectorBroadcastLoweringPatterns(broadcasts);
    if (failed(lower(func, std::move(broadcasts))))
      return;
  }
};
} // namespace
