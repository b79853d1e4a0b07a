//===- ConvolutionToLinalg.cpp - conv2d as im2col + a matrix product -------===//
//
// kf.conv2d in two linalg ops and views:
//
// 1. im2col: a copy generic whose input map walks the (zero-padded) image
//    with the strides and dilations, `cols[..., c', kh, kw] =
//    in[n, g C' + c', oh sy + kh dy, ow sx + kw dx]` (NHWC likewise), laid
//    out so that a collapse gives rows of R = C' KH KW patch values;
// 2. a contraction of those rows with the weight, viewed `[G, O', R]` from
//    PyTorch's OIHW without a copy, accumulated onto the bias. NCHW:
//    iteration (n, g, o', p, r), result `[N, G, O', P]`, which is
//    `[N, O, OH, OW]` as it stands; NHWC: (g, m, o', r) over the M = N P
//    patch rows, result `[M, G, O']`, which is `[N, OH, OW, O]`. With one
//    group the g dimension is left out: NHWC is then exactly kf.linear's
//    `out_in` product over the patch rows.
//
// The product is an ordinary contraction generic, so the CPU tiling and
// vectorisation, the schedules, the tuner and the GPU kernels treat it as
// they treat kf.linear and kf.matmul.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"

#include "kernelforge/Conversion/TransformerToLinalg/TransformerToLinalg.h"
#include "kernelforge/Dialect/Transformer/IR/TransformerOps.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace mlir::kf;
using namespace mlir::kf::lowering;

namespace {

Value reshape(OpBuilder &b, Location loc, Value v, ArrayRef<int64_t> shape,
              ArrayRef<ReassociationIndices> groups, bool expand) {
  auto type = RankedTensorType::get(
      shape, cast<RankedTensorType>(v.getType()).getElementType());
  if (expand)
    return tensor::ExpandShapeOp::create(b, loc, type, v, groups);
  return tensor::CollapseShapeOp::create(b, loc, type, v, groups);
}

struct Conv2DLowering : OpConversionPattern<Conv2DOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(Conv2DOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto inputType = cast<RankedTensorType>(adaptor.getInput().getType());
    auto weightType = cast<RankedTensorType>(adaptor.getWeight().getType());
    auto resultType = cast<RankedTensorType>(op.getType());
    if (!inputType.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "dynamic batch");
    Conv2DOp::Geometry g = op.getGeometry();
    bool nhwc = op.getLayout() == ImageLayout::NHWC;
    Type elementType = inputType.getElementType();
    Type accType = computeType(elementType);

    int64_t n = inputType.getDimSize(0);
    int64_t c = inputType.getDimSize(nhwc ? 3 : 1);
    int64_t o = weightType.getDimSize(0), kh = weightType.getDimSize(2),
            kw = weightType.getDimSize(3);
    int64_t groups = g.groups, cg = c / groups, og = o / groups;
    int64_t oh = resultType.getDimSize(nhwc ? 1 : 2),
            ow = resultType.getDimSize(nhwc ? 2 : 3);
    int64_t patches = oh * ow, depth = cg * kh * kw;

    // Zero padding: the image inside a zero-filled larger one.
    Value image = adaptor.getInput();
    if (g.padding[0] || g.padding[1]) {
      SmallVector<int64_t> padded(inputType.getShape());
      padded[nhwc ? 1 : 2] += 2 * g.padding[0];
      padded[nhwc ? 2 : 3] += 2 * g.padding[1];
      Value zeros = filledTensor(rewriter, loc, padded, elementType, 0.0);
      SmallVector<OpFoldResult> offsets(4, rewriter.getIndexAttr(0)),
          strides(4, rewriter.getIndexAttr(1)), sizes;
      offsets[nhwc ? 1 : 2] = rewriter.getIndexAttr(g.padding[0]);
      offsets[nhwc ? 2 : 3] = rewriter.getIndexAttr(g.padding[1]);
      for (int64_t size : inputType.getShape())
        sizes.push_back(rewriter.getIndexAttr(size));
      image = tensor::InsertSliceOp::create(rewriter, loc, image, zeros,
                                            offsets, sizes, strides);
    }

    // im2col. NCHW: (n, g, oh, ow, c', kh, kw); NHWC: (n, oh, ow, g, c',
    // kh, kw). Both read in[n, g C' + c', oh sy + kh dy, ow sx + kw dx].
    AffineExpr d[7];
    bindDimsList(ctx, MutableArrayRef<AffineExpr>(d));
    AffineExpr dn = d[0], dg = nhwc ? d[3] : d[1], doh = nhwc ? d[1] : d[2],
               dow = nhwc ? d[2] : d[3], dc = d[4], dkh = d[5], dkw = d[6];
    AffineExpr channel = dg * cg + dc;
    AffineExpr row = doh * g.strides[0] + dkh * g.dilations[0];
    AffineExpr col = dow * g.strides[1] + dkw * g.dilations[1];
    AffineMap read = AffineMap::get(
        7, 0,
        nhwc ? ArrayRef<AffineExpr>{dn, row, col, channel}
             : ArrayRef<AffineExpr>{dn, channel, row, col},
        ctx);
    SmallVector<int64_t> colsShape =
        nhwc ? SmallVector<int64_t>{n, oh, ow, groups, cg, kh, kw}
             : SmallVector<int64_t>{n, groups, oh, ow, cg, kh, kw};
    Value cols = elementwise(rewriter, loc, colsShape, elementType, image,
                             read, [](OpBuilder &, Location, ValueRange args) {
                               return args[0];
                             });

    // The weight as [G, O', R] and the bias as [G, O'] (without the group
    // dimension when there is one group: a plain matrix product).
    bool grouped = groups > 1;
    Value weight = reshape(rewriter, loc, adaptor.getWeight(), {o, depth},
                           {{0}, {1, 2, 3}}, /*expand=*/false);
    if (grouped)
      weight = reshape(rewriter, loc, weight, {groups, og, depth},
                       {{0, 1}, {2}}, /*expand=*/true);
    Value bias = adaptor.getBias();
    if (bias && grouped)
      bias = reshape(rewriter, loc, bias, {groups, og}, {{0, 1}},
                     /*expand=*/true);
    auto accumulator = [&](ArrayRef<int64_t> shape, AffineMap biasMap) {
      if (!bias)
        return filledTensor(rewriter, loc, shape, accType, 0.0);
      return elementwise(rewriter, loc, shape, accType, bias, biasMap,
                         [](OpBuilder &b, Location l, ValueRange args) {
                           return toCompute(b, l, args[0]);
                         });
    };

    Value product;
    if (nhwc) {
      // Rows of patches [M, (G,) R] against [(G,) O', R]: iteration
      // ((g,) m, o', r), result [M, (G,) O'].
      int64_t rows = n * patches;
      if (grouped) {
        Value lhs = reshape(rewriter, loc, cols, {rows, groups, depth},
                            {{0, 1, 2}, {3}, {4, 5, 6}}, /*expand=*/false);
        Value acc = accumulator({rows, groups, og}, projection(ctx, 3, {1, 2}));
        product = contract(rewriter, loc, lhs, weight, acc,
                           projection(ctx, 4, {1, 0, 3}),
                           projection(ctx, 4, {0, 2, 3}),
                           projection(ctx, 4, {1, 0, 2}));
        product = reshape(rewriter, loc, product, {rows, o}, {{0}, {1, 2}},
                          /*expand=*/false);
      } else {
        Value lhs = reshape(rewriter, loc, cols, {rows, depth},
                            {{0, 1, 2, 3}, {4, 5, 6}}, /*expand=*/false);
        Value acc = accumulator({rows, o}, projection(ctx, 2, {1}));
        product = contract(rewriter, loc, lhs, weight, acc,
                           projection(ctx, 3, {0, 2}),
                           projection(ctx, 3, {1, 2}),
                           projection(ctx, 3, {0, 1}));
      }
      product = reshape(rewriter, loc, product, {n, oh, ow, o}, {{0, 1, 2}, {3}},
                        /*expand=*/true);
    } else if (grouped) {
      // (n, g, o', p, r): [G, O', R] against patches [N, G, P, R].
      Value rhs = reshape(rewriter, loc, cols, {n, groups, patches, depth},
                          {{0}, {1}, {2, 3}, {4, 5, 6}}, /*expand=*/false);
      Value acc =
          accumulator({n, groups, og, patches}, projection(ctx, 4, {1, 2}));
      product = contract(rewriter, loc, weight, rhs, acc,
                         projection(ctx, 5, {1, 2, 4}),
                         projection(ctx, 5, {0, 1, 3, 4}),
                         projection(ctx, 5, {0, 1, 2, 3}));
      product = reshape(rewriter, loc, product, {n, o, patches},
                        {{0}, {1, 2}, {3}}, /*expand=*/false);
      product = reshape(rewriter, loc, product, {n, o, oh, ow},
                        {{0}, {1}, {2, 3}}, /*expand=*/true);
    } else {
      // (n, o, p, r): [O, R] against patches [N, P, R].
      Value rhs = reshape(rewriter, loc, cols, {n, patches, depth},
                          {{0, 1}, {2, 3}, {4, 5, 6}}, /*expand=*/false);
      Value acc = accumulator({n, o, patches}, projection(ctx, 3, {1}));
      product = contract(rewriter, loc, weight, rhs, acc,
                         projection(ctx, 4, {1, 3}),
                         projection(ctx, 4, {0, 2, 3}),
                         projection(ctx, 4, {0, 1, 2}));
      product = reshape(rewriter, loc, product, {n, o, oh, ow},
                        {{0}, {1}, {2, 3}}, /*expand=*/true);
    }
    rewriter.replaceOp(op, convertTensor(rewriter, loc, product, elementType));
    return success();
  }
};

} // namespace

void mlir::kf::populateTransformerConvolutionToLinalgPatterns(
    RewritePatternSet &patterns) {
  patterns.add<Conv2DLowering>(patterns.getContext());
}
