//===- AttentionToLinalg.cpp - Scaled dot-product attention ----------------===//
//
// Two forms, picked by AttentionLoweringOptions::fused:
//
// - decomposed: S = Q K^T (a contraction over head_dim), T = scale * S +
//   mask, P = softmax(T) with the causal mask computed from indices, and
//   O = P V (a contraction over keys). Materialises [B, H, Sq, Sk].
// - fused (default): an scf.for over key tiles carrying the running row
//   maximum m, the running sum l and the unnormalised output acc (online
//   softmax, as in flash attention). Each step rescales l and acc by
//   exp(m_old - m_new). Only [B, H, Sq, tile] scores exist at a time, and with
//   `causal` the loop stops at the last tile any query can see, so the
//   causal mask shortens the reduction instead of being applied to it (the
//   diagonal tile still masks by index). A sliding window likewise starts
//   the loop at the tile holding the block's first visible key. A block of
//   several queries copies each key tile transposed first, so that its
//   scores are a product reading contiguous keys.
//
// Grouped-query attention is a map: query head h reads key/value head
// h floordiv (H / Hkv).
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"

#include "kernelforge/Conversion/TransformerToLinalg/TransformerToLinalg.h"
#include "kernelforge/Dialect/Transformer/IR/TransformerOps.h"
#include "kernelforge/Target/CPUTargetModel.h"
#include "kernelforge/Transforms/Contractions.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"


using namespace mlir;
using namespace mlir::kf;
using namespace mlir::kf::lowering;

namespace {

/// Facts shared by both forms.
struct AttentionShape {
  int64_t batch, heads, kvHeads, queries, keys, headDim, valueDim;
  double scale;
  /// The sliding window and the logit soft-cap (0: none).
  int64_t window = 0;
  double softcap = 0;
  Type elementType, accType;
};

AttentionShape getShape(AttentionOp op) {
  auto q = cast<RankedTensorType>(op.getQuery().getType());
  auto k = cast<RankedTensorType>(op.getKey().getType());
  auto v = cast<RankedTensorType>(op.getValue().getType());
  AttentionShape s;
  s.batch = q.getDimSize(0);
  s.heads = q.getDimSize(1);
  s.queries = q.getDimSize(2);
  s.headDim = q.getDimSize(3);
  s.kvHeads = k.getDimSize(1);
  s.keys = k.getDimSize(2);
  s.valueDim = v.getDimSize(3);
  s.scale = op.getEffectiveScale();
  s.window = op.getWindow().value_or(0);
  if (std::optional<APFloat> cap = op.getSoftcap())
    s.softcap = cap->convertToDouble();
  s.elementType = q.getElementType();
  s.accType = computeType(s.elementType);
  return s;
}

/// `(b, h, ...inner) -> (b, h floordiv group, ...)` over `numDims` dims.
AffineMap kvMap(MLIRContext *ctx, unsigned numDims, int64_t group,
                ArrayRef<unsigned> inner) {
  SmallVector<AffineExpr> exprs = {getAffineDimExpr(0, ctx),
                                   getAffineDimExpr(1, ctx).floorDiv(group)};
  for (unsigned dim : inner)
    exprs.push_back(getAffineDimExpr(dim, ctx));
  return AffineMap::get(numDims, 0, exprs, ctx);
}

/// scores[b, h, q, k] = sum_d Q[b, h, q, d] K[b, h/g, k, d], over the keys of
/// `key` (all keys or one tile), or of a tile transposed to [b, h, d, k]
/// (`transposed`, transposedKeyTile), into `init` (else a zero-filled
/// tensor).
Value queryKeyScores(OpBuilder &b, Location loc, const AttentionShape &s,
                     Value query, Value key, bool transposed = false,
                     Value init = Value()) {
  MLIRContext *ctx = b.getContext();
  int64_t keys =
      cast<RankedTensorType>(key.getType()).getDimSize(transposed ? 3 : 2);
  Value acc = init ? linalg::FillOp::create(
                         b, loc, floatConstant(b, loc, s.accType, 0.0), init)
                         .getResult(0)
                   : filledTensor(b, loc, {s.batch, s.heads, s.queries, keys},
                                  s.accType, 0.0);
  // Iteration space (b, h, q, k, d).
  SmallVector<unsigned> keyDims =
      transposed ? SmallVector<unsigned>{4, 3} : SmallVector<unsigned>{3, 4};
  return contract(b, loc, query, key, acc, projection(ctx, 5, {0, 1, 2, 4}),
                  kvMap(ctx, 5, s.heads / s.kvHeads, keyDims),
                  projection(ctx, 5, {0, 1, 2, 3}));
}

/// A block's key tile [1, 1, tile, d] as [1, 1, d, tile], marked as a
/// transposing copy: its scores are then a product whose register tile reads
/// contiguous keys (from [tile, d], each step of the tile gathered its
/// columns from as many key rows).
Value transposedKeyTile(OpBuilder &b, Location loc, Value key) {
  auto type = cast<RankedTensorType>(key.getType());
  ArrayRef<int64_t> shape = type.getShape();
  // Loops (b, h, d, k): the source is read along d, the target written
  // along k.
  Value copy = elementwise(
      b, loc, {shape[0], shape[1], shape[3], shape[2]}, type.getElementType(),
      key, projection(b.getContext(), 4, {0, 1, 3, 2}),
      [](OpBuilder &, Location, ValueRange args) { return args[0]; });
  copy.getDefiningOp()->setAttr(kTransposingCopyAttrName,
                                b.getDenseI64ArrayAttr({2, 3}));
  return copy;
}

/// out[b, h, q, e] += sum_k P[b, h, q, k] V[b, h/g, k, e].
Value probsTimesValues(OpBuilder &b, Location loc, const AttentionShape &s,
                       Value probs, Value value, Value acc) {
  MLIRContext *ctx = b.getContext();
  // Iteration space (b, h, q, e, k).
  return contract(b, loc, probs, value, acc, projection(ctx, 5, {0, 1, 2, 4}),
                  kvMap(ctx, 5, s.heads / s.kvHeads, {4, 3}),
                  projection(ctx, 5, {0, 1, 2, 3}));
}

/// scale * scores + mask, with hidden causal positions at -inf when
/// `causalOffset` is set (`keyBase` offsets the key index for tiles).
Value scaleAndMask(OpBuilder &b, Location loc, const AttentionShape &s,
                   Value scores, Value mask, Value causalOffset,
                   Value keyBase) {
  auto type = cast<RankedTensorType>(scores.getType());
  ArrayRef<int64_t> shape = type.getShape();
  SmallVector<Value> inputs = {scores};
  SmallVector<AffineMap> maps = {b.getMultiDimIdentityMap(4)};
  if (mask) {
    inputs.push_back(mask);
    maps.push_back(broadcastMap(
        b.getContext(), cast<RankedTensorType>(mask.getType()).getShape(),
        shape));
  }
  return elementwise(
      b, loc, shape, s.accType, inputs, maps,
      [&](OpBuilder &nb, Location l, ValueRange args) -> Value {
        Value t = arith::MulFOp::create(
            nb, l, args[0], floatConstant(nb, l, s.accType, s.scale));
        if (s.softcap > 0) {
          Value cap = floatConstant(nb, l, s.accType, s.softcap);
          t = arith::MulFOp::create(
              nb, l, cap,
              math::TanhOp::create(nb, l, arith::DivFOp::create(nb, l, t, cap)));
        }
        if (mask)
          t = arith::AddFOp::create(nb, l, t, toCompute(nb, l, args[1]));
        if (causalOffset) {
          Value hidden = isHiddenByCausalMask(nb, l, 4, causalOffset, keyBase);
          if (s.window > 0)
            hidden = arith::OrIOp::create(
                nb, l, hidden,
                isOutsideWindow(nb, l, 4, causalOffset, keyBase, s.window));
          t = arith::SelectOp::create(
              nb, l, hidden,
              floatConstant(nb, l, s.accType, negativeInfinity()), t);
        }
        return t;
      });
}

/// exp(x - max), or 0 when the whole row is still hidden (max = -inf), so a
/// fully masked tile contributes nothing instead of NaN.
Value guardedExp(OpBuilder &b, Location l, Value x, Value max) {
  Type type = x.getType();
  Value minusInf = floatConstant(b, l, type, negativeInfinity());
  Value empty =
      arith::CmpFOp::create(b, l, arith::CmpFPredicate::OEQ, max, minusInf);
  Value e = math::ExpOp::create(b, l, arith::SubFOp::create(b, l, x, max));
  return arith::SelectOp::create(b, l, empty, floatConstant(b, l, type, 0.0),
                                 e);
}

/// Elementwise narrowing of the compute-type result to the element type.
Value finish(OpBuilder &b, Location loc, const AttentionShape &s, Value out,
             Value normalizer) {
  MLIRContext *ctx = b.getContext();
  SmallVector<Value> inputs = {out};
  SmallVector<AffineMap> maps = {b.getMultiDimIdentityMap(4)};
  if (normalizer) {
    inputs.push_back(normalizer);
    maps.push_back(dropDim(ctx, 4, 3));
  }
  return elementwise(
      b, loc, {s.batch, s.heads, s.queries, s.valueDim}, s.elementType, inputs,
      maps, [&](OpBuilder &nb, Location l, ValueRange args) -> Value {
        Value v = args[0];
        if (normalizer)
          v = arith::DivFOp::create(nb, l, v, args[1]);
        return fromCompute(nb, l, v, s.elementType);
      });
}

/// The causal offset as an index value (null when not causal).
Value causalOffset(OpBuilder &b, Location loc, AttentionOp op,
                   Value queryOffset, const AttentionShape &s) {
  if (!op.getCausal())
    return {};
  if (queryOffset)
    return queryOffset;
  return arith::ConstantIndexOp::create(b, loc, op.getDefaultCausalOffset());
}

struct AttentionLowering : OpConversionPattern<AttentionOp> {
  AttentionLowering(MLIRContext *ctx, const AttentionLoweringOptions &options)
      : OpConversionPattern(ctx), options(options) {}

  LogicalResult
  matchAndRewrite(AttentionOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    AttentionShape s = getShape(op);
    Value offset = causalOffset(rewriter, op.getLoc(), op,
                                adaptor.getQueryOffset(), s);
    Value result = options.fused ? fused(rewriter, op, adaptor, s, offset)
                                 : decomposed(rewriter, op, adaptor, s, offset);
    rewriter.replaceOp(op, result);
    return success();
  }

  Value decomposed(OpBuilder &b, AttentionOp op, OpAdaptor adaptor,
                   const AttentionShape &s, Value offset) const {
    Location loc = op.getLoc();
    Value scores =
        queryKeyScores(b, loc, s, adaptor.getQuery(), adaptor.getKey());
    Value logits = scaleAndMask(b, loc, s, scores, adaptor.getMask(), offset,
                                Value());
    Value probs = buildSoftmax(b, loc, logits, /*axis=*/3, offset);
    Value acc = filledTensor(b, loc, {s.batch, s.heads, s.queries, s.valueDim},
                             s.accType, 0.0);
    Value out = probsTimesValues(b, loc, s, probs, adaptor.getValue(), acc);
    return finish(b, loc, s, out, Value());
  }

  /// The largest query block and key tile: the op's own measured
  /// `attention_tiles` where the options leave them free, else the options'
  /// (a single query's key tile its own).
  std::pair<int64_t, int64_t> tileLimits(AttentionOp op,
                                         const AttentionShape &s) const {
    int64_t query = options.queryTile;
    int64_t key = s.queries == 1 ? options.decodeKeyTile : options.keyTile;
    auto own = op->getAttrOfType<DictionaryAttr>(kScheduleAttrName);
    auto tiles =
        own ? own.getAs<DenseI64ArrayAttr>("attention_tiles") : nullptr;
    if (tiles && tiles.size() == 2 && tiles[0] > 0 && tiles[1] > 0) {
      if (!options.queryTileFixed)
        query = tiles[0];
      if (!options.keyTileFixed)
        key = tiles[1];
    }
    return {query, key};
  }

  /// One (batch, head, query block) per scf.forall iteration, the online
  /// softmax loop over key tiles inside it.
  Value fused(OpBuilder &b, AttentionOp op, OpAdaptor adaptor,
              const AttentionShape &s, Value offset) const {
    Location loc = op.getLoc();
    auto [queryLimit, keyLimit] = tileLimits(op, s);
    int64_t keyTile = tileDividing(s.keys, keyLimit);
    int64_t queryTile = tileDividing(s.queries, queryLimit);
    int64_t group = s.heads / s.kvHeads;
    Value init = emptyTensor(b, loc, {s.batch, s.heads, s.queries, s.valueDim},
                             s.elementType);
    SmallVector<OpFoldResult> lbs(3, b.getIndexAttr(0));
    SmallVector<OpFoldResult> ubs = {b.getIndexAttr(s.batch),
                                     b.getIndexAttr(s.heads),
                                     b.getIndexAttr(s.queries)};
    SmallVector<OpFoldResult> steps = {b.getIndexAttr(1), b.getIndexAttr(1),
                                       b.getIndexAttr(queryTile)};
    auto forall =
        scf::ForallOp::create(b, loc, lbs, ubs, steps, init, std::nullopt);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(forall.getBody());
    SmallVector<Value> ivs = forall.getInductionVars();
    Value batch = ivs[0], head = ivs[1], queryStart = ivs[2];
    Value kvHead = head;
    if (group > 1)
      kvHead = arith::DivUIOp::create(
          b, loc, head, arith::ConstantIndexOp::create(b, loc, group));

    // The block's query rows, and a key/value view of its kv head.
    auto slice = [&](Value source, ArrayRef<OpFoldResult> offsets,
                     ArrayRef<int64_t> sizes) -> Value {
      SmallVector<OpFoldResult> sizeAttrs, strides(sizes.size(),
                                                   b.getIndexAttr(1));
      for (int64_t size : sizes)
        sizeAttrs.push_back(b.getIndexAttr(size));
      return tensor::ExtractSliceOp::create(b, loc, source, offsets, sizeAttrs,
                                            strides);
    };
    OpFoldResult zero = b.getIndexAttr(0);
    Value query = slice(adaptor.getQuery(), {batch, head, queryStart, zero},
                        {1, 1, queryTile, s.headDim});
    Value key = slice(adaptor.getKey(), {batch, kvHead, zero, zero},
                      {1, 1, s.keys, s.headDim});
    Value value = slice(adaptor.getValue(), {batch, kvHead, zero, zero},
                        {1, 1, s.keys, s.valueDim});
    Value mask = adaptor.getMask();
    if (mask) {
      // Size-1 mask dimensions broadcast; others follow the block.
      auto maskType = cast<RankedTensorType>(mask.getType());
      int64_t lead = 4 - maskType.getRank();
      SmallVector<OpFoldResult> offsets;
      SmallVector<int64_t> sizes;
      Value blockIndex[] = {batch, head, queryStart};
      int64_t blockSize[] = {1, 1, queryTile};
      for (int64_t d = 0; d < maskType.getRank(); ++d) {
        int64_t dim = lead + d, size = maskType.getDimSize(d);
        bool follows = dim < 3 && size != 1;
        offsets.push_back(follows ? OpFoldResult(blockIndex[dim]) : zero);
        sizes.push_back(follows ? blockSize[dim] : size);
      }
      mask = slice(mask, offsets, sizes);
    }
    // Within the block, query q is global query queryStart + q.
    Value blockOffset;
    if (offset)
      blockOffset = arith::AddIOp::create(b, loc, offset, queryStart);

    AttentionShape block = s;
    block.batch = block.heads = block.kvHeads = 1;
    block.queries = queryTile;
    Value out = onlineSoftmax(b, loc, block, query, key, value, mask,
                              blockOffset, keyTile);

    b.setInsertionPointToStart(forall.getTerminator().getBody());
    SmallVector<OpFoldResult> offsets = {batch, head, queryStart, zero};
    SmallVector<OpFoldResult> sizes = {
        b.getIndexAttr(1), b.getIndexAttr(1), b.getIndexAttr(queryTile),
        b.getIndexAttr(s.valueDim)};
    SmallVector<OpFoldResult> strides(4, b.getIndexAttr(1));
    tensor::ParallelInsertSliceOp::create(b, loc, out,
                                          forall.getRegionIterArgs()[0],
                                          offsets, sizes, strides);
    return forall.getResult(0);
  }

  /// The online-softmax loop over key tiles for one block whose query,
  /// key and value have a single batch and head.
  Value onlineSoftmax(OpBuilder &b, Location loc, const AttentionShape &s,
                      Value query, Value keys, Value values, Value mask,
                      Value offset, int64_t tile) const {
    MLIRContext *ctx = b.getContext();
    SmallVector<int64_t> rowShape = {s.batch, s.heads, s.queries};
    SmallVector<int64_t> outShape = {s.batch, s.heads, s.queries, s.valueDim};
    SmallVector<int64_t> tileShape = {s.batch, s.heads, s.queries, tile};
    Value m0 = filledTensor(b, loc, rowShape, s.accType, negativeInfinity());
    Value l0 = filledTensor(b, loc, rowShape, s.accType, 0.0);
    Value acc0 = filledTensor(b, loc, outShape, s.accType, 0.0);

    auto idx = [&](int64_t v) -> Value {
      return arith::ConstantIndexOp::create(b, loc, v);
    };
    Value upper = idx(s.keys);
    if (offset) {
      // Keys past offset + Sq - 1 are hidden from every query of the block:
      // stop at the tile holding that key.
      Value seen = arith::AddIOp::create(b, loc, offset, idx(s.queries));
      Value tiles = arith::CeilDivUIOp::create(b, loc, seen, idx(tile));
      upper = arith::MinUIOp::create(
          b, loc, upper, arith::MulIOp::create(b, loc, tiles, idx(tile)));
    }
    Value lower = idx(0);
    if (offset && s.window > 0) {
      // Keys before offset + 1 - window are older than the window of every
      // query of the block: start at the tile holding the first visible key.
      Value reach = arith::AddIOp::create(b, loc, offset, idx(1));
      Value window = idx(s.window);
      Value past = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::uge,
                                         reach, window);
      Value first = arith::SubIOp::create(b, loc, reach, window);
      Value aligned = arith::MulIOp::create(
          b, loc, arith::DivUIOp::create(b, loc, first, idx(tile)), idx(tile));
      lower = arith::SelectOp::create(b, loc, past, aligned, idx(0));
    }
    auto maskType = mask ? cast<RankedTensorType>(mask.getType()) : nullptr;
    bool maskPerKey = maskType && maskType.getShape().back() == s.keys;

    // A block of several queries reuses each key many times: its key tile
    // is transposed first (one query reads each key once). Its scores are
    // then computed into a buffer the loop carries: a zero fill of their
    // own would be merged with acc0's (the same shape when the tile is the
    // value width) and copied at every step.
    bool transposeKeys = s.queries > 1;
    SmallVector<Value> inits = {m0, l0, acc0};
    if (transposeKeys)
      inits.push_back(emptyTensor(b, loc, tileShape, s.accType));
    auto loop = scf::ForOp::create(
        b, loc, lower, upper, idx(tile), inits,
        [&](OpBuilder &nb, Location l, Value kt, ValueRange iter) {
          Value m = iter[0], sum = iter[1], acc = iter[2];
          auto slice = [&](Value source, ArrayRef<int64_t> shape,
                           unsigned dim) -> Value {
            SmallVector<OpFoldResult> offsets(shape.size(), nb.getIndexAttr(0));
            offsets[dim] = kt;
            SmallVector<OpFoldResult> sizes, strides(shape.size(),
                                                     nb.getIndexAttr(1));
            for (auto [i, size] : llvm::enumerate(shape))
              sizes.push_back(nb.getIndexAttr(i == dim ? tile : size));
            return tensor::ExtractSliceOp::create(nb, l, source, offsets, sizes,
                                                  strides);
          };
          auto shapeOf = [](Value v) {
            return cast<RankedTensorType>(v.getType()).getShape();
          };
          Value keyTile = slice(keys, shapeOf(keys), 2);
          Value valueTile = slice(values, shapeOf(values), 2);
          Value maskTile = mask;
          if (maskPerKey)
            maskTile = slice(mask, maskType.getShape(), maskType.getRank() - 1);

          Value scores =
              transposeKeys
                  ? queryKeyScores(nb, l, s, query,
                                   transposedKeyTile(nb, l, keyTile),
                                   /*transposed=*/true, iter[3])
                  : queryKeyScores(nb, l, s, query, keyTile);
          Value logits = scaleAndMask(nb, l, s, scores, maskTile, offset, kt);
          AffineMap id = nb.getMultiDimIdentityMap(4);
          AffineMap row = dropDim(ctx, 4, 3);
          Value tileMax = reduceAlong(
              nb, l, tileShape, 3, logits, id, s.accType, negativeInfinity(),
              [&](OpBuilder &bb, Location bl, ValueRange args, Value a) {
                return arith::MaximumFOp::create(bb, bl, a, args[0]);
              });
          AffineMap rowId = nb.getMultiDimIdentityMap(3);
          // exp(m_old - m_new), read from m before m is updated in place.
          Value correction = elementwise(
              nb, l, rowShape, s.accType, ValueRange{m, tileMax},
              ArrayRef<AffineMap>{rowId, rowId},
              [&](OpBuilder &bb, Location bl, ValueRange args) {
                Value newMax =
                    arith::MaximumFOp::create(bb, bl, args[0], args[1]);
                return guardedExp(bb, bl, args[0], newMax);
              });
          Value mNew = updateInPlace(
              nb, l, m, tileMax, rowId,
              [&](OpBuilder &bb, Location bl, ValueRange args) -> Value {
                return arith::MaximumFOp::create(bb, bl, args[1], args[0]);
              });
          Value probs = elementwise(
              nb, l, tileShape, s.accType, ValueRange{logits, mNew},
              ArrayRef<AffineMap>{id, row},
              [&](OpBuilder &bb, Location bl, ValueRange args) {
                return guardedExp(bb, bl, args[0], args[1]);
              });
          // The running sum and output are rescaled in place so that the
          // loop-carried tensors bufferize to one buffer each.
          Value sumScaled = updateInPlace(
              nb, l, sum, correction, rowId,
              [&](OpBuilder &bb, Location bl, ValueRange args) -> Value {
                return arith::MulFOp::create(bb, bl, args[1], args[0]);
              });
          Value sumNew = reduceAlongInto(
              nb, l, tileShape, 3, probs, id, sumScaled,
              [&](OpBuilder &bb, Location bl, ValueRange args, Value a) {
                return arith::AddFOp::create(bb, bl, a, args[0]);
              });
          Value accScaled = updateInPlace(
              nb, l, acc, correction, row,
              [&](OpBuilder &bb, Location bl, ValueRange args) -> Value {
                return arith::MulFOp::create(bb, bl, args[1], args[0]);
              });
          Value accNew =
              probsTimesValues(nb, l, s, probs, valueTile, accScaled);
          SmallVector<Value> results = {mNew, sumNew, accNew};
          if (transposeKeys)
            results.push_back(scores);
          scf::YieldOp::create(nb, l, results);
        });
    // A decode query (one row): each tile's work is too short for the
    // hardware prefetchers to find the next tile's rows in time.
    if (s.queries == 1)
      loop->setAttr(kKeyTileLoopAttrName, b.getUnitAttr());
    return finish(b, loc, s, loop.getResult(2), loop.getResult(1));
  }

  AttentionLoweringOptions options;
};

} // namespace

void mlir::kf::populateTransformerAttentionToLinalgPatterns(
    RewritePatternSet &patterns, const AttentionLoweringOptions &options) {
  patterns.add<AttentionLowering>(patterns.getContext(), options);
}
