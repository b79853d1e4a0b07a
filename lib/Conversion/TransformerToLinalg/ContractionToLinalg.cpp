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

/// How an i8 weight's block view (below) groups its dimensions.
SmallVector<ReassociationIndices> blockGroups(bool inOut) {
  return inOut ? SmallVector<ReassociationIndices>{{0, 1}, {2}}
               : SmallVector<ReassociationIndices>{{0}, {1, 2}};
}

/// An i8 weight with its blocks of B input features split out, as a view:
/// `[k / B, B, n]` (`in_out`) or `[n, k / B, B]` (`out_in`); the scales are
/// `[k / B, n]` or `[n, k / B]`.
Value blockView(OpBuilder &b, Location loc, Value q, Value scales,
                bool inOut) {
  auto qType = cast<RankedTensorType>(q.getType());
  auto sType = cast<RankedTensorType>(scales.getType());
  unsigned blockDim = inOut ? 0 : 1;
  int64_t blocks = sType.getDimSize(blockDim);
  int64_t block = qType.getDimSize(blockDim) / blocks;
  int64_t other = qType.getDimSize(1 - blockDim);
  SmallVector<int64_t> shape = inOut ? SmallVector<int64_t>{blocks, block, other}
                                     : SmallVector<int64_t>{other, blocks, block};
  return tensor::ExpandShapeOp::create(
      b, loc, RankedTensorType::get(shape, qType.getElementType()), q,
      blockGroups(inOut));
}

/// The weight of an i8 `kf.linear` as f32, dequantised element by element
/// over its block view (every map a projection): what the products with
/// many rows read like a float weight (marked kf.dequantize).
Value dequantize(OpBuilder &b, Location loc, Value q, Value scales,
                 bool inOut) {
  MLIRContext *ctx = b.getContext();
  Value view = blockView(b, loc, q, scales, inOut);
  ArrayRef<int64_t> shape = cast<RankedTensorType>(view.getType()).getShape();
  Value wide = elementwise(
      b, loc, shape, b.getF32Type(), ValueRange{view, scales},
      {b.getMultiDimIdentityMap(3),
       inOut ? projection(ctx, 3, {0, 2}) : projection(ctx, 3, {0, 1})},
      [](OpBuilder &nb, Location l, ValueRange args) -> Value {
        return arith::MulFOp::create(nb, l, toCompute(nb, l, args[0]),
                                     toCompute(nb, l, args[1]));
      });
  // kf-tile-and-vectorize makes the products' weight panels from the blocks
  // directly, so that this copy is not made where they read it packed.
  wide.getDefiningOp()->setAttr(kDequantizeAttrName, b.getUnitAttr());
  return tensor::CollapseShapeOp::create(b, loc, wide, blockGroups(inOut));
}

/// A row block `[m, k]` as `[m, k / B, B]`, matching an i8 weight's block
/// view.
Value rowBlocks(OpBuilder &b, Location loc, Value rows, int64_t blocks) {
  auto type = cast<RankedTensorType>(rows.getType());
  int64_t m = type.getDimSize(0), k = type.getDimSize(1);
  return tensor::ExpandShapeOp::create(
      b, loc, RankedTensorType::get({m, blocks, k / blocks}, b.getF32Type()),
      rows, ArrayRef<ReassociationIndices>{{0}, {1, 2}});
}

/// The body of a product against i8 blocks, over (x, q, scale, acc):
/// acc + x * (q * scale).
void dequantizedMultiplyAdd(OpBuilder &b, Location loc, ValueRange args) {
  Value scaled =
      arith::MulFOp::create(b, loc, toCompute(b, loc, args[1]),
                            toCompute(b, loc, args[2]));
  Value term = arith::MulFOp::create(b, loc, args[0], scaled);
  linalg::YieldOp::create(
      b, loc, arith::AddFOp::create(b, loc, args[3], term).getResult());
}

/// Rows of a product against i8 blocks that are dequantised in registers
/// (one product of all the rows, whose register tiles kf-tile-and-vectorize
/// fills with a few rows each, every block of the weight read once for a
/// tile's rows) rather than one product over dequantised weight panels. The
/// panels cost a dequantising copy of the whole weight that few rows do not
/// pay back. `kernelforge-bench --dtype int8 --weights-from-memory` on a Zen
/// 5 (2 threads): blocks stored `[n, k]`, 2816 x 1024 at 2 / 4 / 8 rows in
/// 0.06-0.09 / 0.09-0.11 / 0.19-0.24 ms against the panels' 0.54 / 0.55 /
/// 0.61 (at 16 rows the panels win); stored `[k, n]` (GPT-2's products, 8
/// rows in two register tiles of 4 with AVX-512), at 5 / 8 rows qkv
/// 0.093-0.095 / 0.12-0.14 ms against the panels' 0.135-0.166 / 0.15-0.17,
/// mlp_down 0.108-0.112 / 0.139-0.141 against 0.19-0.22 / 0.23-0.24, and
/// with AVX2 code (znver3) 1.2-1.5x faster too; at 16 rows level with the
/// panels.
constexpr int64_t kInRegistersMaxRows = 8;

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
  auto qType = cast<RankedTensorType>(q.getType());
  int64_t blocks = cast<RankedTensorType>(scales.getType()).getDimSize(1);
  int64_t m = cast<RankedTensorType>(rows.getType()).getDimSize(0);
  int64_t n = qType.getDimSize(0), block = qType.getDimSize(1) / blocks;
  Value x = rowBlocks(b, loc, rows, blocks);
  Value w = blockView(b, loc, q, scales, /*inOut=*/false);
  // Over (m, n, j, kb).
  Value zeros = filledTensor(b, loc, {m, n, block}, b.getF32Type(), 0.0);
  auto partial = linalg::GenericOp::create(
      b, loc, zeros.getType(), ValueRange{x, w, scales}, ValueRange{zeros},
      ArrayRef<AffineMap>{projection(ctx, 4, {0, 3, 2}),
                          projection(ctx, 4, {1, 3, 2}),
                          projection(ctx, 4, {1, 3}),
                          projection(ctx, 4, {0, 1, 2})},
      iteratorTypes(4, {3}),
      dequantizedMultiplyAdd);
  partial->setAttr(kQuantizedContractionAttrName, b.getUnitAttr());
  // y[m, n] = init + sum_j P[m, n, j].
  return reduceAlongInto(
      b, loc, {m, n, block}, /*axis=*/2, partial.getResult(0),
      b.getMultiDimIdentityMap(3), init,
      [](OpBuilder &nb, Location l, ValueRange inputs, Value acc) -> Value {
        return arith::AddFOp::create(nb, l, acc, inputs[0]);
      });
}

/// One row against an i8 `in_out` weight q [k, n] with scales [k / B, n],
/// dequantised in registers:
///
///   y[m, n] = init + sum_kb sum_j x[m, kb * B + j] *
///                                 (q[kb * B + j, n] * scales[kb, n])
///
/// over (m, n, kb, j), one op: the CPU schedule gives it a one-row register
/// tile across n, so each step reads a run of a weight row and the block's
/// scales for those columns, and the sums stay in registers from the first
/// block to the last (no partial sums per block in memory). Marked
/// `kf.quantized_contraction`.
Value quantizedRowProductInOut(OpBuilder &b, Location loc, Value rows,
                               Value q, Value scales, Value init) {
  MLIRContext *ctx = b.getContext();
  int64_t blocks = cast<RankedTensorType>(scales.getType()).getDimSize(0);
  Value x = rowBlocks(b, loc, rows, blocks);
  Value w = blockView(b, loc, q, scales, /*inOut=*/true);
  auto product = linalg::GenericOp::create(
      b, loc, init.getType(), ValueRange{x, w, scales}, ValueRange{init},
      ArrayRef<AffineMap>{projection(ctx, 4, {0, 2, 3}),
                          projection(ctx, 4, {2, 3, 1}),
                          projection(ctx, 4, {2, 1}),
                          projection(ctx, 4, {0, 1})},
      iteratorTypes(4, {2, 3}),
      dequantizedMultiplyAdd);
  product->setAttr(kQuantizedContractionAttrName, b.getUnitAttr());
  return product.getResult(0);
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
      // i8 blocks: a row dequantises in registers, and so do a few rows
      // (see kInRegistersMaxRows), all in one product; more rows read the
      // dequantised weight through the ordinary product (whose weight
      // panels kf-tile-and-vectorize makes from the blocks).
      if (m <= kInRegistersMaxRows) {
        Value product = inOut ? quantizedRowProductInOut(rewriter, loc, rows,
                                                         weight, scales, acc)
                              : quantizedRowProduct(rewriter, loc, rows, weight,
                                                    scales, acc);
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
