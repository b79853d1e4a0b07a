//===- ContractionToLinalg.cpp - linear and matmul -------------------------===//
//
// Contractions are linalg.generic ops with `(parallel..., reduction)`
// iterators. The weight layout (`in_out` or `out_in`) and `transpose_rhs`
// only change the weight's indexing map, so no transpose is materialised.
// The bias is the contraction's initial value, broadcast by its map.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"

#include "kernelforge/Conversion/TransformerToLinalg/TransformerToLinalg.h"
#include "kernelforge/Dialect/Transformer/IR/TransformerOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace mlir::kf;
using namespace mlir::kf::lowering;

namespace {

/// `[..., K] -> [M, K]`: the leading dimensions become the rows of the
/// contraction, a reshape that bufferizes to a view.
Value toRows(OpBuilder &b, Location loc, Value input) {
  auto type = cast<RankedTensorType>(input.getType());
  int64_t rank = type.getRank();
  if (rank == 2)
    return input;
  if (rank == 1)
    return tensor::ExpandShapeOp::create(
        b, loc, RankedTensorType::get({1, type.getDimSize(0)},
                                      type.getElementType()),
        input, ArrayRef<ReassociationIndices>{{0, 1}});
  ReassociationIndices rows;
  for (int64_t i = 0; i < rank - 1; ++i)
    rows.push_back(i);
  return tensor::CollapseShapeOp::create(
      b, loc, input, ArrayRef<ReassociationIndices>{rows, {rank - 1}});
}

/// The inverse of `toRows` for a `[M, N]` result of `resultType`'s rank.
Value fromRows(OpBuilder &b, Location loc, Value rows,
               RankedTensorType resultType) {
  int64_t rank = resultType.getRank();
  if (rank == 2)
    return rows;
  if (rank == 1)
    return tensor::CollapseShapeOp::create(
        b, loc, rows, ArrayRef<ReassociationIndices>{{0, 1}});
  ReassociationIndices lead;
  for (int64_t i = 0; i < rank - 1; ++i)
    lead.push_back(i);
  return tensor::ExpandShapeOp::create(
      b, loc, resultType, rows,
      ArrayRef<ReassociationIndices>{lead, {rank - 1}});
}

struct LinearLowering : OpConversionPattern<LinearOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(LinearOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto resultType = cast<RankedTensorType>(op.getType());
    Type elementType = resultType.getElementType();
    Type accType = computeType(elementType);

    Value rows = toRows(rewriter, loc, adaptor.getInput());
    auto rowsType = cast<RankedTensorType>(rows.getType());
    int64_t m = rowsType.getDimSize(0);
    int64_t n = resultType.getShape().back();

    Value acc;
    if (Value bias = adaptor.getBias()) {
      acc = elementwise(rewriter, loc, {m, n}, accType, bias,
                        projection(ctx, 2, {1}),
                        [&](OpBuilder &b, Location l, ValueRange args) {
                          return toCompute(b, l, args[0]);
                        });
    } else {
      acc = filledTensor(rewriter, loc, {m, n}, accType, 0.0);
    }

    // Iteration space (m, n, k).
    AffineMap weightMap = op.getWeightLayout() == WeightLayout::InOut
                              ? projection(ctx, 3, {2, 1})
                              : projection(ctx, 3, {1, 2});
    Value product =
        contract(rewriter, loc, rows, adaptor.getWeight(), acc,
                 projection(ctx, 3, {0, 2}), weightMap,
                 projection(ctx, 3, {0, 1}));
    product = convertTensor(rewriter, loc, product, elementType);
    rewriter.replaceOp(op, fromRows(rewriter, loc, product, resultType));
    return success();
  }
};

struct MatmulLowering : OpConversionPattern<MatmulOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(MatmulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto resultType = cast<RankedTensorType>(op.getType());
    Type elementType = resultType.getElementType();
    unsigned rank = resultType.getRank();
    // Iteration space (batch..., m, n, k).
    unsigned m = rank - 2, n = rank - 1, k = rank;
    SmallVector<unsigned> batch;
    for (unsigned i = 0; i < rank - 2; ++i)
      batch.push_back(i);
    auto withBatch = [&](std::initializer_list<unsigned> inner) {
      SmallVector<unsigned> dims(batch);
      dims.append(inner.begin(), inner.end());
      return projection(ctx, rank + 1, dims);
    };
    AffineMap rhsMap =
        op.getTransposeRhs() ? withBatch({n, k}) : withBatch({k, n});
    Value acc = filledTensor(rewriter, loc, resultType.getShape(),
                             computeType(elementType), 0.0);
    Value product =
        contract(rewriter, loc, adaptor.getLhs(), adaptor.getRhs(), acc,
                 withBatch({m, k}), rhsMap, withBatch({m, n}));
    rewriter.replaceOp(op, convertTensor(rewriter, loc, product, elementType));
    return success();
  }
};

} // namespace

void mlir::kf::populateTransformerContractionToLinalgPatterns(
    RewritePatternSet &patterns) {
  patterns.add<LinearLowering, MatmulLowering>(patterns.getContext());
}
