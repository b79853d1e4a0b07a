//===- LoweringUtils.h - Shared helpers of the kf -> linalg patterns -------===//
//
// Builders for the linalg.generic shapes the kf lowering emits over and over:
// filled destinations, parallel maps, and reductions along one axis.
//
//===----------------------------------------------------------------------===//

#ifndef KERNELFORGE_LIB_CONVERSION_TRANSFORMERTOLINALG_LOWERINGUTILS_H
#define KERNELFORGE_LIB_CONVERSION_TRANSFORMERTOLINALG_LOWERINGUTILS_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/STLFunctionalExtras.h"

namespace mlir::kf::lowering {

using utils::IteratorType;

/// The type arithmetic is carried out in: f32 for f16 and bf16 (sums and
/// exponentials lose too much in 16 bits) and for integers (i8 weight
/// blocks), the element type otherwise.
FloatType computeType(Type elementType);
/// Widens `v` to its compute type (no-op for f32; integers are signed).
Value toCompute(OpBuilder &b, Location loc, Value v);
/// Narrows a compute-type value back to `elementType` (no-op for f32).
Value fromCompute(OpBuilder &b, Location loc, Value v, Type elementType);
Value floatConstant(OpBuilder &b, Location loc, Type type, double value);

/// `tensor.empty` of a static shape.
Value emptyTensor(OpBuilder &b, Location loc, ArrayRef<int64_t> shape,
                  Type elementType);
/// `tensor.empty` + `linalg.fill` with `value`.
Value filledTensor(OpBuilder &b, Location loc, ArrayRef<int64_t> shape,
                   Type elementType, double value);

/// Iterator list of `numDims` parallel dimensions with `reductions` marked as
/// reductions.
SmallVector<IteratorType> iteratorTypes(unsigned numDims,
                                        ArrayRef<unsigned> reductions = {});
/// `(d0, ..., dN-1) -> (d[kept[0]], d[kept[1]], ...)`.
AffineMap projection(MLIRContext *ctx, unsigned numDims,
                     ArrayRef<unsigned> kept);
/// The identity map without dimension `dropped`: the map of a tensor reduced
/// along `dropped`.
AffineMap dropDim(MLIRContext *ctx, unsigned numDims, unsigned dropped);
/// Shape without dimension `dropped`.
SmallVector<int64_t> dropDim(ArrayRef<int64_t> shape, unsigned dropped);

/// Body of a reduction step: given the block arguments of the inputs and the
/// current accumulator, returns the new accumulator.
using ReductionBody =
    function_ref<Value(OpBuilder &, Location, ValueRange inputs, Value acc)>;

/// Reduces along dimension `axis` of an iteration space of `shape`: returns a
/// tensor of `shape` without `axis`, of type `accType`, starting at `init`.
/// `inputs` are read through `inputMaps` (over the full iteration space).
Value reduceAlong(OpBuilder &b, Location loc, ArrayRef<int64_t> shape,
                  unsigned axis, ValueRange inputs, ArrayRef<AffineMap> inputMaps,
                  Type accType, double init, ReductionBody body);
/// Same, accumulating into an existing tensor `acc` instead of a filled one.
Value reduceAlongInto(OpBuilder &b, Location loc, ArrayRef<int64_t> shape,
                      unsigned axis, ValueRange inputs,
                      ArrayRef<AffineMap> inputMaps, Value acc,
                      ReductionBody body);

/// An all-parallel linalg.generic over `shape` producing one tensor of
/// `elementType`; `body` maps the input block arguments to the result.
using ElementwiseBody =
    function_ref<Value(OpBuilder &, Location, ValueRange inputs)>;
Value elementwise(OpBuilder &b, Location loc, ArrayRef<int64_t> shape,
                  Type elementType, ValueRange inputs,
                  ArrayRef<AffineMap> inputMaps, ElementwiseBody body);

/// Like `elementwise`, but writes into `dest` (same shape), whose current
/// value `body` receives as its last argument: the result bufferizes in
/// place, which loop-carried values need.
Value updateInPlace(OpBuilder &b, Location loc, Value dest, ValueRange inputs,
                    ArrayRef<AffineMap> inputMaps, ElementwiseBody body);

/// `tensor` with its elements converted to `elementType` (a widening or
/// narrowing elementwise generic), or `tensor` itself when they agree.
Value convertTensor(OpBuilder &b, Location loc, Value tensor, Type elementType);

/// The map reading an operand of `operandShape` inside a broadcast to
/// `resultShape` (NumPy rules, aligned at the last dimension): size-1
/// dimensions that broadcast read index 0.
AffineMap broadcastMap(MLIRContext *ctx, ArrayRef<int64_t> operandShape,
                       ArrayRef<int64_t> resultShape);

/// `acc[accMap] += lhs[lhsMap] * rhs[rhsMap]`: a linalg.generic whose last
/// dimension is the reduction; the product is widened to the accumulator's
/// type.
Value contract(OpBuilder &b, Location loc, Value lhs, Value rhs, Value acc,
               AffineMap lhsMap, AffineMap rhsMap, AffineMap accMap);

/// `-inf` as the float attribute value of `type`.
double negativeInfinity();

} // namespace mlir::kf::lowering



namespace mlir::kf::lowering {
/// Softmax of the compute-type tensor `input` along `axis`, as three linalg
/// generics (max, sum of exponentials, normalisation). With a non-null index
/// `causalOffset`, element `j` of the last dimension is hidden from row `i`
/// of the second-to-last when `j > i + causalOffset`: the mask is computed
/// from `linalg.index` inside the reductions, never materialised.
Value buildSoftmax(OpBuilder &b, Location loc, Value input, unsigned axis,
                   Value causalOffset);
/// The `j > i + offset` test of a causal mask inside a linalg body over
/// `rank` dimensions whose last two are (query i, key j); `keyBase` (may be
/// null) is added to j, for key tiles.
Value isHiddenByCausalMask(OpBuilder &b, Location loc, unsigned rank,
                           Value offset, Value keyBase);
/// With a sliding window of `window` keys: whether the key is older than
/// the window of the query at the same indices (key + window <= query +
/// offset).
Value isOutsideWindow(OpBuilder &b, Location loc, unsigned rank, Value offset,
                      Value keyBase, int64_t window);
} // namespace mlir::kf::lowering
#endif // KERNELFORGE_LIB_CONVERSION_TRANSFORMERTOLINALG_LOWERINGUTILS_H
