//===- MatVec.cpp - Few-row products as vector-lane dot products ----------===//

#include "MatVec.h"

#include "kernelforge/Target/CPUTargetModel.h"
#include "kernelforge/Transforms/Contractions.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;

FailureOr<SmallVector<Operation *>>
kf::splitLaneReduction(RewriterBase &rewriter, linalg::LinalgOp op,
                       int64_t lanes) {
  if (op.getNumLoops() != 3 || op.getNumDpsInputs() != 2 ||
      op.getNumDpsInits() != 1 || !op.hasPureTensorSemantics() || lanes < 2)
    return failure();
  MLIRContext *ctx = op.getContext();
  AffineExpr m, n, k;
  bindDims(ctx, m, n, k);
  if (!hasIndexingMaps(op, {{m, k}, {n, k}, {m, n}}))
    return failure();
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  int64_t rows = ranges[0], cols = ranges[1], depth = ranges[2];
  if (depth % lanes != 0 || depth == lanes)
    return failure();
  int64_t blocks = depth / lanes;
  Location loc = op.getLoc();
  Value a = op.getDpsInputs()[0], b = op.getDpsInputs()[1],
        c = op.getDpsInits()[0];
  Type accType = getElementTypeOrSelf(c.getType());
  rewriter.setInsertionPoint(op);

  // A as [m, ko, j] and B as [n, ko, j]: views, no copies.
  auto view = [&](Value v, int64_t lead) {
    auto type = cast<RankedTensorType>(v.getType());
    return tensor::ExpandShapeOp::create(
        rewriter, loc,
        RankedTensorType::get({lead, blocks, lanes}, type.getElementType()), v,
        ArrayRef<ReassociationIndices>{{0}, {1, 2}});
  };
  Value aView = view(a, rows), bView = view(b, cols);

  // Partial sums over (m, n, j, ko), starting at zero.
  Value zero = arith::ConstantOp::create(rewriter, loc, accType,
                                         rewriter.getZeroAttr(accType));
  Value empty = tensor::EmptyOp::create(
      rewriter, loc, ArrayRef<int64_t>{rows, cols, lanes}, accType);
  Value partialInit =
      linalg::FillOp::create(rewriter, loc, zero, empty).getResult(0);
  AffineExpr d0, d1, d2, d3;
  bindDims(ctx, d0, d1, d2, d3);
  auto parallel = utils::IteratorType::parallel;
  auto reduction = utils::IteratorType::reduction;
  auto partial = linalg::GenericOp::create(
      rewriter, loc, partialInit.getType(), ValueRange{aView, bView},
      ValueRange{partialInit},
      ArrayRef<AffineMap>{AffineMap::get(4, 0, {d0, d3, d2}, ctx),
                          AffineMap::get(4, 0, {d1, d3, d2}, ctx),
                          AffineMap::get(4, 0, {d0, d1, d2}, ctx)},
      ArrayRef<utils::IteratorType>{parallel, parallel, parallel, reduction});
  // The same multiply-add body.
  rewriter.inlineRegionBefore(op->getRegion(0), partial.getRegion(),
                              partial.getRegion().begin());
  if (Attribute schedule = op->getAttr(kScheduleAttrName))
    partial->setAttr(kScheduleAttrName, schedule);

  // C[m, n] += sum_j P[m, n, j].
  auto lanesSum = linalg::GenericOp::create(
      rewriter, loc, c.getType(), ValueRange{partial.getResult(0)},
      ValueRange{c},
      ArrayRef<AffineMap>{AffineMap::get(3, 0, {m, n, k}, ctx),
                          AffineMap::get(3, 0, {m, n}, ctx)},
      ArrayRef<utils::IteratorType>{parallel, parallel, reduction},
      [](OpBuilder &b, Location l, ValueRange args) {
        linalg::YieldOp::create(
            b, l, arith::AddFOp::create(b, l, args[1], args[0]).getResult());
      });
  rewriter.replaceOp(op, lanesSum.getResult(0));
  return SmallVector<Operation *>{partial, lanesSum};
}

FailureOr<SmallVector<Operation *>>
kf::splitReductionAcrossThreads(RewriterBase &rewriter, linalg::LinalgOp op,
                                int64_t parts, int64_t minDepth) {
  if (op.getNumLoops() != 3 || op.getNumDpsInputs() != 2 ||
      op.getNumDpsInits() != 1 || !op.hasPureTensorSemantics() || parts < 2)
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
  Value a = op.getDpsInputs()[0], b = op.getDpsInputs()[1],
        c = op.getDpsInits()[0];
  Type accType = getElementTypeOrSelf(c.getType());
  rewriter.setInsertionPoint(op);

  // A as [m, s, k'] and B as [s, k', n]: views, no copies. Part s reads
  // rows [s * k', (s + 1) * k') of B, one contiguous block.
  auto aType = cast<RankedTensorType>(a.getType());
  auto bType = cast<RankedTensorType>(b.getType());
  Value aView = tensor::ExpandShapeOp::create(
      rewriter, loc,
      RankedTensorType::get({rows, parts, share}, aType.getElementType()), a,
      ArrayRef<ReassociationIndices>{{0}, {1, 2}});
  Value bView = tensor::ExpandShapeOp::create(
      rewriter, loc,
      RankedTensorType::get({parts, share, cols}, bType.getElementType()), b,
      ArrayRef<ReassociationIndices>{{0, 1}, {2}});

  // P[s, m, n] = sum_k' A[m, s, k'] B[s, k', n], from zero.
  Value zero = arith::ConstantOp::create(rewriter, loc, accType,
                                         rewriter.getZeroAttr(accType));
  Value empty = tensor::EmptyOp::create(
      rewriter, loc, ArrayRef<int64_t>{parts, rows, cols}, accType);
  Value partialInit =
      linalg::FillOp::create(rewriter, loc, zero, empty).getResult(0);
  AffineExpr d0, d1, d2, d3;
  bindDims(ctx, d0, d1, d2, d3);
  auto parallel = utils::IteratorType::parallel;
  auto reduction = utils::IteratorType::reduction;
  auto partial = linalg::GenericOp::create(
      rewriter, loc, partialInit.getType(), ValueRange{aView, bView},
      ValueRange{partialInit},
      ArrayRef<AffineMap>{AffineMap::get(4, 0, {d1, d0, d3}, ctx),
                          AffineMap::get(4, 0, {d0, d3, d2}, ctx),
                          AffineMap::get(4, 0, {d0, d1, d2}, ctx)},
      ArrayRef<utils::IteratorType>{parallel, parallel, parallel, reduction});
  rewriter.inlineRegionBefore(op->getRegion(0), partial.getRegion(),
                              partial.getRegion().begin());
  partial->setAttr(kSplitReductionAttrName, rewriter.getI64IntegerAttr(parts));

  // C[m, n] += sum_s P[s, m, n], vectorised along n.
  auto combine = linalg::GenericOp::create(
      rewriter, loc, c.getType(), ValueRange{partial.getResult(0)},
      ValueRange{c},
      ArrayRef<AffineMap>{AffineMap::get(3, 0, {m, n, k}, ctx),
                          AffineMap::get(3, 0, {n, k}, ctx)},
      ArrayRef<utils::IteratorType>{reduction, parallel, parallel},
      [](OpBuilder &b, Location l, ValueRange args) {
        linalg::YieldOp::create(
            b, l, arith::AddFOp::create(b, l, args[1], args[0]).getResult());
      });
  rewriter.replaceOp(op, combine.getResult(0));
  return SmallVector<Operation *>{partial, combine};
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
    // vector per row) or lacks it (a scalar per row, broadcast).
    for (ArrayRef<unsigned> dims : {ArrayRef(lhsDims), ArrayRef(rhsDims)})
      if (llvm::is_contained(dims, inner) && dims.back() != inner)
        return failure();

    // One multiply-add per vector of the accumulator, reading operand rows
    // by leading-dimension extracts only.
    Location loc = op.getLoc();
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
      Value a = operandRow(op.getLhs(), lhsDims);
      Value b = operandRow(op.getRhs(), rhsDims);
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
