//===- NormalizationToLinalg.cpp - Norms, softmax and argmax ---------------===//
//
// Row statistics are linalg.generic reductions over one axis (the reduced
// operand's map drops that dimension); the normalisation that follows is a
// parallel generic reading the statistics through a broadcast map. Sums and
// exponentials are carried in f32 for f16/bf16 inputs. The variance uses two
// passes (sum, then squared deviations), which keeps float32 accurate.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"

#include "kernelforge/Conversion/TransformerToLinalg/TransformerToLinalg.h"
#include "kernelforge/Dialect/Transformer/IR/TransformerOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace mlir::kf;
using namespace mlir::kf::lowering;

Value mlir::kf::lowering::isHiddenByCausalMask(OpBuilder &b, Location loc,
                                               unsigned rank, Value offset,
                                               Value keyBase) {
  Value query = linalg::IndexOp::create(b, loc, rank - 2);
  Value key = linalg::IndexOp::create(b, loc, rank - 1);
  if (keyBase)
    key = arith::AddIOp::create(b, loc, key, keyBase);
  Value limit = arith::AddIOp::create(b, loc, query, offset);
  return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sgt, key, limit);
}

Value mlir::kf::lowering::isOutsideWindow(OpBuilder &b, Location loc,
                                          unsigned rank, Value offset,
                                          Value keyBase, int64_t window) {
  Value query = linalg::IndexOp::create(b, loc, rank - 2);
  Value key = linalg::IndexOp::create(b, loc, rank - 1);
  if (keyBase)
    key = arith::AddIOp::create(b, loc, key, keyBase);
  // Hidden when key + window <= query + offset.
  Value reach = arith::AddIOp::create(
      b, loc, key, arith::ConstantIndexOp::create(b, loc, window));
  Value position = arith::AddIOp::create(b, loc, query, offset);
  return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sle, reach,
                               position);
}

Value mlir::kf::lowering::buildSoftmax(OpBuilder &b, Location loc, Value input,
                                       unsigned axis, Value causalOffset) {
  MLIRContext *ctx = b.getContext();
  auto type = cast<RankedTensorType>(input.getType());
  ArrayRef<int64_t> shape = type.getShape();
  unsigned rank = shape.size();
  Type elementType = type.getElementType();
  AffineMap id = b.getMultiDimIdentityMap(rank);
  AffineMap reduced = dropDim(ctx, rank, axis);
  auto hidden = [&](OpBuilder &nb, Location nloc) -> Value {
    if (!causalOffset)
      return {};
    return isHiddenByCausalMask(nb, nloc, rank, causalOffset, Value());
  };

  Value max = reduceAlong(
      b, loc, shape, axis, input, id, elementType, negativeInfinity(),
      [&](OpBuilder &nb, Location nloc, ValueRange args, Value acc) -> Value {
        Value x = args[0];
        if (Value h = hidden(nb, nloc))
          x = arith::SelectOp::create(
              nb, nloc, h,
              floatConstant(nb, nloc, elementType, negativeInfinity()), x);
        return arith::MaximumFOp::create(nb, nloc, acc, x);
      });
  // exp(x - max), 0 where hidden.
  auto shiftedExp = [&](OpBuilder &nb, Location nloc, Value x,
                        Value rowMax) -> Value {
    Value e = math::ExpOp::create(
        nb, nloc, arith::SubFOp::create(nb, nloc, x, rowMax));
    if (Value h = hidden(nb, nloc))
      e = arith::SelectOp::create(nb, nloc, h,
                                  floatConstant(nb, nloc, elementType, 0.0), e);
    return e;
  };
  Value sum = reduceAlong(
      b, loc, shape, axis, ValueRange{input, max},
      ArrayRef<AffineMap>{id, reduced}, elementType, 0.0,
      [&](OpBuilder &nb, Location nloc, ValueRange args, Value acc) -> Value {
        return arith::AddFOp::create(nb, nloc, acc,
                                     shiftedExp(nb, nloc, args[0], args[1]));
      });
  return elementwise(
      b, loc, shape, elementType, ValueRange{input, max, sum},
      ArrayRef<AffineMap>{id, reduced, reduced},
      [&](OpBuilder &nb, Location nloc, ValueRange args) -> Value {
        return arith::DivFOp::create(
            nb, nloc, shiftedExp(nb, nloc, args[0], args[1]), args[2]);
      });
}

namespace {

/// Shared by layer_norm and rms_norm: `(x - mean?) * rsqrt(stat / D + eps)
/// * scale? + bias?` over the last dimension.
Value normalizeLastDim(OpBuilder &b, Location loc, Value input, Value scale,
                       Value bias, double epsilon, bool centered) {
  MLIRContext *ctx = b.getContext();
  auto type = cast<RankedTensorType>(input.getType());
  ArrayRef<int64_t> shape = type.getShape();
  unsigned rank = shape.size();
  unsigned axis = rank - 1;
  Type elementType = type.getElementType();
  Type accType = computeType(elementType);
  AffineMap id = b.getMultiDimIdentityMap(rank);
  AffineMap reduced = dropDim(ctx, rank, axis);
  AffineMap feature = projection(ctx, rank, {axis});
  double invD = 1.0 / static_cast<double>(shape[axis]);

  // The row sums; each consumer scales them to the mean itself (one multiply
  // per element), so no separate op (a kernel on the GPU) computes the mean.
  Value sum;
  if (centered)
    sum = reduceAlong(
        b, loc, shape, axis, input, id, accType, 0.0,
        [&](OpBuilder &nb, Location nloc, ValueRange args, Value acc) -> Value {
          return arith::AddFOp::create(nb, nloc, acc,
                                       toCompute(nb, nloc, args[0]));
        });
  // x - mean (centered) or x.
  auto deviation = [&](OpBuilder &nb, Location nloc, ValueRange args) {
    Value x = toCompute(nb, nloc, args[0]);
    if (!centered)
      return x;
    Value mean = arith::MulFOp::create(nb, nloc, args[1],
                                       floatConstant(nb, nloc, accType, invD));
    return arith::SubFOp::create(nb, nloc, x, mean).getResult();
  };
  SmallVector<Value> statInputs = {input};
  SmallVector<AffineMap> statMaps = {id};
  if (centered) {
    statInputs.push_back(sum);
    statMaps.push_back(reduced);
  }
  Value squares = reduceAlong(
      b, loc, shape, axis, statInputs, statMaps, accType, 0.0,
      [&](OpBuilder &nb, Location nloc, ValueRange args, Value acc) -> Value {
        Value d = deviation(nb, nloc, args);
        return arith::AddFOp::create(nb, nloc, acc,
                                     arith::MulFOp::create(nb, nloc, d, d));
      });

  SmallVector<Value> inputs(statInputs);
  SmallVector<AffineMap> maps(statMaps);
  inputs.push_back(squares);
  maps.push_back(reduced);
  unsigned scaleIndex = inputs.size();
  if (scale) {
    inputs.push_back(scale);
    maps.push_back(feature);
  }
  if (bias) {
    inputs.push_back(bias);
    maps.push_back(feature);
  }
  return elementwise(
      b, loc, shape, elementType, inputs, maps,
      [&](OpBuilder &nb, Location nloc, ValueRange args) -> Value {
        Value d = deviation(nb, nloc, args);
        Value variance = arith::MulFOp::create(
            nb, nloc, args[scaleIndex - 1],
            floatConstant(nb, nloc, accType, invD));
        Value rstd = math::RsqrtOp::create(
            nb, nloc,
            arith::AddFOp::create(nb, nloc, variance,
                                  floatConstant(nb, nloc, accType, epsilon)));
        Value y = arith::MulFOp::create(nb, nloc, d, rstd);
        if (scale)
          y = arith::MulFOp::create(nb, nloc, y,
                                    toCompute(nb, nloc, args[scaleIndex]));
        if (bias)
          y = arith::AddFOp::create(nb, nloc, y,
                                    toCompute(nb, nloc, args[scaleIndex + 1]));
        return fromCompute(nb, nloc, y, elementType);
      });
}

struct LayerNormLowering : OpConversionPattern<LayerNormOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(LayerNormOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(
        op, normalizeLastDim(rewriter, op.getLoc(), adaptor.getInput(),
                             adaptor.getScale(), adaptor.getBias(),
                             op.getEpsilon().convertToDouble(),
                             /*centered=*/true));
    return success();
  }
};

struct RMSNormLowering : OpConversionPattern<RMSNormOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(RMSNormOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(
        op, normalizeLastDim(rewriter, op.getLoc(), adaptor.getInput(),
                             adaptor.getScale(), Value(),
                             op.getEpsilon().convertToDouble(),
                             /*centered=*/false));
    return success();
  }
};

struct SoftmaxLowering : OpConversionPattern<SoftmaxOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(SoftmaxOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(op.getType());
    int64_t rank = type.getRank();
    int64_t axis = static_cast<int64_t>(op.getAxis());
    if (axis < 0)
      axis += rank;
    Value offset;
    if (op.getCausal()) {
      // Queries are the last Sq positions of Sk.
      offset = arith::ConstantIndexOp::create(
          rewriter, loc, type.getDimSize(rank - 1) - type.getDimSize(rank - 2));
    }
    Type elementType = type.getElementType();
    Value wide = convertTensor(rewriter, loc, adaptor.getInput(),
                               computeType(elementType));
    Value probs = buildSoftmax(rewriter, loc, wide, axis, offset);
    rewriter.replaceOp(op, convertTensor(rewriter, loc, probs, elementType));
    return success();
  }
};

/// Two-output reduction: the running maximum and its index; a strictly
/// greater element replaces them, so ties keep the first index.
struct ArgmaxLowering : OpConversionPattern<ArgmaxOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ArgmaxOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto inputType = cast<RankedTensorType>(adaptor.getInput().getType());
    ArrayRef<int64_t> shape = inputType.getShape();
    unsigned rank = shape.size();
    int64_t axis = static_cast<int64_t>(op.getAxis());
    if (axis < 0)
      axis += rank;
    Type accType = computeType(inputType.getElementType());
    SmallVector<int64_t> reducedShape = dropDim(shape, axis);
    Value maxInit =
        filledTensor(rewriter, loc, reducedShape, accType, negativeInfinity());
    Value indexInit = linalg::FillOp::create(
                          rewriter, loc,
                          ValueRange{arith::ConstantIntOp::create(
                              rewriter, loc, rewriter.getI64Type(), 0)},
                          ValueRange{emptyTensor(rewriter, loc, reducedShape,
                                                 rewriter.getI64Type())})
                          .getResult(0);
    AffineMap reduced = dropDim(ctx, rank, axis);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{maxInit.getType(), indexInit.getType()},
        adaptor.getInput(), ValueRange{maxInit, indexInit},
        ArrayRef<AffineMap>{rewriter.getMultiDimIdentityMap(rank), reduced,
                            reduced},
        iteratorTypes(rank, {static_cast<unsigned>(axis)}),
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value x = toCompute(b, l, args[0]);
          Value greater =
              arith::CmpFOp::create(b, l, arith::CmpFPredicate::OGT, x, args[1]);
          Value index = arith::IndexCastOp::create(
              b, l, b.getI64Type(), linalg::IndexOp::create(b, l, axis));
          linalg::YieldOp::create(
              b, l,
              ValueRange{arith::SelectOp::create(b, l, greater, x, args[1]),
                         arith::SelectOp::create(b, l, greater, index,
                                                 args[2])});
        });
    rewriter.replaceOp(op, generic.getResult(1));
    return success();
  }
};

} // namespace

void mlir::kf::populateTransformerNormalizationToLinalgPatterns(
    RewritePatternSet &patterns) {
  patterns.add<LayerNormLowering, RMSNormLowering, SoftmaxLowering,
               ArgmaxLowering>(patterns.getContext());
}
