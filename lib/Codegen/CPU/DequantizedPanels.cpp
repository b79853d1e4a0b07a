//===- DequantizedPanels.cpp - i8 weights packed straight into panels -----===//
//
// A product of many rows against i8 blocks reads its weight as f32 through
// convert-kf-to-linalg's dequantisation, an elementwise op over the block
// view [k / B, B, n] (or [n, k / B, B]) with the scales [k / B, n] (or
// [n, k / B]). kf-tile-and-vectorize copies each thread's k tile of that
// weight into contiguous panels; made from the dequantised weight, the copy
// would need all of it dequantised in memory first (for the tied head,
// 50257 x 768 floats per call). Instead the panel copy reads the i8 blocks
// and scales of its slice itself and multiplies in registers:
//
//   P[nb, kb, jj, j] = q[kb, jj, nb * cols + j] * s[kb, nb * cols + j]
//
// with every map a permutation, so that it vectorizes like the f32 copy.
//
//===----------------------------------------------------------------------===//

#include "DequantizedPanels.h"

#include "kernelforge/Transforms/Contractions.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

using namespace mlir;

namespace {

/// A weight slice seen through to its dequantisation: the op, its layout
/// (a [k / B, B, n] block view with scales over (blocks, n), or [n, k / B, B]
/// with scales over (n, blocks)) and, with a builder, where the slice starts
/// in the dequantised [k, n] (or [n, k]) weight.
struct DequantizedSlice {
  linalg::GenericOp dequantize;
  bool inOut;
  int64_t block;
  SmallVector<OpFoldResult> offsets;
};

FailureOr<DequantizedSlice> findDequantizedSlice(OpBuilder *b, Value weight) {
  SmallVector<tensor::ExtractSliceOp> slices;
  Value v = weight;
  while (auto slice = v.getDefiningOp<tensor::ExtractSliceOp>()) {
    if (slice.getSourceType().getRank() != 2 ||
        slice.getResultType().getRank() != 2 ||
        !llvm::all_of(slice.getMixedStrides(),
                      [](OpFoldResult s) { return isConstantIntValue(s, 1); }))
      return failure();
    slices.push_back(slice);
    v = slice.getSource();
  }
  linalg::GenericOp dequantize = kf::dequantizingProducer(v);
  if (!dequantize || dequantize.getNumDpsInits() != 1)
    return failure();
  auto viewType =
      dyn_cast<RankedTensorType>(dequantize.getDpsInputs()[0].getType());
  if (!viewType || viewType.getRank() != 3)
    return failure();
  MLIRContext *ctx = dequantize.getContext();
  AffineExpr d0, d1, d2;
  bindDims(ctx, d0, d1, d2);
  AffineMap scalesMap = dequantize.getIndexingMapsArray()[1];
  bool inOut = scalesMap == AffineMap::get(3, 0, {d0, d2}, ctx);
  if (!inOut && scalesMap != AffineMap::get(3, 0, {d0, d1}, ctx))
    return failure();
  DequantizedSlice found{dequantize, inOut,
                         viewType.getDimSize(inOut ? 1 : 2), {}};
  if (!b)
    return found;
  // Offsets of nested unit-stride slices add up.
  found.offsets.assign(2, b->getIndexAttr(0));
  for (tensor::ExtractSliceOp slice : slices)
    for (auto [i, offset] : llvm::enumerate(slice.getMixedOffsets()))
      found.offsets[i] = affine::makeComposedFoldedAffineApply(
          *b, slice.getLoc(), d0 + d1, {found.offsets[i], offset});
  return found;
}

bool isMultipleOf(OpFoldResult v, int64_t factor, int depth = 0);

/// Whether `expr` over `operands` is always a multiple of `factor`.
bool isMultipleOf(AffineExpr expr, ValueRange operands, unsigned numDims,
                  int64_t factor, int depth) {
  if (auto c = dyn_cast<AffineConstantExpr>(expr))
    return c.getValue() % factor == 0;
  if (auto dim = dyn_cast<AffineDimExpr>(expr))
    return isMultipleOf(operands[dim.getPosition()], factor, depth + 1);
  if (auto sym = dyn_cast<AffineSymbolExpr>(expr))
    return isMultipleOf(operands[numDims + sym.getPosition()], factor,
                        depth + 1);
  auto bin = dyn_cast<AffineBinaryOpExpr>(expr);
  if (!bin)
    return false;
  if (bin.getKind() == AffineExprKind::Add)
    return isMultipleOf(bin.getLHS(), operands, numDims, factor, depth) &&
           isMultipleOf(bin.getRHS(), operands, numDims, factor, depth);
  if (bin.getKind() == AffineExprKind::Mul) {
    if (auto c = dyn_cast<AffineConstantExpr>(bin.getRHS());
        c && c.getValue() % factor == 0)
      return true;
    return isMultipleOf(bin.getLHS(), operands, numDims, factor, depth);
  }
  return false;
}

/// Whether `ofr`, an offset the tiling made (a constant, a loop's induction
/// variable, affine sums of those), is always a multiple of `factor`.
bool isMultipleOf(OpFoldResult ofr, int64_t factor, int depth) {
  if (std::optional<int64_t> c = getConstantIntValue(ofr))
    return *c % factor == 0;
  if (depth > 8)
    return false;
  auto multiple = [&](OpFoldResult f) {
    return isMultipleOf(f, factor, depth + 1);
  };
  Value v = cast<Value>(ofr);
  if (auto arg = dyn_cast<BlockArgument>(v)) {
    Operation *owner = arg.getOwner()->getParentOp();
    if (auto loop = dyn_cast<scf::ForOp>(owner);
        loop && loop.getInductionVar() == v)
      return multiple(loop.getLowerBound()) && multiple(loop.getStep());
    if (auto forall = dyn_cast<scf::ForallOp>(owner)) {
      for (auto [i, iv] : llvm::enumerate(forall.getInductionVars()))
        if (iv == v)
          return multiple(forall.getMixedLowerBound()[i]) &&
                 multiple(forall.getMixedStep()[i]);
    }
    return false;
  }
  if (auto apply = v.getDefiningOp<affine::AffineApplyOp>())
    return isMultipleOf(apply.getAffineMap().getResult(0),
                        apply.getMapOperands(),
                        apply.getAffineMap().getNumDims(), factor, depth);
  return false;
}

} // namespace

int64_t mlir::kf::dequantizedBlock(Value weight) {
  FailureOr<DequantizedSlice> found = findDequantizedSlice(nullptr, weight);
  return succeeded(found) ? found->block : 0;
}

namespace {

/// The blocks and scales a slice of a dequantised weight covers: slices of
/// the block view ([k / B, B, n] or [n, k / B, B]) and of the scales.
struct BlockSlices {
  linalg::GenericOp dequantize;
  bool inOut;
  int64_t blocks, block, width;
  Value q, scales;
};

FailureOr<BlockSlices> sliceBlocks(RewriterBase &rewriter, Location loc,
                                   Value weight) {
  FailureOr<DequantizedSlice> found = findDequantizedSlice(&rewriter, weight);
  if (failed(found))
    return failure();
  linalg::GenericOp dequantize = found->dequantize;
  Value view = dequantize.getDpsInputs()[0];
  Value scales = dequantize.getDpsInputs()[1];
  auto weightType = cast<RankedTensorType>(weight.getType());
  bool inOut = found->inOut;
  int64_t block = found->block;
  int64_t depth = weightType.getDimSize(inOut ? 0 : 1);
  int64_t width = weightType.getDimSize(inOut ? 1 : 0);
  OpFoldResult kOffset = found->offsets[inOut ? 0 : 1];
  OpFoldResult nOffset = found->offsets[inOut ? 1 : 0];
  if (depth % block != 0 || !isMultipleOf(kOffset, block))
    return failure();
  int64_t blocks = depth / block;
  MLIRContext *ctx = rewriter.getContext();
  AffineExpr k;
  bindDims(ctx, k);
  OpFoldResult blockOffset = affine::makeComposedFoldedAffineApply(
      rewriter, loc, k.floorDiv(block), {kOffset});
  OpFoldResult zero = rewriter.getIndexAttr(0);
  SmallVector<OpFoldResult> ones(3, rewriter.getIndexAttr(1));
  auto sizes = [&](ArrayRef<int64_t> s) {
    return getAsIndexOpFoldResult(ctx, s);
  };
  BlockSlices out{dequantize, inOut, blocks, block, width, {}, {}};
  if (inOut) {
    out.q = tensor::ExtractSliceOp::create(rewriter, loc, view,
                                           {blockOffset, zero, nOffset},
                                           sizes({blocks, block, width}), ones);
    out.scales = tensor::ExtractSliceOp::create(
        rewriter, loc, scales, {blockOffset, nOffset}, sizes({blocks, width}),
        ArrayRef(ones).take_front(2));
  } else {
    out.q = tensor::ExtractSliceOp::create(rewriter, loc, view,
                                           {nOffset, blockOffset, zero},
                                           sizes({width, blocks, block}), ones);
    out.scales = tensor::ExtractSliceOp::create(
        rewriter, loc, scales, {nOffset, blockOffset}, sizes({width, blocks}),
        ArrayRef(ones).take_front(2));
  }
  return out;
}

/// The blocks and scales of `slices` with their columns split into panels
/// of `cols`: [kb, B, nb, j] and [kb, nb, j] from [k, n], [nb, j, kb, B]
/// and [nb, j, kb] from [n, k]; with `pairs`, each block's B rows as (B /
/// 2, 2).
std::pair<Value, Value> panelViews(RewriterBase &rewriter, Location loc,
                                   const BlockSlices &slices, int64_t cols,
                                   bool pairs) {
  int64_t blocks = slices.blocks, block = slices.block,
          panels = slices.width / cols;
  SmallVector<int64_t> rows =
      pairs ? SmallVector<int64_t>{block / 2, 2} : SmallVector<int64_t>{block};
  SmallVector<int64_t> qShape, sShape;
  SmallVector<ReassociationIndices> qGroups, sGroups;
  ReassociationIndices rowGroup;
  if (slices.inOut) {
    qShape = {blocks};
    llvm::append_range(qShape, rows);
    llvm::append_range(qShape, ArrayRef<int64_t>{panels, cols});
    for (size_t i = 0; i < rows.size(); ++i)
      rowGroup.push_back(1 + i);
    qGroups = {{0},
               rowGroup,
               {int64_t(qShape.size()) - 2, int64_t(qShape.size()) - 1}};
    sShape = {blocks, panels, cols};
    sGroups = {{0}, {1, 2}};
  } else {
    qShape = {panels, cols, blocks};
    llvm::append_range(qShape, rows);
    for (size_t i = 0; i < rows.size(); ++i)
      rowGroup.push_back(3 + i);
    qGroups = {{0, 1}, {2}, rowGroup};
    sShape = {panels, cols, blocks};
    sGroups = {{0, 1}, {2}};
  }
  auto expand = [&](Value v, ArrayRef<int64_t> shape,
                    ArrayRef<ReassociationIndices> groups) -> Value {
    return tensor::ExpandShapeOp::create(
        rewriter, loc, RankedTensorType::get(shape, getElementTypeOrSelf(v)), v,
        groups);
  };
  return {expand(slices.q, qShape, qGroups),
          expand(slices.scales, sShape, sGroups)};
}

} // namespace

FailureOr<std::pair<linalg::GenericOp, Value>>
mlir::kf::packDequantizedPanels(RewriterBase &rewriter, Location loc,
                                Value weight, bool inOut, int64_t cols) {
  auto weightType = cast<RankedTensorType>(weight.getType());
  int64_t width = weightType.getDimSize(inOut ? 1 : 0);
  if (width % cols != 0)
    return failure();
  FailureOr<BlockSlices> slices = sliceBlocks(rewriter, loc, weight);
  if (failed(slices) || slices->inOut != inOut)
    return failure();
  int64_t blocks = slices->blocks, block = slices->block,
          depth = blocks * block, panels = width / cols;
  MLIRContext *ctx = rewriter.getContext();

  // The columns split into panels.
  auto [q, s] = panelViews(rewriter, loc, *slices, cols, /*pairs=*/false);

  // Over (kb, jj, nb, j) for [k, n], the order the blocks are stored in;
  // over the panels' (nb, kb, jj, j) for [n, k], whose blocks are read
  // transposed (kf-tile-and-vectorize reads them in square tiles along jj),
  // so that a tile is widened and transposed first and then scaled as panel
  // rows, by one vector of its features' scales, which no longer depends on
  // the rows (a scale per source row had been broadcast across it).
  AffineExpr d0, d1, d2, d3;
  bindDims(ctx, d0, d1, d2, d3);
  SmallVector<AffineMap> maps =
      inOut
          ? SmallVector<AffineMap>{AffineMap::get(4, 0, {d0, d1, d2, d3}, ctx),
                                   AffineMap::get(4, 0, {d0, d2, d3}, ctx),
                                   AffineMap::get(4, 0, {d2, d0, d1, d3}, ctx)}
          : SmallVector<AffineMap>{AffineMap::get(4, 0, {d0, d3, d1, d2}, ctx),
                                   AffineMap::get(4, 0, {d0, d3, d1}, ctx),
                                   AffineMap::get(4, 0, {d0, d1, d2, d3}, ctx)};
  Type f = weightType.getElementType();
  Value empty = tensor::EmptyOp::create(
      rewriter, loc, ArrayRef<int64_t>{panels, blocks, block, cols}, f);
  auto copy = linalg::GenericOp::create(
      rewriter, loc, empty.getType(), ValueRange{q, s}, ValueRange{empty}, maps,
      SmallVector<utils::IteratorType>(4, utils::IteratorType::parallel));
  // The dequantisation's own body: (q, scale, out) -> q * scale.
  rewriter.cloneRegionBefore(slices->dequantize.getRegion(), copy.getRegion(),
                             copy.getRegion().end());
  Value panelsValue = tensor::CollapseShapeOp::create(
      rewriter, loc, RankedTensorType::get({panels, depth, cols}, f),
      copy.getResult(0), SmallVector<ReassociationIndices>{{0}, {1, 2}, {3}});
  return std::make_pair(copy, panelsValue);
}

FailureOr<std::pair<linalg::GenericOp, Value>>
mlir::kf::packDequantizedPairPanels(RewriterBase &rewriter, Location loc,
                                    Value weight, bool inOut, int64_t cols) {
  auto weightType = cast<RankedTensorType>(weight.getType());
  int64_t width = weightType.getDimSize(inOut ? 1 : 0);
  int64_t block = dequantizedBlock(weight);
  if (width % cols != 0 || block % 2 != 0)
    return failure();
  FailureOr<BlockSlices> slices = sliceBlocks(rewriter, loc, weight);
  if (failed(slices) || slices->inOut != inOut)
    return failure();
  int64_t blocks = slices->blocks, panels = width / cols, half = block / 2;
  MLIRContext *ctx = rewriter.getContext();

  // The blocks' rows in pairs, the columns in panels.
  auto [q, s] = panelViews(rewriter, loc, *slices, cols, /*pairs=*/true);

  // From [k, n], over (nb, kb, bp, t, j): the blocks' two rows are read,
  // widened, scaled and rounded as stored, and only the bf16 result is
  // interleaved into pairs (j, t) as it is written (read over (..., j, t),
  // the copy had interleaved the widened f32 rows and the scales: 1.2x the
  // f32 panels' time at 64 rows). From [n, k], over the panels' (nb, kb,
  // bp, j, t): the blocks are read along (bp, t) and written along (j, t),
  // a transposing copy.
  AffineExpr nb, kb, bp, j, t;
  SmallVector<AffineMap> maps;
  if (inOut) {
    bindDims(ctx, nb, kb, bp, t, j);
    maps = {AffineMap::get(5, 0, {kb, bp, t, nb, j}, ctx),
            AffineMap::get(5, 0, {kb, nb, j}, ctx),
            AffineMap::get(5, 0, {nb, kb, bp, j, t}, ctx)};
  } else {
    bindDims(ctx, nb, kb, bp, j, t);
    maps = {AffineMap::get(5, 0, {nb, j, kb, bp, t}, ctx),
            AffineMap::get(5, 0, {nb, j, kb}, ctx),
            AffineMap::get(5, 0, {nb, kb, bp, j, t}, ctx)};
  }
  Type bf16 = rewriter.getBF16Type(), f32 = rewriter.getF32Type();
  Value empty = tensor::EmptyOp::create(
      rewriter, loc, ArrayRef<int64_t>{panels, blocks, half, cols, 2}, bf16);
  auto copy = linalg::GenericOp::create(
      rewriter, loc, empty.getType(), ValueRange{q, s}, ValueRange{empty}, maps,
      SmallVector<utils::IteratorType>(5, utils::IteratorType::parallel),
      [&](OpBuilder &nested, Location l, ValueRange args) {
        // The dequantisation's q * scale, rounded to bf16.
        Value value = arith::SIToFPOp::create(nested, l, f32, args[0]);
        Value scale = args[1];
        if (!scale.getType().isF32())
          scale = arith::ExtFOp::create(nested, l, f32, scale);
        value = arith::MulFOp::create(nested, l, value, scale);
        linalg::YieldOp::create(
            nested, l,
            arith::TruncFOp::create(nested, l, bf16, value).getResult());
      });
  Value panelsValue = tensor::CollapseShapeOp::create(
      rewriter, loc,
      RankedTensorType::get({panels, blocks * half, cols, 2}, bf16),
      copy.getResult(0),
      SmallVector<ReassociationIndices>{{0}, {1, 2}, {3}, {4}});
  return std::make_pair(copy, panelsValue);
}

FailureOr<std::pair<linalg::GenericOp, Value>>
mlir::kf::dequantizeSlice(RewriterBase &rewriter, Location loc, Value weight) {
  if (!weight.getDefiningOp<tensor::ExtractSliceOp>())
    return failure();
  FailureOr<BlockSlices> slices = sliceBlocks(rewriter, loc, weight);
  if (failed(slices))
    return failure();
  linalg::GenericOp dequantize = slices->dequantize;
  auto qType = cast<RankedTensorType>(slices->q.getType());
  Type f = getElementTypeOrSelf(dequantize.getResult(0).getType());
  Value empty = tensor::EmptyOp::create(rewriter, loc, qType.getShape(), f);
  auto sliced = linalg::GenericOp::create(
      rewriter, loc, empty.getType(), ValueRange{slices->q, slices->scales},
      ValueRange{empty}, dequantize.getIndexingMapsArray(),
      dequantize.getIteratorTypesArray());
  rewriter.cloneRegionBefore(dequantize.getRegion(), sliced.getRegion(),
                             sliced.getRegion().end());
  sliced->setAttr(kDequantizeAttrName, rewriter.getUnitAttr());
  SmallVector<ReassociationIndices> groups =
      slices->inOut ? SmallVector<ReassociationIndices>{{0, 1}, {2}}
                    : SmallVector<ReassociationIndices>{{0}, {1, 2}};
  Value value = tensor::CollapseShapeOp::create(
      rewriter, loc, cast<RankedTensorType>(weight.getType()),
      sliced.getResult(0), groups);
  return std::make_pair(sliced, value);
}
