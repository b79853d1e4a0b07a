//===- ElementwiseToLinalg.cpp - Activations and broadcast arithmetic -----===//
//
// Each op becomes one parallel linalg.generic; broadcasting is expressed in
// the operands' indexing_maps (size-1 dimensions read index 0), never by
// materialising the broadcast.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"

#include "kernelforge/Conversion/TransformerToLinalg/TransformerToLinalg.h"
#include "kernelforge/Dialect/Transformer/IR/TransformerOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Transforms/DialectConversion.h"

#include <cmath>

using namespace mlir;
using namespace mlir::kf;
using namespace mlir::kf::lowering;

namespace {

/// `x * sigmoid(x)` written as `x / (1 + exp(-x))`.
Value buildSilu(OpBuilder &b, Location loc, Value x) {
  Value one = floatConstant(b, loc, x.getType(), 1.0);
  Value negX = arith::NegFOp::create(b, loc, x);
  Value denom = arith::AddFOp::create(b, loc, one,
                                      math::ExpOp::create(b, loc, negX));
  return arith::DivFOp::create(b, loc, x, denom);
}

Value buildGelu(OpBuilder &b, Location loc, Value x,
                GeluApproximation approximation) {
  Type type = x.getType();
  Value half = floatConstant(b, loc, type, 0.5);
  Value one = floatConstant(b, loc, type, 1.0);
  Value inner;
  if (approximation == GeluApproximation::Tanh) {
    // 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
    Value x3 = arith::MulFOp::create(b, loc, x,
                                     arith::MulFOp::create(b, loc, x, x));
    Value poly = arith::AddFOp::create(
        b, loc, x,
        arith::MulFOp::create(b, loc, floatConstant(b, loc, type, 0.044715),
                              x3));
    Value arg = arith::MulFOp::create(
        b, loc, floatConstant(b, loc, type, std::sqrt(2.0 / M_PI)), poly);
    inner = math::TanhOp::create(b, loc, arg);
  } else {
    // 0.5 x (1 + erf(x / sqrt(2)))
    Value arg = arith::MulFOp::create(
        b, loc, x, floatConstant(b, loc, type, 1.0 / std::sqrt(2.0)));
    inner = math::ErfOp::create(b, loc, arg);
  }
  Value halfX = arith::MulFOp::create(b, loc, half, x);
  return arith::MulFOp::create(b, loc, halfX,
                               arith::AddFOp::create(b, loc, one, inner));
}

/// Lowers a same-shape elementwise op whose scalar form is `scalar` applied
/// to the operands widened to the compute type.
template <typename OpTy>
struct ElementwiseLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  using Adaptor = typename OpTy::Adaptor;

  virtual Value scalar(OpBuilder &b, Location loc, OpTy op,
                       ValueRange operands) const = 0;

  LogicalResult
  matchAndRewrite(OpTy op, Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getType());
    ValueRange operands = adaptor.getOperands();
    SmallVector<AffineMap> maps(
        operands.size(), rewriter.getMultiDimIdentityMap(type.getRank()));
    Value result = elementwise(
        rewriter, op.getLoc(), type.getShape(), type.getElementType(),
        operands, maps, [&](OpBuilder &b, Location loc, ValueRange args) {
          SmallVector<Value> wide;
          for (Value arg : args)
            wide.push_back(toCompute(b, loc, arg));
          return fromCompute(b, loc, scalar(b, loc, op, wide),
                             type.getElementType());
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct GeluLowering : ElementwiseLowering<GeluOp> {
  using ElementwiseLowering::ElementwiseLowering;
  Value scalar(OpBuilder &b, Location loc, GeluOp op,
               ValueRange args) const override {
    return buildGelu(b, loc, args[0], op.getApproximation());
  }
};

struct SiluLowering : ElementwiseLowering<SiluOp> {
  using ElementwiseLowering::ElementwiseLowering;
  Value scalar(OpBuilder &b, Location loc, SiluOp,
               ValueRange args) const override {
    return buildSilu(b, loc, args[0]);
  }
};

struct SwigluLowering : ElementwiseLowering<SwigluOp> {
  using ElementwiseLowering::ElementwiseLowering;
  Value scalar(OpBuilder &b, Location loc, SwigluOp,
               ValueRange args) const override {
    return arith::MulFOp::create(b, loc, buildSilu(b, loc, args[0]), args[1]);
  }
};

/// add and mul: the operands are read through broadcast maps.
template <typename OpTy, typename ArithOp>
struct BroadcastBinaryLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  using Adaptor = typename OpTy::Adaptor;

  LogicalResult
  matchAndRewrite(OpTy op, Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getType());
    ArrayRef<int64_t> shape = type.getShape();
    MLIRContext *ctx = rewriter.getContext();
    Value lhs = adaptor.getLhs(), rhs = adaptor.getRhs();
    SmallVector<AffineMap> maps = {
        broadcastMap(ctx, cast<RankedTensorType>(lhs.getType()).getShape(),
                     shape),
        broadcastMap(ctx, cast<RankedTensorType>(rhs.getType()).getShape(),
                     shape)};
    Value result = elementwise(
        rewriter, op.getLoc(), shape, type.getElementType(), {lhs, rhs}, maps,
        [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
          return ArithOp::create(b, loc, args[0], args[1]);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void mlir::kf::populateTransformerElementwiseToLinalgPatterns(
    RewritePatternSet &patterns) {
  patterns.add<GeluLowering, SiluLowering, SwigluLowering,
               BroadcastBinaryLowering<AddOp, arith::AddFOp>,
               BroadcastBinaryLowering<MulOp, arith::MulFOp>>(
      patterns.getContext());
}
