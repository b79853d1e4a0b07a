//===- TransformerFolds.cpp - kf folders and canonicalizations ------------===//

#include "kernelforge/Dialect/Transformer/IR/TransformerOps.h"

#include "mlir/Dialect/CommonFolders.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace mlir::kf;

/// Folds `op(lhs, rhs)` when both are constants of the result type (no
/// broadcast), or when `rhs` is the identity and `lhs` already has the
/// result type. Commutative ops have their constants moved to the rhs first.
template <typename CalculationT>
static OpFoldResult foldBinary(Operation *op, ArrayRef<Attribute> operands,
                               bool rhsIsIdentity, CalculationT &&calculate) {
  Type resultType = op->getResult(0).getType();
  Value lhs = op->getOperand(0), rhs = op->getOperand(1);
  if (lhs.getType() == resultType && rhs.getType() == resultType)
    if (Attribute folded = constFoldBinaryOp<FloatAttr, APFloat, void>(
            operands, resultType, calculate))
      return folded;
  if (rhsIsIdentity && lhs.getType() == resultType)
    return lhs;
  return {};
}

// Signed zeros are not preserved (x + 0.0 folds to x even for x = -0.0), as
// in the algebraic simplifiers of ML compilers.
OpFoldResult AddOp::fold(FoldAdaptor adaptor) {
  return foldBinary(*this, adaptor.getOperands(),
                    matchPattern(getRhs(), m_AnyZeroFloat()),
                    [](const APFloat &a, const APFloat &b) { return a + b; });
}

OpFoldResult MulOp::fold(FoldAdaptor adaptor) {
  return foldBinary(*this, adaptor.getOperands(),
                    matchPattern(getRhs(), m_OneFloat()),
                    [](const APFloat &a, const APFloat &b) { return a * b; });
}

/// split_heads(merge_heads(x)) -> x when the types round-trip.
OpFoldResult SplitHeadsOp::fold(FoldAdaptor) {
  if (auto merge = getInput().getDefiningOp<MergeHeadsOp>())
    if (merge.getInput().getType() == getType())
      return merge.getInput();
  return {};
}

/// merge_heads(split_heads(x)) -> x when the types round-trip.
OpFoldResult MergeHeadsOp::fold(FoldAdaptor) {
  if (auto split = getInput().getDefiningOp<SplitHeadsOp>())
    if (split.getInput().getType() == getType())
      return split.getInput();
  return {};
}

namespace {
/// A linear layer whose bias is a constant zero needs no bias.
struct DropZeroLinearBias : OpRewritePattern<LinearOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(LinearOp op,
                                PatternRewriter &rewriter) const override {
    Value bias = op.getBias();
    if (!bias || !matchPattern(bias, m_AnyZeroFloat()))
      return rewriter.notifyMatchFailure(op, "no constant zero bias");
    rewriter.modifyOpInPlace(op, [&] { op.getBiasMutable().clear(); });
    return success();
  }
};
} // namespace

void LinearOp::getCanonicalizationPatterns(RewritePatternSet &patterns,
                                           MLIRContext *context) {
  patterns.add<DropZeroLinearBias>(context);
}
