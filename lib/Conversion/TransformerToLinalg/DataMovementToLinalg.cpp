//===- DataMovementToLinalg.cpp - Heads, gathers, rotary, KV cache ---------===//
//
// - split_heads / merge_heads: a reshape (`tensor.expand_shape` /
//   `collapse_shape`, views after bufferization) plus `linalg.transpose`.
// - embedding: a gather, a parallel linalg.generic reading the token id
//   through its map and the table row with `tensor.extract` at
//   (`id`, `linalg.index`). Ids and positions out of range stop the program
//   with a `cf.assert` message instead of reading out of bounds.
// - rope: a parallel generic that reads each feature's partner with
//   `tensor.extract`; angles are computed in f32 from the position.
// - kv_cache_update: `tensor.insert_slice`, in place after bufferization.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"

#include "kernelforge/Conversion/TransformerToLinalg/TransformerToLinalg.h"
#include "kernelforge/Dialect/Transformer/IR/TransformerOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

#include <cmath>

using namespace mlir;
using namespace mlir::kf;
using namespace mlir::kf::lowering;

namespace {

constexpr int64_t kHeadSwap[] = {0, 2, 1, 3};

struct SplitHeadsLowering : OpConversionPattern<SplitHeadsOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(SplitHeadsOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto resultType = cast<RankedTensorType>(op.getType());
    ArrayRef<int64_t> bhsd = resultType.getShape();
    auto bshdType = RankedTensorType::get({bhsd[0], bhsd[2], bhsd[1], bhsd[3]},
                                          resultType.getElementType());
    Value bshd = tensor::ExpandShapeOp::create(
        rewriter, loc, bshdType, adaptor.getInput(),
        ArrayRef<ReassociationIndices>{{0}, {1}, {2, 3}});
    Value init = emptyTensor(rewriter, loc, bhsd, resultType.getElementType());
    rewriter.replaceOp(op, linalg::TransposeOp::create(rewriter, loc, bshd,
                                                       init, kHeadSwap)
                               .getResult());
    return success();
  }
};

struct MergeHeadsLowering : OpConversionPattern<MergeHeadsOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(MergeHeadsOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto inputType = cast<RankedTensorType>(adaptor.getInput().getType());
    ArrayRef<int64_t> bhsd = inputType.getShape();
    Value init = emptyTensor(rewriter, loc,
                             {bhsd[0], bhsd[2], bhsd[1], bhsd[3]},
                             inputType.getElementType());
    Value bshd = linalg::TransposeOp::create(rewriter, loc, adaptor.getInput(),
                                             init, kHeadSwap)
                     .getResult()[0];
    rewriter.replaceOpWithNewOp<tensor::CollapseShapeOp>(
        op, op.getType(), bshd,
        ArrayRef<ReassociationIndices>{{0}, {1}, {2, 3}});
    return success();
  }
};

/// `0 <= value < bound` for an index value, asserted with `message`.
void assertInRange(OpBuilder &b, Location loc, Value value, int64_t bound,
                   StringRef message) {
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value limit = arith::ConstantIndexOp::create(b, loc, bound);
  Value nonNegative =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge, value, zero);
  Value below =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, value, limit);
  cf::AssertOp::create(b, loc,
                       arith::AndIOp::create(b, loc, nonNegative, below),
                       message);
}

struct EmbeddingLowering : OpConversionPattern<EmbeddingOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(EmbeddingOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto resultType = cast<RankedTensorType>(op.getType());
    unsigned rank = resultType.getRank();
    unsigned seqDim = rank - 2, featureDim = rank - 1;
    Value table = adaptor.getTable(), positions = adaptor.getPositions();
    int64_t vocab = cast<RankedTensorType>(table.getType()).getDimSize(0);
    int64_t maxPositions =
        positions ? cast<RankedTensorType>(positions.getType()).getDimSize(0)
                  : 0;
    Value offset = adaptor.getPositionOffset();
    Value scales = adaptor.getScales();
    int64_t block =
        scales ? cast<RankedTensorType>(table.getType()).getDimSize(1) /
                     cast<RankedTensorType>(scales.getType()).getDimSize(1)
               : 1;
    Type elementType = resultType.getElementType();
    Value result = elementwise(
        rewriter, loc, resultType.getShape(), elementType, adaptor.getIds(),
        dropDim(ctx, rank, featureDim),
        [&](OpBuilder &b, Location l, ValueRange args) -> Value {
          Value id = arith::IndexCastOp::create(b, l, b.getIndexType(), args[0]);
          assertInRange(b, l, id, vocab,
                        "kf.embedding: token id out of range of the table");
          Value feature = linalg::IndexOp::create(b, l, featureDim);
          Value row = tensor::ExtractOp::create(b, l, table,
                                                ValueRange{id, feature});
          if (scales) { // i8 blocks along the features
            Value blockIndex = arith::DivUIOp::create(
                b, l, feature, arith::ConstantIndexOp::create(b, l, block));
            Value scale = tensor::ExtractOp::create(
                b, l, scales, ValueRange{id, blockIndex});
            row = arith::MulFOp::create(b, l, toCompute(b, l, row),
                                        toCompute(b, l, scale));
          }
          if (!positions)
            return row;
          Value pos = linalg::IndexOp::create(b, l, seqDim);
          if (offset)
            pos = arith::AddIOp::create(b, l, pos, offset);
          assertInRange(b, l, pos, maxPositions,
                        "kf.embedding: position out of range of the table");
          Value posRow = tensor::ExtractOp::create(b, l, positions,
                                                   ValueRange{pos, feature});
          return fromCompute(
              b, l,
              arith::AddFOp::create(b, l, toCompute(b, l, row),
                                    toCompute(b, l, posRow)),
              elementType);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct RopeLowering : OpConversionPattern<RopeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(RopeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(op.getType());
    Type elementType = type.getElementType();
    Type f32 = rewriter.getF32Type();
    int64_t headDim = type.getDimSize(3);
    bool interleaved = op.getInterleaved();
    Value input = adaptor.getInput(), offset = adaptor.getPositionOffset();
    // inv_freq(i) = theta^(-2i/D) = exp(i * (-2 ln(theta) / D)), or the
    // op's own table (a scaled rope), read from a constant.
    double freqScale =
        -2.0 * std::log(op.getTheta().convertToDouble()) / headDim;
    Value table;
    if (std::optional<ArrayRef<double>> frequencies = op.getFrequencies()) {
      SmallVector<float> values(frequencies->begin(), frequencies->end());
      auto tableType =
          RankedTensorType::get({int64_t(values.size())}, f32);
      table = arith::ConstantOp::create(
          rewriter, loc,
          DenseElementsAttr::get(tableType, ArrayRef<float>(values)));
    }
    Value result = elementwise(
        rewriter, loc, type.getShape(), elementType, input,
        rewriter.getMultiDimIdentityMap(4),
        [&](OpBuilder &b, Location l, ValueRange args) -> Value {
          auto idx = [&](int64_t v) -> Value {
            return arith::ConstantIndexOp::create(b, l, v);
          };
          Value d = linalg::IndexOp::create(b, l, 3);
          Value pair, partner, first;
          if (interleaved) {
            pair = arith::DivUIOp::create(b, l, d, idx(2));
            Value odd = arith::RemUIOp::create(b, l, d, idx(2));
            first = arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq, odd,
                                          idx(0));
            partner = arith::SelectOp::create(
                b, l, first, arith::AddIOp::create(b, l, d, idx(1)),
                arith::SubIOp::create(b, l, d, idx(1)));
          } else {
            int64_t half = headDim / 2;
            first = arith::CmpIOp::create(b, l, arith::CmpIPredicate::ult, d,
                                          idx(half));
            pair = arith::RemUIOp::create(b, l, d, idx(half));
            partner = arith::SelectOp::create(
                b, l, first, arith::AddIOp::create(b, l, d, idx(half)),
                arith::SubIOp::create(b, l, d, idx(half)));
          }
          Value pos = linalg::IndexOp::create(b, l, 2);
          if (offset)
            pos = arith::AddIOp::create(b, l, pos, offset);
          auto toF32 = [&](Value index) -> Value {
            Value i64 = arith::IndexCastOp::create(b, l, b.getI64Type(), index);
            return arith::SIToFPOp::create(b, l, f32, i64);
          };
          Value invFreq =
              table ? tensor::ExtractOp::create(b, l, table, ValueRange{pair})
                          .getResult()
                    : math::ExpOp::create(
                          b, l,
                          arith::MulFOp::create(
                              b, l, toF32(pair),
                              floatConstant(b, l, f32, freqScale)))
                          .getResult();
          Value angle = arith::MulFOp::create(b, l, toF32(pos), invFreq);
          Value cos = math::CosOp::create(b, l, angle);
          Value sin = math::SinOp::create(b, l, angle);
          Value x = toCompute(b, l, args[0]);
          Value other = toCompute(
              b, l,
              tensor::ExtractOp::create(
                  b, l, input,
                  ValueRange{linalg::IndexOp::create(b, l, 0),
                             linalg::IndexOp::create(b, l, 1),
                             linalg::IndexOp::create(b, l, 2), partner}));
          // First of a pair: x cos - y sin; second: x cos + y sin.
          Value rotated = arith::MulFOp::create(b, l, other, sin);
          rotated = arith::SelectOp::create(
              b, l, first, arith::NegFOp::create(b, l, rotated), rotated);
          Value y = arith::AddFOp::create(
              b, l, arith::MulFOp::create(b, l, x, cos), rotated);
          return fromCompute(b, l, y, elementType);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct KVCacheUpdateLowering : OpConversionPattern<KVCacheUpdateOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(KVCacheUpdateOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto updateType = cast<RankedTensorType>(adaptor.getUpdate().getType());
    auto cacheType = cast<RankedTensorType>(adaptor.getCache().getType());
    int64_t rows = updateType.getDimSize(2);
    Value position = adaptor.getPosition();
    // position + rows <= Smax, i.e. position in [0, Smax - rows + 1).
    assertInRange(rewriter, loc, position, cacheType.getDimSize(2) - rows + 1,
                  "kf.kv_cache_update: rows past the end of the cache");
    SmallVector<OpFoldResult> offsets = {rewriter.getIndexAttr(0),
                                         rewriter.getIndexAttr(0), position,
                                         rewriter.getIndexAttr(0)};
    SmallVector<OpFoldResult> sizes;
    for (int64_t size : updateType.getShape())
      sizes.push_back(rewriter.getIndexAttr(size));
    SmallVector<OpFoldResult> strides(4, rewriter.getIndexAttr(1));
    // A 16-bit cache under f32 rows: the rows are rounded to it.
    Value update = convertTensor(rewriter, loc, adaptor.getUpdate(),
                                 cacheType.getElementType());
    rewriter.replaceOpWithNewOp<tensor::InsertSliceOp>(
        op, update, adaptor.getCache(), offsets, sizes, strides);
    return success();
  }
};

} // namespace

void mlir::kf::populateTransformerDataMovementToLinalgPatterns(
    RewritePatternSet &patterns) {
  patterns.add<SplitHeadsLowering, MergeHeadsLowering, EmbeddingLowering,
               RopeLowering, KVCacheUpdateLowering>(patterns.getContext());
}
