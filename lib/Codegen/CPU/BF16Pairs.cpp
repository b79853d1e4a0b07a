//===- BF16Pairs.cpp - Products multiplied in bf16 pairs ------------------===//

#include "BF16Pairs.h"
#include "DequantizedPanels.h"

#include "kernelforge/Target/CPUTargetModel.h"
#include "kernelforge/Transforms/Contractions.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/Vector/Transforms/VectorRewritePatterns.h"
#include "mlir/Dialect/X86Vector/X86VectorDialect.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

using namespace mlir;

namespace {

Type elementOf(Value v) { return getElementTypeOrSelf(v.getType()); }

} // namespace

FailureOr<SmallVector<Operation *>>
mlir::kf::packBF16PairPanels(RewriterBase &rewriter, linalg::LinalgOp op,
                             int64_t cols) {
  if (op.getNumLoops() != 3 || op.getNumDpsInputs() != 2 ||
      op.getNumDpsInits() != 1 || !op.hasPureTensorSemantics() ||
      !kf::isTiledContraction(op))
    return failure();
  MLIRContext *ctx = op.getContext();
  AffineExpr m, n, k;
  bindDims(ctx, m, n, k);
  bool inOut = kf::hasIndexingMaps(op, {{m, k}, {k, n}, {m, n}});
  if (!inOut && !kf::hasIndexingMaps(op, {{m, k}, {n, k}, {m, n}}))
    return failure();
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  if (ShapedType::isDynamicShape(ranges))
    return failure();
  int64_t rows = ranges[0], width = ranges[1], depth = ranges[2];
  Value a = op.getDpsInputs()[0], b = op.getDpsInputs()[1],
        c = op.getDpsInits()[0];
  Type weightType = elementOf(b);
  int64_t block = kf::dequantizedBlock(b);
  if (depth % 2 != 0 || cols % 16 != 0 || width % cols != 0 ||
      !elementOf(a).isF32() || !elementOf(c).isF32() ||
      !(weightType.isF32() || weightType.isBF16()) || block % 2 != 0)
    return failure();

  Location loc = op.getLoc();
  Type bf16 = rewriter.getBF16Type(), f32 = rewriter.getF32Type();
  auto parallel = utils::IteratorType::parallel;
  auto reduction = utils::IteratorType::reduction;
  int64_t panels = width / cols, pairs = depth / 2;
  rewriter.setInsertionPoint(op);

  // A dequantised i8 weight's panels come from its blocks and scales
  // (before anything else is made: it may fail).
  linalg::GenericOp copy;
  Value panelValues;
  if (block > 0) {
    auto packed = kf::packDequantizedPairPanels(rewriter, loc, b, inOut, cols);
    if (failed(packed))
      return failure();
    std::tie(copy, panelValues) = *packed;
  }

  // A body that rounds its input to bf16 (a bf16 input passes through).
  auto roundBody = [&](Type from) {
    return [from, bf16](OpBuilder &nested, Location l, ValueRange args) {
      Value value = args[0];
      if (!from.isBF16())
        value = arith::TruncFOp::create(nested, l, bf16, value);
      linalg::YieldOp::create(nested, l, value);
    };
  };

  // The activations, rounded along their rows (vectors along k), then seen
  // as pairs.
  AffineMap identity = AffineMap::getMultiDimIdentityMap(2, ctx);
  Value roundedEmpty = tensor::EmptyOp::create(
      rewriter, loc, ArrayRef<int64_t>{rows, depth}, bf16);
  auto rounding = linalg::GenericOp::create(
      rewriter, loc, roundedEmpty.getType(), ValueRange{a},
      ValueRange{roundedEmpty}, ArrayRef<AffineMap>{identity, identity},
      ArrayRef<utils::IteratorType>{parallel, parallel},
      roundBody(elementOf(a)));
  Value activationPairs = tensor::ExpandShapeOp::create(
      rewriter, loc, RankedTensorType::get({rows, pairs, 2}, bf16),
      rounding.getResult(0), ArrayRef<ReassociationIndices>{{0}, {1, 2}});

  // The panels: B viewed as [kp, t, nb, j] (stored [k, n]) or [nb, j, kp,
  // t] (stored [n, k]), copied to [nb, kp, j, t]. (Over (nb, kp, t, j) from
  // [k, n], rounded before they are interleaved as i8 blocks' pairs are,
  // GPT-2's f32 and bf16 weights were no faster: kernelforge-bench
  // --weights-from-memory, 2026-12-07.)
  if (!copy) {
    Value view = tensor::ExpandShapeOp::create(
        rewriter, loc,
        RankedTensorType::get(inOut ? ArrayRef<int64_t>{pairs, 2, panels, cols}
                                    : ArrayRef<int64_t>{panels, cols, pairs, 2},
                              weightType),
        b, ArrayRef<ReassociationIndices>{{0, 1}, {2, 3}});
    AffineExpr nb, kp, j, t;
    bindDims(ctx, nb, kp, j, t);
    AffineMap source = inOut ? AffineMap::get(4, 0, {kp, t, nb, j}, ctx)
                             : AffineMap::get(4, 0, {nb, j, kp, t}, ctx);
    Value panelsEmpty = tensor::EmptyOp::create(
        rewriter, loc, ArrayRef<int64_t>{panels, pairs, cols, 2}, bf16);
    copy = linalg::GenericOp::create(
        rewriter, loc, panelsEmpty.getType(), ValueRange{view},
        ValueRange{panelsEmpty},
        ArrayRef<AffineMap>{source, AffineMap::get(4, 0, {nb, kp, j, t}, ctx)},
        ArrayRef<utils::IteratorType>{parallel, parallel, parallel, parallel},
        roundBody(weightType));
    panelValues = copy.getResult(0);
  }
  copy->setAttr(kBF16PairCopyAttrName, rewriter.getUnitAttr());
  // From [n, k]: read along the pairs, written along the columns ((kp, j)
  // of (nb, kp, j, t); (bp, j) of i8 blocks' (nb, kb, bp, j, t)).
  if (!inOut)
    copy->setAttr(kf::kTransposingCopyAttrName,
                  rewriter.getDenseI64ArrayAttr(copy.getNumLoops() == 4
                                                    ? ArrayRef<int64_t>{1, 2}
                                                    : ArrayRef<int64_t>{2, 3}));

  // The product over (nb, m, j, kp, t) on the expanded output.
  auto outputType = cast<RankedTensorType>(c.getType());
  SmallVector<ReassociationIndices> columns = {{0}, {1, 2}};
  Value expanded = tensor::ExpandShapeOp::create(
      rewriter, loc, RankedTensorType::get({rows, panels, cols}, f32), c,
      columns);
  AffineExpr q0, q1, q2, q3, q4;
  bindDims(ctx, q0, q1, q2, q3, q4);
  auto product = linalg::GenericOp::create(
      rewriter, loc, expanded.getType(),
      ValueRange{activationPairs, panelValues}, ValueRange{expanded},
      ArrayRef<AffineMap>{AffineMap::get(5, 0, {q1, q3, q4}, ctx),
                          AffineMap::get(5, 0, {q0, q3, q2, q4}, ctx),
                          AffineMap::get(5, 0, {q1, q0, q2}, ctx)},
      ArrayRef<utils::IteratorType>{parallel, parallel, parallel, reduction,
                                    reduction},
      [f32](OpBuilder &nested, Location l, ValueRange args) {
        Value x = arith::ExtFOp::create(nested, l, f32, args[0]);
        Value w = arith::ExtFOp::create(nested, l, f32, args[1]);
        Value term = arith::MulFOp::create(nested, l, x, w);
        linalg::YieldOp::create(
            nested, l,
            arith::AddFOp::create(nested, l, args[2], term).getResult());
      });
  product->setAttr(kBF16PairsAttrName, rewriter.getUnitAttr());
  // A measured schedule (kernelforge-tune --bf16-products) is the pairs'.
  if (Attribute own = op->getAttr(kf::kScheduleAttrName))
    product->setAttr(kf::kScheduleAttrName, own);
  Value result = tensor::CollapseShapeOp::create(rewriter, loc, outputType,
                                                 product.getResult(0), columns);
  rewriter.replaceOp(op, result);
  return SmallVector<Operation *>{rounding, copy, product};
}

namespace {

/// The positions of `map`'s results (all dimensions) whose dimension's
/// extent is not 1, as dimensions.
SmallVector<unsigned> wideDims(AffineMap map, ArrayRef<int64_t> extents) {
  SmallVector<unsigned> dims;
  for (unsigned i = 0, e = map.getNumResults(); i < e; ++i) {
    unsigned dim = map.getDimPosition(i);
    if (extents[dim] != 1)
      dims.push_back(dim);
  }
  return dims;
}

struct BF16PairDot : OpRewritePattern<vector::ContractionOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(vector::ContractionOp op,
                                PatternRewriter &rewriter) const override {
    if (op.getKind() != vector::CombiningKind::ADD)
      return rewriter.notifyMatchFailure(op, "not a sum of products");
    auto lhsWiden = op.getLhs().getDefiningOp<arith::ExtFOp>();
    auto rhsWiden = op.getRhs().getDefiningOp<arith::ExtFOp>();
    auto accType = dyn_cast<VectorType>(op.getAccType());
    if (!lhsWiden || !rhsWiden || !accType ||
        !accType.getElementType().isF32() ||
        !elementOf(lhsWiden.getIn()).isBF16() ||
        !elementOf(rhsWiden.getIn()).isBF16())
      return rewriter.notifyMatchFailure(op, "not bf16 operands widened");
    SmallVector<AffineMap> maps = op.getIndexingMapsArray();
    if (!llvm::all_of(maps, [](AffineMap map) {
          return map.isProjectedPermutation(/*allowZeroInResults=*/false);
        }))
      return rewriter.notifyMatchFailure(op, "maps are not permutations");
    SmallVector<int64_t> extents;
    op.getIterationBounds(extents);
    auto iterators = op.getIteratorTypesArray();
    // The pair: a reduction of 2, innermost in both operands; every other
    // reduction of 1.
    SmallVector<unsigned> lhs = wideDims(maps[0], extents),
                          rhs = wideDims(maps[1], extents),
                          acc = wideDims(maps[2], extents);
    if (lhs.empty() || rhs.size() != 2 || lhs.back() != rhs.back())
      return rewriter.notifyMatchFailure(op, "no pair innermost in both");
    unsigned pair = lhs.back(), column = rhs.front();
    if (extents[pair] != 2 ||
        iterators[pair] != vector::IteratorType::reduction ||
        maps[1].getDimPosition(maps[1].getNumResults() - 1) != pair ||
        maps[0].getDimPosition(maps[0].getNumResults() - 1) != pair)
      return rewriter.notifyMatchFailure(op, "no pair of 2 innermost");
    for (auto [dim, iterator] : llvm::enumerate(iterators))
      if (iterator == vector::IteratorType::reduction && dim != pair &&
          extents[dim] != 1)
        return rewriter.notifyMatchFailure(op, "another reduction");
    // Rows (at most one wide dimension of the left operand besides the
    // pair) and columns (the right operand's), in that order in the
    // accumulator.
    std::optional<unsigned> row;
    if (lhs.size() == 2)
      row = lhs.front();
    else if (lhs.size() != 1)
      return rewriter.notifyMatchFailure(op, "more than rows and the pair");
    SmallVector<unsigned> expected;
    if (row)
      expected.push_back(*row);
    expected.push_back(column);
    int64_t cols = extents[column];
    if (acc != expected || cols % 16 != 0)
      return rewriter.notifyMatchFailure(op, "accumulator is not rows x "
                                             "columns of 16");
    int64_t rows = row ? extents[*row] : 1;

    Location loc = op.getLoc();
    Type bf16 = rewriter.getBF16Type(), f32 = rewriter.getF32Type(),
         i32 = rewriter.getI32Type();
    Value x = vector::ShapeCastOp::create(
        rewriter, loc, VectorType::get({rows, 2}, bf16), lhsWiden.getIn());
    Value y = vector::ShapeCastOp::create(
        rewriter, loc, VectorType::get({2 * cols}, bf16), rhsWiden.getIn());
    Value sums = vector::ShapeCastOp::create(
        rewriter, loc, VectorType::get({rows, cols}, f32), op.getAcc());
    // The columns' pairs, 16 columns per vector.
    SmallVector<Value> columnPairs;
    for (int64_t at = 0; at < cols; at += 16)
      columnPairs.push_back(vector::ExtractStridedSliceOp::create(
          rewriter, loc, y, ArrayRef<int64_t>{2 * at}, ArrayRef<int64_t>{32},
          ArrayRef<int64_t>{1}));
    auto words = VectorType::get({16}, i32);
    auto lanes = VectorType::get({32}, bf16);
    for (int64_t r = 0; r < rows; ++r) {
      // The row's pair as one 32-bit lane, in every lane.
      Value rowPair = vector::ExtractOp::create(rewriter, loc, x, r);
      Value word = vector::BitCastOp::create(
          rewriter, loc, VectorType::get({1}, i32), rowPair);
      Value scalar = vector::ExtractOp::create(rewriter, loc, word, 0);
      Value splat = vector::BroadcastOp::create(rewriter, loc, words, scalar);
      Value rowPairs = vector::BitCastOp::create(rewriter, loc, lanes, splat);
      Value sumRow = vector::ExtractOp::create(rewriter, loc, sums, r);
      for (auto [i, pairs] : llvm::enumerate(columnPairs)) {
        int64_t at = 16 * static_cast<int64_t>(i);
        Value part = vector::ExtractStridedSliceOp::create(
            rewriter, loc, sumRow, ArrayRef<int64_t>{at}, ArrayRef<int64_t>{16},
            ArrayRef<int64_t>{1});
        Value dot =
            x86vector::DotBF16Op::create(rewriter, loc, part, rowPairs, pairs);
        sumRow = vector::InsertStridedSliceOp::create(
            rewriter, loc, dot, sumRow, ArrayRef<int64_t>{at},
            ArrayRef<int64_t>{1});
      }
      sums = vector::InsertOp::create(rewriter, loc, sumRow, sums, r);
    }
    rewriter.replaceOpWithNewOp<vector::ShapeCastOp>(op, accType, sums);
    return success();
  }
};

} // namespace

void mlir::kf::populateBF16PairDotPatterns(RewritePatternSet &patterns) {
  patterns.add<BF16PairDot>(patterns.getContext());
}

void mlir::kf::flattenBF16PairReads(Operation *func) {
  llvm::SetVector<Operation *> reads;
  func->walk([&](x86vector::DotBF16Op dot) {
    auto slice = dot.getB().getDefiningOp<vector::ExtractStridedSliceOp>();
    auto cast = slice ? slice.getSource().getDefiningOp<vector::ShapeCastOp>()
                      : vector::ShapeCastOp();
    if (auto read =
            cast ? cast.getSource().getDefiningOp<vector::TransferReadOp>()
                 : vector::TransferReadOp())
      reads.insert(read);
  });
  if (reads.empty())
    return;
  RewritePatternSet patterns(func->getContext());
  vector::populateFlattenVectorTransferPatterns(patterns);
  // Best effort: a read left n-D is slower, not wrong.
  (void)applyOpPatternsGreedily(reads.takeVector(), std::move(patterns));
}
