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
#include "kernelforge/Transforms/Contractions.h"

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

/// The weight of an i8 `kf.linear` as f32, dequantised element by element
/// over the weight viewed with its blocks split out ([kb, B, n] or
/// [n, kb, B]), so that every map is a projection: a temporary the products
/// with many rows read like a float weight.
Value dequantize(OpBuilder &b, Location loc, Value q, Value scales,
                 bool inOut) {
  MLIRContext *ctx = b.getContext();
  auto qType = cast<RankedTensorType>(q.getType());
  auto sType = cast<RankedTensorType>(scales.getType());
  unsigned blockDim = inOut ? 0 : 1;
  int64_t blocks = sType.getDimSize(blockDim);
  int64_t block = qType.getDimSize(blockDim) / blocks;
  int64_t other = qType.getDimSize(1 - blockDim);
  SmallVector<int64_t> viewShape =
      inOut ? SmallVector<int64_t>{blocks, block, other}
            : SmallVector<int64_t>{other, blocks, block};
  SmallVector<ReassociationIndices> groups =
      inOut ? SmallVector<ReassociationIndices>{{0, 1}, {2}}
            : SmallVector<ReassociationIndices>{{0}, {1, 2}};
  Value view = tensor::ExpandShapeOp::create(
      b, loc, RankedTensorType::get(viewShape, qType.getElementType()), q,
      groups);
  Type f32 = b.getF32Type();
  Value empty = emptyTensor(b, loc, viewShape, f32);
  AffineMap scaleMap = inOut ? projection(ctx, 3, {0, 2})
                             : projection(ctx, 3, {0, 1});
  Value wide =
      linalg::GenericOp::create(
          b, loc, empty.getType(), ValueRange{view, scales}, ValueRange{empty},
          ArrayRef<AffineMap>{b.getMultiDimIdentityMap(3), scaleMap,
                              b.getMultiDimIdentityMap(3)},
          iteratorTypes(3),
          [&](OpBuilder &nb, Location l, ValueRange args) {
            Value w = arith::SIToFPOp::create(nb, l, f32, args[0]);
            linalg::YieldOp::create(
                nb, l, arith::MulFOp::create(nb, l, w, args[1]).getResult());
          })
          .getResult(0);
  return tensor::CollapseShapeOp::create(b, loc, wide, groups);
}

/// A row block `[m, k]` and an i8 weight with its blocks of B input
/// features split out as views: x `[m, k / B, B]`, w `[k / B, B, n]`
/// (`in_out`) or `[n, k / B, B]` (`out_in`).
struct BlockViews {
  Value x, w;
  int64_t m, n, blocks, block;
};

BlockViews blockViews(OpBuilder &b, Location loc, Value rows, Value q,
                      Value scales, bool inOut) {
  auto qType = cast<RankedTensorType>(q.getType());
  auto sType = cast<RankedTensorType>(scales.getType());
  auto rowsType = cast<RankedTensorType>(rows.getType());
  BlockViews v;
  v.m = rowsType.getDimSize(0);
  v.blocks = sType.getDimSize(inOut ? 0 : 1);
  v.block = rowsType.getDimSize(1) / v.blocks;
  v.n = qType.getDimSize(inOut ? 1 : 0);
  v.x = tensor::ExpandShapeOp::create(
      b, loc, RankedTensorType::get({v.m, v.blocks, v.block}, b.getF32Type()),
      rows, ArrayRef<ReassociationIndices>{{0}, {1, 2}});
  Type i8 = qType.getElementType();
  v.w = inOut ? tensor::ExpandShapeOp::create(
                    b, loc, RankedTensorType::get({v.blocks, v.block, v.n}, i8),
                    q, ArrayRef<ReassociationIndices>{{0, 1}, {2}})
              : tensor::ExpandShapeOp::create(
                    b, loc, RankedTensorType::get({v.n, v.blocks, v.block}, i8),
                    q, ArrayRef<ReassociationIndices>{{0}, {1, 2}});
  return v;
}

/// One row against an i8 `out_in` weight q [n, k] with scales [n, k / B],
/// dequantised in registers:
///
///   P[m, n, j] = sum_kb x[m, kb * B + j] * (q[n, kb * B + j] * scales[n, kb])
///   y[m, n]    = init + sum_j P[m, n, j]
///
/// over (m, n, j, kb): the lanes j are a block's values, contiguous in a
/// weight row, so each register tile streams weight rows front to back. The
/// first op is marked `kf.quantized_contraction`: the CPU schedule tiles it
/// as a contraction (rows, lanes, blocks last).
Value quantizedRowProduct(OpBuilder &b, Location loc, Value rows, Value q,
                          Value scales, Value init) {
  MLIRContext *ctx = b.getContext();
  Type f32 = b.getF32Type();
  BlockViews v = blockViews(b, loc, rows, q, scales, /*inOut=*/false);
  // Over (m, n, j, kb).
  Value zeros = filledTensor(b, loc, {v.m, v.n, v.block}, f32, 0.0);
  auto partial = linalg::GenericOp::create(
      b, loc, zeros.getType(), ValueRange{v.x, v.w, scales}, ValueRange{zeros},
      ArrayRef<AffineMap>{projection(ctx, 4, {0, 3, 2}),
                          projection(ctx, 4, {1, 3, 2}),
                          projection(ctx, 4, {1, 3}),
                          projection(ctx, 4, {0, 1, 2})},
      iteratorTypes(4, {3}),
      [&](OpBuilder &nb, Location l, ValueRange args) {
        Value wf = arith::SIToFPOp::create(nb, l, f32, args[1]);
        Value scaled = arith::MulFOp::create(nb, l, wf, args[2]);
        Value product = arith::MulFOp::create(nb, l, args[0], scaled);
        linalg::YieldOp::create(
            nb, l, arith::AddFOp::create(nb, l, args[3], product).getResult());
      });
  partial->setAttr(kQuantizedContractionAttrName, b.getUnitAttr());
  // y[m, n] = init + sum_j P[m, n, j].
  return linalg::GenericOp::create(
             b, loc, init.getType(), ValueRange{partial.getResult(0)},
             ValueRange{init},
             ArrayRef<AffineMap>{projection(ctx, 3, {0, 1, 2}),
                                 projection(ctx, 3, {0, 1})},
             iteratorTypes(3, {2}),
             [&](OpBuilder &nb, Location l, ValueRange args) {
               linalg::YieldOp::create(
                   nb, l,
                   arith::AddFOp::create(nb, l, args[1], args[0]).getResult());
             })
      .getResult(0);
}

/// One row against an i8 `in_out` weight q [k, n] with scales [k / B, n]:
///
///   P[m, kb, n] = sum_j x[m, kb * B + j] * q[kb * B + j, n]
///   y[m, n]     = init + sum_kb scales[kb, n] * P[m, kb, n]
///
/// The first is an ordinary contraction batched over the blocks (the i8
/// values widened in its body): the CPU schedule gives it the one-row
/// register tile across n, and threads that take blocks of weight rows in
/// order. Each block's scale multiplies its partial sums once.
Value quantizedRowProductInOut(OpBuilder &b, Location loc, Value rows,
                               Value q, Value scales, Value init) {
  MLIRContext *ctx = b.getContext();
  Type f32 = b.getF32Type();
  BlockViews v = blockViews(b, loc, rows, q, scales, /*inOut=*/true);
  // Over (kb, m, n, j).
  Value zeros = filledTensor(b, loc, {v.m, v.blocks, v.n}, f32, 0.0);
  Value partial =
      linalg::GenericOp::create(
          b, loc, zeros.getType(), ValueRange{v.x, v.w}, ValueRange{zeros},
          ArrayRef<AffineMap>{projection(ctx, 4, {1, 0, 3}),
                              projection(ctx, 4, {0, 3, 2}),
                              projection(ctx, 4, {1, 0, 2})},
          iteratorTypes(4, {3}),
          [&](OpBuilder &nb, Location l, ValueRange args) {
            Value wf = arith::SIToFPOp::create(nb, l, f32, args[1]);
            Value product = arith::MulFOp::create(nb, l, args[0], wf);
            linalg::YieldOp::create(
                nb, l,
                arith::AddFOp::create(nb, l, args[2], product).getResult());
          })
          .getResult(0);
  // Over (m, kb, n): vectors along n, the blocks reduced inside.
  return linalg::GenericOp::create(
             b, loc, init.getType(), ValueRange{partial, scales},
             ValueRange{init},
             ArrayRef<AffineMap>{projection(ctx, 3, {0, 1, 2}),
                                 projection(ctx, 3, {1, 2}),
                                 projection(ctx, 3, {0, 2})},
             iteratorTypes(3, {1}),
             [&](OpBuilder &nb, Location l, ValueRange args) {
               Value scaled = arith::MulFOp::create(nb, l, args[0], args[1]);
               linalg::YieldOp::create(
                   nb, l,
                   arith::AddFOp::create(nb, l, args[2], scaled).getResult());
             })
      .getResult(0);
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

    bool inOut = op.getWeightLayout() == WeightLayout::InOut;
    Value weight = adaptor.getWeight();
    if (Value scales = adaptor.getScales()) {
      // i8 blocks: one row dequantises in registers; many rows read a
      // dequantised f32 copy through the ordinary product.
      if (m == 1) {
        Value product =
            inOut ? quantizedRowProductInOut(rewriter, loc, rows, weight,
                                             scales, acc)
                  : quantizedRowProduct(rewriter, loc, rows, weight, scales,
                                        acc);
        rewriter.replaceOp(op, fromRows(rewriter, loc, product, resultType));
        return success();
      }
      weight = dequantize(rewriter, loc, weight, scales, inOut);
    }
    // Iteration space (m, n, k).
    AffineMap weightMap =
        inOut ? projection(ctx, 3, {2, 1}) : projection(ctx, 3, {1, 2});
    Value product =
        contract(rewriter, loc, rows, weight, acc, projection(ctx, 3, {0, 2}),
                 weightMap, projection(ctx, 3, {0, 1}));
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
