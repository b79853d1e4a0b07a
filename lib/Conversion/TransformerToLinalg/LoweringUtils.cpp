//===- LoweringUtils.cpp - Shared helpers of the kf -> linalg patterns -----===//

#include "LoweringUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <limits>

namespace mlir::kf::lowering {

FloatType computeType(Type elementType) {
  auto floatType = dyn_cast<FloatType>(elementType);
  if (!floatType || floatType.getWidth() < 32)
    return Float32Type::get(elementType.getContext());
  return floatType;
}

Value toCompute(OpBuilder &b, Location loc, Value v) {
  Type target = computeType(v.getType());
  if (target == v.getType())
    return v;
  if (v.getType().isInteger())
    return arith::SIToFPOp::create(b, loc, target, v);
  return arith::ExtFOp::create(b, loc, target, v);
}

Value fromCompute(OpBuilder &b, Location loc, Value v, Type elementType) {
  if (v.getType() == elementType)
    return v;
  return arith::TruncFOp::create(b, loc, elementType, v);
}

Value floatConstant(OpBuilder &b, Location loc, Type type, double value) {
  return arith::ConstantOp::create(b, loc, type,
                                   b.getFloatAttr(type, value));
}

double negativeInfinity() { return -std::numeric_limits<double>::infinity(); }

Value emptyTensor(OpBuilder &b, Location loc, ArrayRef<int64_t> shape,
                  Type elementType) {
  return tensor::EmptyOp::create(b, loc, shape, elementType);
}

Value filledTensor(OpBuilder &b, Location loc, ArrayRef<int64_t> shape,
                   Type elementType, double value) {
  Value empty = emptyTensor(b, loc, shape, elementType);
  Value scalar = floatConstant(b, loc, elementType, value);
  return linalg::FillOp::create(b, loc, scalar, empty).getResult(0);
}

SmallVector<IteratorType> iteratorTypes(unsigned numDims,
                                        ArrayRef<unsigned> reductions) {
  SmallVector<IteratorType> types(numDims, IteratorType::parallel);
  for (unsigned dim : reductions)
    types[dim] = IteratorType::reduction;
  return types;
}

AffineMap projection(MLIRContext *ctx, unsigned numDims,
                     ArrayRef<unsigned> kept) {
  SmallVector<AffineExpr> exprs;
  for (unsigned dim : kept)
    exprs.push_back(getAffineDimExpr(dim, ctx));
  return AffineMap::get(numDims, 0, exprs, ctx);
}

AffineMap dropDim(MLIRContext *ctx, unsigned numDims, unsigned dropped) {
  SmallVector<unsigned> kept;
  for (unsigned dim = 0; dim < numDims; ++dim)
    if (dim != dropped)
      kept.push_back(dim);
  return projection(ctx, numDims, kept);
}

SmallVector<int64_t> dropDim(ArrayRef<int64_t> shape, unsigned dropped) {
  SmallVector<int64_t> result(shape);
  result.erase(result.begin() + dropped);
  return result;
}

Value reduceAlongInto(OpBuilder &b, Location loc, ArrayRef<int64_t> shape,
                      unsigned axis, ValueRange inputs,
                      ArrayRef<AffineMap> inputMaps, Value acc,
                      ReductionBody body) {
  MLIRContext *ctx = b.getContext();
  unsigned rank = shape.size();
  SmallVector<AffineMap> maps(inputMaps);
  maps.push_back(dropDim(ctx, rank, axis));
  auto generic = linalg::GenericOp::create(
      b, loc, acc.getType(), inputs, acc, maps, iteratorTypes(rank, {axis}),
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        Value next = body(nb, nloc, args.drop_back(), args.back());
        linalg::YieldOp::create(nb, nloc, next);
      });
  return generic.getResult(0);
}

Value reduceAlong(OpBuilder &b, Location loc, ArrayRef<int64_t> shape,
                  unsigned axis, ValueRange inputs, ArrayRef<AffineMap> inputMaps,
                  Type accType, double init, ReductionBody body) {
  Value acc = filledTensor(b, loc, dropDim(shape, axis), accType, init);
  return reduceAlongInto(b, loc, shape, axis, inputs, inputMaps, acc, body);
}

Value elementwise(OpBuilder &b, Location loc, ArrayRef<int64_t> shape,
                  Type elementType, ValueRange inputs,
                  ArrayRef<AffineMap> inputMaps, ElementwiseBody body) {
  unsigned rank = shape.size();
  Value init = emptyTensor(b, loc, shape, elementType);
  SmallVector<AffineMap> maps(inputMaps);
  maps.push_back(b.getMultiDimIdentityMap(rank));
  auto generic = linalg::GenericOp::create(
      b, loc, init.getType(), inputs, init, maps, iteratorTypes(rank),
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        Value result = body(nb, nloc, args.drop_back());
        linalg::YieldOp::create(nb, nloc, result);
      });
  return generic.getResult(0);
}

/// `acc[out] += lhs[lhsMap] * rhs[rhsMap]` over `numDims` dimensions whose
/// last one is the reduction; widened to the accumulator's type.
Value contract(OpBuilder &b, Location loc, Value lhs, Value rhs, Value acc,
               AffineMap lhsMap, AffineMap rhsMap, AffineMap accMap) {
  unsigned numDims = accMap.getNumDims();
  auto generic = linalg::GenericOp::create(
      b, loc, acc.getType(), ValueRange{lhs, rhs}, acc,
      ArrayRef<AffineMap>{lhsMap, rhsMap, accMap},
      iteratorTypes(numDims, {numDims - 1}),
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        Value product =
            arith::MulFOp::create(nb, nloc, toCompute(nb, nloc, args[0]),
                                  toCompute(nb, nloc, args[1]));
        Value sum = arith::AddFOp::create(nb, nloc, args[2], product);
        linalg::YieldOp::create(nb, nloc, sum);
      });
  return generic.getResult(0);
}

Value convertTensor(OpBuilder &b, Location loc, Value tensor,
                    Type elementType) {
  auto type = cast<RankedTensorType>(tensor.getType());
  Type from = type.getElementType();
  if (from == elementType)
    return tensor;
  bool widen = cast<FloatType>(elementType).getWidth() >
               cast<FloatType>(from).getWidth();
  return elementwise(
      b, loc, type.getShape(), elementType, tensor,
      b.getMultiDimIdentityMap(type.getRank()),
      [&](OpBuilder &nb, Location nloc, ValueRange args) -> Value {
        if (widen)
          return arith::ExtFOp::create(nb, nloc, elementType, args[0]);
        return arith::TruncFOp::create(nb, nloc, elementType, args[0]);
      });
}

Value updateInPlace(OpBuilder &b, Location loc, Value dest, ValueRange inputs,
                    ArrayRef<AffineMap> inputMaps, ElementwiseBody body) {
  unsigned rank = cast<RankedTensorType>(dest.getType()).getRank();
  SmallVector<AffineMap> maps(inputMaps);
  maps.push_back(b.getMultiDimIdentityMap(rank));
  auto generic = linalg::GenericOp::create(
      b, loc, dest.getType(), inputs, dest, maps, iteratorTypes(rank),
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        linalg::YieldOp::create(nb, nloc, body(nb, nloc, args));
      });
  return generic.getResult(0);
}

AffineMap broadcastMap(MLIRContext *ctx, ArrayRef<int64_t> operandShape,
                       ArrayRef<int64_t> resultShape) {
  unsigned rank = resultShape.size();
  unsigned lead = rank - operandShape.size();
  SmallVector<AffineExpr> exprs;
  for (auto [i, size] : llvm::enumerate(operandShape)) {
    if (size == 1 && resultShape[lead + i] != 1)
      exprs.push_back(getAffineConstantExpr(0, ctx));
    else
      exprs.push_back(getAffineDimExpr(lead + i, ctx));
  }
  return AffineMap::get(rank, 0, exprs, ctx);
}

} // namespace mlir::kf::lowering
