//===- MatVec.cpp - Few-row products as vector-lane dot products ----------===//

#include "MatVec.h"

#include "kernelforge/Target/CPUTargetModel.h"
#include "kernelforge/Transforms/Contractions.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;

namespace {

/// A product of two inputs into one output, on tensors, over 3 loops.
bool isThreeLoopProduct(linalg::LinalgOp op) {
  return op.getNumLoops() == 3 && op.getNumDpsInputs() == 2 &&
         op.getNumDpsInits() == 1 && op.hasPureTensorSemantics();
}

/// `v` with its dimensions split as `groups` say, into `shape`: a view.
Value expandedView(RewriterBase &rewriter, Location loc, Value v,
                   ArrayRef<int64_t> shape,
                   ArrayRef<ReassociationIndices> groups) {
  auto type = cast<RankedTensorType>(v.getType());
  return tensor::ExpandShapeOp::create(
      rewriter, loc, RankedTensorType::get(shape, type.getElementType()), v,
      groups);
}

/// `op`'s body over `inputs` (views of its own) into a zero-filled tensor
/// of `shape` (the op's accumulator type), with `maps` over loops whose
/// iterators are `iterators` (default: four, the last a reduction). The op's
/// region moves into it, so the op must be replaced next.
linalg::GenericOp
partialProduct(RewriterBase &rewriter, linalg::LinalgOp op, ValueRange inputs,
               ArrayRef<int64_t> shape, ArrayRef<AffineMap> maps,
               ArrayRef<utils::IteratorType> iterators = {
                   utils::IteratorType::parallel, utils::IteratorType::parallel,
                   utils::IteratorType::parallel,
                   utils::IteratorType::reduction}) {
  Location loc = op.getLoc();
  Type accType = getElementTypeOrSelf(op.getDpsInits()[0].getType());
  Value zero = arith::ConstantOp::create(rewriter, loc, accType,
                                         rewriter.getZeroAttr(accType));
  Value empty = tensor::EmptyOp::create(rewriter, loc, shape, accType);
  Value init = linalg::FillOp::create(rewriter, loc, zero, empty).getResult(0);
  auto partial = linalg::GenericOp::create(rewriter, loc, init.getType(),
                                           inputs, ValueRange{init}, maps,
                                           iterators);
  rewriter.inlineRegionBefore(op->getRegion(0), partial.getRegion(),
                              partial.getRegion().begin());
  return partial;
}

/// C += the partial sums `partial` reduced as `maps` and `iterators` say;
/// replaces `op` by it.
linalg::GenericOp addPartials(RewriterBase &rewriter, linalg::LinalgOp op,
                              Value partial, ArrayRef<AffineMap> maps,
                              ArrayRef<utils::IteratorType> iterators) {
  Value c = op.getDpsInits()[0];
  auto sum = linalg::GenericOp::create(
      rewriter, op.getLoc(), c.getType(), ValueRange{partial}, ValueRange{c},
      maps, iterators, [](OpBuilder &b, Location l, ValueRange args) {
        linalg::YieldOp::create(
            b, l, arith::AddFOp::create(b, l, args[1], args[0]).getResult());
      });
  rewriter.replaceOp(op, sum.getResult(0));
  return sum;
}

} // namespace

FailureOr<SmallVector<Operation *>>
kf::splitLaneReduction(RewriterBase &rewriter, linalg::LinalgOp op,
                       int64_t lanes) {
  if (op.getNumLoops() < 3 || op.getNumDpsInputs() != 2 ||
      op.getNumDpsInits() != 1 || !op.hasPureTensorSemantics() || lanes < 2)
    return failure();
  MLIRContext *ctx = op.getContext();
  // Loops (batch..., m, n, k).
  unsigned batch = op.getNumLoops() - 3;
  auto dims = [&](unsigned count, ArrayRef<unsigned> last) {
    SmallVector<AffineExpr> exprs;
    for (unsigned d = 0; d < batch; ++d)
      exprs.push_back(getAffineDimExpr(d, ctx));
    for (unsigned d : last)
      exprs.push_back(getAffineDimExpr(batch + d, ctx));
    return AffineMap::get(count, 0, exprs, ctx);
  };
  unsigned loops = batch + 3;
  if (op.getIndexingMapsArray() !=
      SmallVector<AffineMap>{dims(loops, {0, 2}), dims(loops, {1, 2}),
                             dims(loops, {0, 1})})
    return failure();
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  int64_t rows = ranges[batch], cols = ranges[batch + 1],
          depth = ranges[batch + 2];
  if (ShapedType::isDynamicShape(ranges) || depth % lanes != 0 ||
      depth == lanes)
    return failure();
  int64_t blocks = depth / lanes;
  Location loc = op.getLoc();
  rewriter.setInsertionPoint(op);

  // A as [batch..., m, ko, j] and B as [batch..., n, ko, j]: views, no
  // copies.
  SmallVector<int64_t> lead(ranges.begin(), ranges.begin() + batch);
  SmallVector<ReassociationIndices> groups;
  for (unsigned d = 0; d <= batch; ++d)
    groups.push_back({d});
  groups.push_back({batch + 1, batch + 2});
  auto view = [&](Value v, int64_t outer) {
    SmallVector<int64_t> shape(lead);
    shape.append({outer, blocks, lanes});
    return expandedView(rewriter, loc, v, shape, groups);
  };
  Value aView = view(op.getDpsInputs()[0], rows),
        bView = view(op.getDpsInputs()[1], cols);

  // P[..., m, n, j] over (batch..., m, n, j, ko), then
  // C[..., m, n] += sum_j P[..., m, n, j].
  unsigned partLoops = batch + 4;
  SmallVector<int64_t> partShape(lead);
  partShape.append({rows, cols, lanes});
  Attribute schedule = op->getAttr(kScheduleAttrName);
  auto parallel = utils::IteratorType::parallel;
  SmallVector<utils::IteratorType> partIterators(partLoops - 1, parallel);
  partIterators.push_back(utils::IteratorType::reduction);
  linalg::GenericOp partial = partialProduct(
      rewriter, op, {aView, bView}, partShape,
      {dims(partLoops, {0, 3, 2}), dims(partLoops, {1, 3, 2}),
       dims(partLoops, {0, 1, 2})},
      partIterators);
  if (schedule)
    partial->setAttr(kScheduleAttrName, schedule);
  SmallVector<utils::IteratorType> sumIterators(loops - 1, parallel);
  sumIterators.push_back(utils::IteratorType::reduction);
  linalg::GenericOp sum = addPartials(
      rewriter, op, partial.getResult(0),
      {dims(loops, {0, 1, 2}), dims(loops, {0, 1})}, sumIterators);
  return SmallVector<Operation *>{partial, sum};
}

linalg::LinalgOp kf::laneSumProducer(linalg::LinalgOp sum) {
  if (sum.getNumLoops() != 3 || sum.getNumDpsInputs() != 1 ||
      sum.getNumDpsInits() != 1 || !sum.hasPureTensorSemantics() ||
      sum->getParentOfType<scf::ForallOp>())
    return nullptr;
  MLIRContext *ctx = sum.getContext();
  AffineExpr m, n, j;
  bindDims(ctx, m, n, j);
  if (!hasIndexingMaps(sum, {{m, n, j}, {m, n}}) ||
      sum.getIteratorTypesArray()[2] != utils::IteratorType::reduction)
    return nullptr;
  // The body adds the lane to the sum.
  Block *body = sum.getBlock();
  auto add = dyn_cast<arith::AddFOp>(body->getTerminator()->getOperand(0)
                                         .getDefiningOp());
  if (!add || body->getOperations().size() != 2 ||
      !llvm::is_contained(add->getOperands(), body->getArgument(0)) ||
      !llvm::is_contained(add->getOperands(), body->getArgument(1)))
    return nullptr;
  auto partial =
      sum.getDpsInputs()[0].getDefiningOp<linalg::LinalgOp>();
  if (!partial || partial->getNumResults() != 1 ||
      !partial->getResult(0).hasOneUse() || partial.getNumDpsInits() != 1)
    return nullptr;
  // Its fill may be shared (CSE merges the equal fills of products of one
  // shape, such as a LLaMA block's q, k, v and o projections): the fusion
  // gives the product a fill of its own.
  if (!partial.getDpsInits()[0].getDefiningOp<linalg::FillOp>())
    return nullptr;
  return partial;
}

/// A lane sum's tile size along its rows: all of them (0, untiled), or
/// the one row as a loop of one step, as a row's sums have always been.
static int64_t rowsTile(linalg::LinalgOp sum) {
  return sum.getStaticLoopRanges()[0] == 1 ? 1 : 0;
}

/// Tiles the lane sum `sum` by `sizes` into loops of `loopType`, fusing
/// into them the producers among `fusible` (null entries ignored), and
/// replaces it: the tiling result, or failure with `sum` left alone.
static FailureOr<scf::SCFTileAndFuseResult>
tileSumFusing(RewriterBase &rewriter, linalg::LinalgOp sum,
              ArrayRef<int64_t> sizes, scf::SCFTilingOptions::LoopType loopType,
              ArrayRef<Operation *> fusible) {
  scf::SCFTilingOptions tiling;
  tiling.setTileSizes(getAsIndexOpFoldResult(sum.getContext(), sizes));
  tiling.setLoopType(loopType);
  scf::SCFTileAndFuseOptions options;
  options.setTilingOptions(tiling);
  using Control = scf::SCFTileAndFuseOptions::ControlFnResult;
  options.setFusionControlFn([&](tensor::ExtractSliceOp, OpResult producer,
                                 bool) -> std::optional<Control> {
    if (llvm::is_contained(fusible, producer.getOwner()))
      return Control{};
    return std::nullopt;
  });
  rewriter.setInsertionPoint(sum);
  FailureOr<scf::SCFTileAndFuseResult> fused =
      scf::tileConsumerAndFuseProducersUsingSCF(
          rewriter, cast<TilingInterface>(sum.getOperation()), options);
  if (failed(fused) || fused->loops.empty())
    return failure();
  for (OpResult result : sum->getResults())
    rewriter.replaceAllUsesWith(result, fused->replacements.lookup(result));
  rewriter.eraseOp(sum);
  return fused;
}

/// `op` over iterations [first, first + size) of its first loop and all of
/// the others, made where `rewriter` points (its operands sliced).
static FailureOr<linalg::LinalgOp> rowsOfOp(RewriterBase &rewriter,
                                            linalg::LinalgOp op, int64_t first,
                                            int64_t size) {
  SmallVector<OpFoldResult> offsets(op.getNumLoops(), rewriter.getIndexAttr(0));
  SmallVector<OpFoldResult> sizes;
  for (int64_t range : op.getStaticLoopRanges())
    sizes.push_back(rewriter.getIndexAttr(range));
  offsets[0] = rewriter.getIndexAttr(first);
  sizes[0] = rewriter.getIndexAttr(size);
  FailureOr<TilingResult> tiled =
      cast<TilingInterface>(op.getOperation())
          .getTiledImplementation(rewriter, offsets, sizes);
  if (failed(tiled) || tiled->tiledOps.size() != 1)
    return failure();
  return cast<linalg::LinalgOp>(tiled->tiledOps.front());
}

/// Erases the op defining `v` where nothing reads it any more.
static void eraseIfUnused(RewriterBase &rewriter, Value v) {
  if (Operation *def = v.getDefiningOp(); def && def->use_empty())
    rewriter.eraseOp(def);
}

FailureOr<SmallVector<linalg::LinalgOp>>
kf::splitLaneSumRows(RewriterBase &rewriter, linalg::LinalgOp sum,
                     int64_t groupRows) {
  linalg::LinalgOp partial = laneSumProducer(sum);
  if (!partial || groupRows < 1)
    return failure();
  SmallVector<int64_t> ranges = sum.getStaticLoopRanges();
  int64_t rows = ranges[0];
  if (rows <= groupRows)
    return SmallVector<linalg::LinalgOp>{sum};
  // The product's iteration space starts with the sum's (m, n, j).
  SmallVector<int64_t> partialRanges = partial.getStaticLoopRanges();
  if (ShapedType::isDynamicShape(ranges) ||
      ShapedType::isDynamicShape(partialRanges) || partialRanges.size() < 3 ||
      !llvm::equal(ArrayRef<int64_t>(partialRanges).take_front(3), ranges))
    return failure();
  auto fill = partial.getDpsInits()[0].getDefiningOp<linalg::FillOp>();
  Location loc = sum.getLoc();
  rewriter.setInsertionPoint(sum);
  // A zero (or other constant) init is filled group by group, into the
  // groups' rows of what it filled, for each group's fill to go into its
  // thread tiles with it.
  Value result = sum.getDpsInits()[0];
  auto initFill = result.getDefiningOp<linalg::FillOp>();
  if (initFill)
    result = initFill.getOutputs()[0];
  auto index = [&](int64_t v) -> OpFoldResult {
    return rewriter.getIndexAttr(v);
  };
  SmallVector<linalg::LinalgOp> groups;
  for (int64_t first = 0; first < rows; first += groupRows) {
    int64_t size = std::min(groupRows, rows - first);
    // The product over these rows, into a fill of its own.
    FailureOr<linalg::LinalgOp> part = rowsOfOp(rewriter, partial, first, size);
    if (failed(part))
      return failure();
    linalg::LinalgOp tiledPartial = *part;
    auto partType =
        cast<RankedTensorType>(tiledPartial->getResult(0).getType());
    rewriter.setInsertionPoint(tiledPartial);
    Value empty = tensor::EmptyOp::create(rewriter, loc, partType.getShape(),
                                          partType.getElementType());
    Value zeros =
        linalg::FillOp::create(rewriter, loc, fill.getInputs()[0], empty)
            .getResult(0);
    Value slicedInit = tiledPartial.getDpsInits()[0];
    rewriter.modifyOpInPlace(
        tiledPartial, [&] { tiledPartial.getDpsInitOperand(0)->set(zeros); });
    eraseIfUnused(rewriter, slicedInit);
    rewriter.setInsertionPoint(sum);
    // Its lane sum, into its rows of the init.
    SmallVector<OpFoldResult> rowsAt = {index(first), index(0)};
    SmallVector<OpFoldResult> rowsSize = {index(size), index(ranges[1])};
    SmallVector<OpFoldResult> unit = {index(1), index(1)};
    Value rowsSoFar = tensor::ExtractSliceOp::create(rewriter, loc, result,
                                                     rowsAt, rowsSize, unit);
    if (initFill)
      rowsSoFar = linalg::FillOp::create(rewriter, loc, initFill.getInputs()[0],
                                         rowsSoFar)
                      .getResult(0);
    FailureOr<linalg::LinalgOp> groupSum = rowsOfOp(rewriter, sum, first, size);
    if (failed(groupSum))
      return failure();
    linalg::LinalgOp tiledSum = *groupSum;
    // Its init is its rows of the results so far (the groups before it
    // inserted): each group reads and writes its rows of one buffer.
    Value slicedPartial = tiledSum.getDpsInputs()[0];
    Value slicedAcc = tiledSum.getDpsInits()[0];
    rewriter.modifyOpInPlace(tiledSum, [&] {
      tiledSum.getDpsInputOperand(0)->set(tiledPartial->getResult(0));
      tiledSum.getDpsInitOperand(0)->set(rowsSoFar);
    });
    eraseIfUnused(rewriter, slicedPartial);
    eraseIfUnused(rewriter, slicedAcc);
    groups.push_back(tiledSum);
    result = tensor::InsertSliceOp::create(
        rewriter, loc, tiledSum->getResult(0), result, rowsAt, rowsSize, unit);
  }
  rewriter.replaceOp(sum, result);
  // The slices of the whole product that the sums' tiling read.
  if (partial->use_empty())
    rewriter.eraseOp(partial);
  if (fill && fill->use_empty())
    rewriter.eraseOp(fill);
  if (initFill && initFill->use_empty())
    rewriter.eraseOp(initFill);
  return groups;
}

FailureOr<SmallVector<Operation *>>
kf::fuseLaneSumIntoThreadTiles(RewriterBase &rewriter, linalg::LinalgOp sum,
                               int64_t rowTile) {
  linalg::LinalgOp partial = laneSumProducer(sum);
  if (!partial || rowTile < 1 ||
      sum.getStaticLoopRanges()[1] % rowTile != 0)
    return failure();
  OpOperand *init = partial.getDpsInitOperand(0);
  Operation *fill = init->get().getDefiningOp();
  if (!fill->getResult(0).hasOneUse()) {
    rewriter.setInsertionPoint(partial);
    fill = rewriter.clone(*fill);
    rewriter.modifyOpInPlace(partial,
                             [&] { init->set(fill->getResult(0)); });
  }
  Operation *initFill = sum.getDpsInits()[0].getDefiningOp<linalg::FillOp>();
  FailureOr<scf::SCFTileAndFuseResult> fused =
      tileSumFusing(rewriter, sum, {rowsTile(sum), rowTile, 0},
                    scf::SCFTilingOptions::LoopType::ForallOp,
                    {partial.getOperation(), fill, initFill});
  if (failed(fused))
    return failure();
  Operation *loop = fused->loops.front();
  loop->setAttr("kf.parallel", rewriter.getStringAttr("features"));

  // Each block's partial sums in a temporary of its own: a slice of an
  // empty tensor is an empty tensor of the slice's shape.
  loop->walk([&](tensor::ExtractSliceOp slice) {
    if (!slice.getSource().getDefiningOp<tensor::EmptyOp>() ||
        !slice.getType().hasStaticShape())
      return;
    rewriter.setInsertionPoint(slice);
    rewriter.replaceOpWithNewOp<tensor::EmptyOp>(
        slice, slice.getType().getShape(), slice.getType().getElementType());
  });
  SmallVector<Operation *> tiled(fused->tiledAndFusedOps.begin(),
                                 fused->tiledAndFusedOps.end());
  // Not fused (it has other uses now): still to be tiled on its own.
  for (Operation *op : {partial.getOperation(), fill}) {
    if (op->use_empty())
      rewriter.eraseOp(op);
    else
      tiled.push_back(op);
  }
  return tiled;
}

LogicalResult kf::sumLaneRowsOneByOne(RewriterBase &rewriter,
                                      scf::ForallOp block,
                                      SmallVectorImpl<Operation *> &ops) {
  auto yields = block.getTerminator().getYieldingOps();
  if (!llvm::hasSingleElement(yields))
    return failure();
  auto insert = dyn_cast<tensor::ParallelInsertSliceOp>(*yields.begin());
  auto sum =
      insert ? insert.getSource().getDefiningOp<linalg::LinalgOp>() : nullptr;
  if (!sum || sum.getNumLoops() != 3 || sum.getNumDpsInputs() != 1)
    return failure();
  auto partial = sum.getDpsInputs()[0].getDefiningOp<linalg::LinalgOp>();
  if (!partial || !partial->hasOneUse() || partial.getNumDpsInits() != 1)
    return failure();
  Operation *fill = partial.getDpsInits()[0].getDefiningOp<linalg::FillOp>();
  Operation *sumOp = sum.getOperation();
  FailureOr<scf::SCFTileAndFuseResult> fused = tileSumFusing(
      rewriter, sum, {rowsTile(sum), 1, 0},
      scf::SCFTilingOptions::LoopType::ForOp, {partial.getOperation(), fill});
  if (failed(fused))
    return failure();
  llvm::erase_if(ops, [&](Operation *op) {
    return op == sumOp || op == partial.getOperation() || op == fill;
  });
  ops.append(fused->tiledAndFusedOps.begin(), fused->tiledAndFusedOps.end());
  for (Operation *op : {partial.getOperation(), fill}) {
    if (!op)
      continue;
    if (op->use_empty())
      rewriter.eraseOp(op);
    else
      ops.push_back(op);
  }
  return success();
}

FailureOr<SmallVector<Operation *>>
kf::splitReductionAcrossThreads(RewriterBase &rewriter, linalg::LinalgOp op,
                                int64_t parts, int64_t minDepth) {
  if (!isThreeLoopProduct(op) || parts < 2)
    return failure();
  MLIRContext *ctx = op.getContext();
  AffineExpr m, n, k;
  bindDims(ctx, m, n, k);
  if (!hasIndexingMaps(op, {{m, k}, {k, n}, {m, n}}))
    return failure();
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  int64_t rows = ranges[0], cols = ranges[1], depth = ranges[2];
  if (rows != 1 || depth % parts != 0 || depth / parts < minDepth)
    return failure();
  int64_t share = depth / parts;
  Location loc = op.getLoc();
  rewriter.setInsertionPoint(op);

  // A as [m, s, k'] and B as [s, k', n]: views, no copies. Part s reads
  // rows [s * k', (s + 1) * k') of B, one contiguous block.
  Value aView = expandedView(rewriter, loc, op.getDpsInputs()[0],
                             {rows, parts, share}, {{0}, {1, 2}});
  Value bView = expandedView(rewriter, loc, op.getDpsInputs()[1],
                             {parts, share, cols}, {{0, 1}, {2}});

  // P[s, m, n] over (s, m, n, k'), then C[m, n] += sum_s P[s, m, n],
  // vectorised along n.
  AffineExpr d0, d1, d2, d3;
  bindDims(ctx, d0, d1, d2, d3);
  linalg::GenericOp partial = partialProduct(
      rewriter, op, {aView, bView}, {parts, rows, cols},
      {AffineMap::get(4, 0, {d1, d0, d3}, ctx),
       AffineMap::get(4, 0, {d0, d3, d2}, ctx),
       AffineMap::get(4, 0, {d0, d1, d2}, ctx)});
  partial->setAttr(kSplitReductionAttrName, rewriter.getI64IntegerAttr(parts));
  auto parallel = utils::IteratorType::parallel;
  linalg::GenericOp sum = addPartials(
      rewriter, op, partial.getResult(0),
      {AffineMap::get(3, 0, {m, n, k}, ctx), AffineMap::get(3, 0, {n, k}, ctx)},
      {utils::IteratorType::reduction, parallel, parallel});
  return SmallVector<Operation *>{partial, sum};
}

FailureOr<SmallVector<Operation *>>
kf::splitQuantizedReductionAcrossThreads(RewriterBase &rewriter,
                                         linalg::LinalgOp op, int64_t parts) {
  if (op.getNumLoops() != 4 || op.getNumDpsInputs() != 3 ||
      op.getNumDpsInits() != 1 || !op.hasPureTensorSemantics() ||
      !op->hasAttr(kQuantizedContractionAttrName) || parts < 2)
    return failure();
  MLIRContext *ctx = op.getContext();
  AffineExpr m, n, kb, j;
  bindDims(ctx, m, n, kb, j);
  if (!hasIndexingMaps(op, {{m, kb, j}, {kb, j, n}, {kb, n}, {m, n}}))
    return failure();
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  int64_t rows = ranges[0], cols = ranges[1], blocks = ranges[2],
          block = ranges[3];
  if (blocks % parts != 0)
    return failure();
  int64_t share = blocks / parts;
  Location loc = op.getLoc();
  rewriter.setInsertionPoint(op);
  SmallVector<Value> inputs = llvm::to_vector(op.getDpsInputs());
  Value x = expandedView(rewriter, loc, inputs[0], {rows, parts, share, block},
                         {{0}, {1, 2}, {3}});
  Value q = expandedView(rewriter, loc, inputs[1], {parts, share, block, cols},
                         {{0, 1}, {2}, {3}});
  Value scales = expandedView(rewriter, loc, inputs[2], {parts, share, cols},
                              {{0, 1}, {2}});

  // P[s, m, n] over (s, m, n, kb', j), then C[m, n] += sum_s P[s, m, n].
  AffineExpr d0, d1, d2, d3, d4;
  bindDims(ctx, d0, d1, d2, d3, d4);
  auto parallel = utils::IteratorType::parallel;
  auto reduction = utils::IteratorType::reduction;
  linalg::GenericOp partial = partialProduct(
      rewriter, op, {x, q, scales}, {parts, rows, cols},
      {AffineMap::get(5, 0, {d1, d0, d3, d4}, ctx),
       AffineMap::get(5, 0, {d0, d3, d4, d2}, ctx),
       AffineMap::get(5, 0, {d0, d3, d2}, ctx),
       AffineMap::get(5, 0, {d0, d1, d2}, ctx)},
      {parallel, parallel, parallel, reduction, reduction});
  partial->setAttr(kQuantizedContractionAttrName, rewriter.getUnitAttr());
  partial->setAttr(kSplitReductionAttrName, rewriter.getI64IntegerAttr(parts));
  AffineExpr e0, e1, e2;
  bindDims(ctx, e0, e1, e2);
  linalg::GenericOp sum = addPartials(
      rewriter, op, partial.getResult(0),
      {AffineMap::get(3, 0, {e0, e1, e2}, ctx),
       AffineMap::get(3, 0, {e1, e2}, ctx)},
      {reduction, parallel, parallel});
  return SmallVector<Operation *>{partial, sum};
}

namespace {

struct UnitReductionContractToFMA : OpRewritePattern<vector::ContractionOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(vector::ContractionOp op,
                                PatternRewriter &rewriter) const override {
    auto accType = dyn_cast<VectorType>(op.getAccType());
    if (op.getKind() != vector::CombiningKind::ADD || !accType ||
        !isa<FloatType>(accType.getElementType()))
      return failure();
    SmallVector<int64_t> bounds;
    op.getIterationBounds(bounds);
    auto iterators = op.getIteratorTypesArray();
    SmallVector<AffineMap> maps = op.getIndexingMapsArray();
    auto dimsOf = [](AffineMap map) {
      SmallVector<unsigned> dims;
      for (AffineExpr e : map.getResults())
        dims.push_back(cast<AffineDimExpr>(e).getPosition());
      return dims;
    };
    for (AffineMap map : maps)
      if (!map.isProjectedPermutation())
        return failure();
    SmallVector<unsigned> lhsDims = dimsOf(maps[0]), rhsDims = dimsOf(maps[1]),
                          accDims = dimsOf(maps[2]);
    // Only reductions of size 1, and at least one batch dimension (in all
    // three operands): the lane-split products. Matrix-product register
    // tiles keep the outer-product lowering.
    bool batch = false;
    for (auto [d, iterator] : llvm::enumerate(iterators)) {
      if (iterator == vector::IteratorType::reduction && bounds[d] != 1)
        return failure();
      batch |= llvm::is_contained(lhsDims, d) &&
               llvm::is_contained(rhsDims, d) && llvm::is_contained(accDims, d);
    }
    if (!batch || accDims.empty())
      return failure();

    unsigned inner = accDims.back();
    int64_t width = bounds[inner];
    // Each operand either ends in the accumulator's innermost dimension (a
    // vector per row) or lacks it (a scalar per row, broadcast). Unit
    // dimensions after it (an i8 block's reduction of one, as in
    // vector<1x1x32x1xf32>) are dropped by a shape cast.
    auto trailingUnits = [&](ArrayRef<unsigned> dims) {
      size_t count = 0;
      if (!llvm::is_contained(dims, inner))
        return count;
      while (dims[dims.size() - 1 - count] != inner &&
             bounds[dims[dims.size() - 1 - count]] == 1)
        ++count;
      return count;
    };
    size_t lhsUnits = trailingUnits(lhsDims), rhsUnits = trailingUnits(rhsDims);
    for (auto [dims, units] : {std::pair{ArrayRef(lhsDims), lhsUnits},
                               std::pair{ArrayRef(rhsDims), rhsUnits}})
      if (llvm::is_contained(dims, inner) &&
          dims[dims.size() - 1 - units] != inner)
        return failure();

    Location loc = op.getLoc();
    auto dropTrailingUnits = [&](Value v, SmallVector<unsigned> &dims,
                                 size_t count) -> Value {
      if (count == 0)
        return v;
      dims.resize(dims.size() - count);
      auto type = cast<VectorType>(v.getType());
      return vector::ShapeCastOp::create(
          rewriter, loc,
          VectorType::get(type.getShape().drop_back(count),
                          type.getElementType()),
          v);
    };
    Value lhs = dropTrailingUnits(op.getLhs(), lhsDims, lhsUnits);
    Value rhs = dropTrailingUnits(op.getRhs(), rhsDims, rhsUnits);

    // One multiply-add per vector of the accumulator, reading operand rows
    // by leading-dimension extracts only.
    Type element = accType.getElementType();
    auto rowType = VectorType::get({width}, element);
    ArrayRef<int64_t> accShape = accType.getShape();
    int64_t rows = accType.getNumElements() / width;
    Value result = op.getAcc();
    SmallVector<int64_t> index(bounds.size(), 0);
    for (int64_t row = 0; row < rows; ++row) {
      // The iteration point of this row (reduction dimensions at 0).
      SmallVector<int64_t> accPos(accDims.size() - 1);
      for (int64_t rest = row, i = accDims.size() - 2; i >= 0; --i) {
        accPos[i] = rest % accShape[i];
        rest /= accShape[i];
      }
      std::fill(index.begin(), index.end(), 0);
      for (size_t i = 0; i + 1 < accDims.size(); ++i)
        index[accDims[i]] = accPos[i];
      auto operandRow = [&](Value v, ArrayRef<unsigned> dims) -> Value {
        SmallVector<int64_t> pos;
        bool vectorRow = !dims.empty() && dims.back() == inner;
        for (size_t i = 0; i + (vectorRow ? 1 : 0) < dims.size(); ++i)
          pos.push_back(index[dims[i]]);
        Value x = vector::ExtractOp::create(rewriter, loc, v, pos);
        Type from = getElementTypeOrSelf(x.getType());
        if (!vectorRow)
          x = vector::BroadcastOp::create(
              rewriter, loc, VectorType::get({width}, from), x);
        if (from != element)
          x = arith::ExtFOp::create(rewriter, loc, rowType, x);
        return x;
      };
      Value a = operandRow(lhs, lhsDims);
      Value b = operandRow(rhs, rhsDims);
      Value c = vector::ExtractOp::create(rewriter, loc, result, accPos);
      Value sum = vector::FMAOp::create(rewriter, loc, a, b, c);
      result = vector::InsertOp::create(rewriter, loc, sum, result, accPos);
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void kf::populateUnitReductionContractToFMAPatterns(
    RewritePatternSet &patterns) {
  patterns.add<UnitReductionContractToFMA>(patterns.getContext());
}
