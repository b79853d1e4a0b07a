//===- TransformerOps.cpp - kf op verifiers and type inference ------------===//
//
// Shape checks of the kf ops. Ops that change shape check their operands in
// `inferReturnTypes` (run by builders, the parser and the verifier alike);
// ops whose result type is an operand's check the rest in `verify`.
//
//===----------------------------------------------------------------------===//

#include "kernelforge/Dialect/Transformer/IR/TransformerOps.h"

#include <cmath>

#include "ShapeDiagnostic.h"
#include "mlir/Dialect/Traits.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"
#include "llvm/ADT/StringExtras.h"

using namespace mlir;
using namespace mlir::kf;
using mlir::kf::detail::dimsCompatible;
using mlir::kf::detail::mergeDims;
using mlir::kf::detail::OpShapeError;

#include "kernelforge/Dialect/Transformer/IR/TransformerEnums.cpp.inc"

#define GET_OP_CLASSES
#include "kernelforge/Dialect/Transformer/IR/TransformerOps.cpp.inc"

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

/// Formats a dimension the way a tensor type prints it.
static std::string dimStr(int64_t dim) {
  return ShapedType::isDynamic(dim) ? "?" : std::to_string(dim);
}

/// The ranked tensor type of `value`, or null. Inference may run before the
/// operand type constraints are verified (the parser infers omitted result
/// types), so it never assumes ranked operands.
static RankedTensorType rankedType(Value value) {
  return value ? dyn_cast<RankedTensorType>(value.getType())
               : RankedTensorType();
}

/// Checks that `value` has `ref`'s element type; `name`/`refName` name them.
static LogicalResult checkElementType(OpShapeError &&err,
                                      RankedTensorType type, StringRef name,
                                      RankedTensorType ref, StringRef refName) {
  if (type.getElementType() == ref.getElementType())
    return success();
  return err << "expected " << name << " element type " << type.getElementType()
             << " to match " << refName << " element type "
             << ref.getElementType();
}

/// A weight's storage type: `ref`'s element type, or a 16-bit float (f16,
/// bf16) or i8 blocks read by f32 arithmetic, which widens it in registers.
static LogicalResult checkStorageType(OpShapeError &&err,
                                      RankedTensorType type, StringRef name,
                                      RankedTensorType ref, StringRef refName) {
  Type stored = type.getElementType(), computed = ref.getElementType();
  if (stored.isInteger(8)) {
    if (computed.isF32())
      return success();
    return err << "expected f32 " << refName << " with an i8 " << name
               << ", got " << ref;
  }
  if (stored == computed ||
      (computed.isF32() && (stored.isF16() || stored.isBF16())))
    return success();
  return err << "expected " << name << " element type " << stored
             << " to match " << refName << " element type " << computed
             << " (or be f16 or bf16 under f32 " << refName << ")";
}

/// An i8 `weight` needs f16 or f32 `scales` with one value per block of B
/// consecutive elements along dimension `blockDim` (B = that size over the
/// scales' count there) and the weight's size along the other dimension; a
/// float weight takes none.
static LogicalResult checkBlockScales(OpShapeError &&err,
                                      RankedTensorType weight, StringRef name,
                                      Value scalesValue, unsigned blockDim) {
  bool quantized = weight.getElementType().isInteger(8);
  if (!quantized) {
    if (scalesValue)
      return err << "expected no scales for " << name << " of element type "
                 << weight.getElementType();
    return success();
  }
  if (!scalesValue)
    return err << "expected scales for the i8 " << name;
  auto scales = rankedType(scalesValue);
  if (!scales || scales.getRank() != 2 ||
      !isa<Float32Type, Float16Type>(scales.getElementType()))
    return err << "expected scales of f16 or f32 and rank 2, got "
               << scalesValue.getType();
  if (!weight.hasStaticShape() || !scales.hasStaticShape())
    return err << "expected static shapes for the i8 " << name << " "
               << weight << " and its scales " << scales;
  unsigned other = 1 - blockDim;
  int64_t length = weight.getDimSize(blockDim),
          blocks = scales.getDimSize(blockDim);
  if (scales.getDimSize(other) != weight.getDimSize(other) || blocks < 1 ||
      length % blocks != 0)
    return err << "expected scales of " << name << " " << weight << " to have "
               << weight.getDimSize(other) << " in dimension " << other
               << " and a positive divisor of " << length << " in dimension "
               << blockDim << ", got " << scales;
  return success();
}

/// Maps a possibly negative `axis` into [0, rank), or returns std::nullopt.
static std::optional<int64_t> normalizeAxis(int64_t axis, int64_t rank) {
  if (axis < -rank || axis >= rank)
    return std::nullopt;
  return axis < 0 ? axis + rank : axis;
}

/// Checks that `value` is a rank-1 tensor `[dim]` (a per-feature vector).
static LogicalResult checkFeatureVector(OpShapeError &&err,
                                        RankedTensorType type, StringRef name,
                                        int64_t dim, RankedTensorType input) {
  if (type.getRank() != 1)
    return err << "expected " << name << " of rank 1, got " << type;
  if (!dimsCompatible(type.getDimSize(0), dim))
    return err << "expected " << name << " size " << dimStr(type.getDimSize(0))
               << " to match the last dimension " << dimStr(dim) << " of input "
               << input;
  return success();
}

/// A floating-point attribute value must be positive and finite.
static LogicalResult checkPositive(Operation *op, StringRef name, double v) {
  if (std::isfinite(v) && v > 0)
    return success();
  return op->emitOpError("expected ") << name
                                      << " to be positive and finite, got " << v;
}

#define KF_SHAPE_ERROR() OpShapeError(loc, getOperationName())
#define KF_REQUIRE_RANKED(VAR, VALUE, NAME)                                    \
  RankedTensorType VAR = rankedType(VALUE);                                    \
  if (!VAR)                                                                    \
    return KF_SHAPE_ERROR() << "expected " NAME " to be a ranked tensor";

//===----------------------------------------------------------------------===//
// LinearOp
//===----------------------------------------------------------------------===//

LogicalResult LinearOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &inferred) {
  KF_REQUIRE_RANKED(input, adaptor.getInput(), "input");
  KF_REQUIRE_RANKED(weight, adaptor.getWeight(), "weight");
  if (input.getRank() < 1)
    return KF_SHAPE_ERROR() << "expected input of rank >= 1, got " << input;
  if (weight.getRank() != 2)
    return KF_SHAPE_ERROR() << "expected weight of rank 2, got " << weight;
  bool inOut = adaptor.getWeightLayout() == WeightLayout::InOut;
  if (failed(checkStorageType(KF_SHAPE_ERROR(), weight, "weight", input,
                              "input")) ||
      failed(checkBlockScales(KF_SHAPE_ERROR(), weight, "weight",
                              adaptor.getScales(), inOut ? 0 : 1)))
    return failure();

  int64_t inFeatures = weight.getDimSize(inOut ? 0 : 1);
  int64_t outFeatures = weight.getDimSize(inOut ? 1 : 0);
  int64_t inputFeatures = input.getDimSize(input.getRank() - 1);
  if (!dimsCompatible(inputFeatures, inFeatures))
    return KF_SHAPE_ERROR()
           << "expected input features " << dimStr(inputFeatures)
           << " to match weight in_features " << dimStr(inFeatures)
           << " (input " << input << ", weight " << weight << ", layout "
           << stringifyWeightLayout(adaptor.getWeightLayout()) << ")";

  if (Value biasValue = adaptor.getBias()) {
    KF_REQUIRE_RANKED(bias, biasValue, "bias");
    if (failed(checkElementType(KF_SHAPE_ERROR(), bias, "bias", input,
                                "input")))
      return failure();
    if (bias.getRank() != 1 || !dimsCompatible(bias.getDimSize(0), outFeatures))
      return KF_SHAPE_ERROR() << "expected bias of shape [" << dimStr(outFeatures)
                              << "] (weight out_features), got " << bias;
    outFeatures = mergeDims(outFeatures, bias.getDimSize(0));
  }

  SmallVector<int64_t> shape(input.getShape());
  shape.back() = outFeatures;
  inferred.push_back(RankedTensorType::get(shape, input.getElementType()));
  return success();
}

//===----------------------------------------------------------------------===//
// MatmulOp
//===----------------------------------------------------------------------===//

LogicalResult MatmulOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &inferred) {
  KF_REQUIRE_RANKED(lhs, adaptor.getLhs(), "lhs");
  KF_REQUIRE_RANKED(rhs, adaptor.getRhs(), "rhs");
  if (lhs.getRank() < 2 || lhs.getRank() != rhs.getRank())
    return KF_SHAPE_ERROR() << "expected operands of the same rank >= 2, got "
                            << lhs << " and " << rhs;
  if (failed(checkStorageType(KF_SHAPE_ERROR(), rhs, "rhs", lhs, "lhs")))
    return failure();

  int64_t rank = lhs.getRank();
  SmallVector<int64_t> shape;
  for (int64_t i = 0; i < rank - 2; ++i) {
    if (!dimsCompatible(lhs.getDimSize(i), rhs.getDimSize(i)))
      return KF_SHAPE_ERROR() << "expected batch dimension " << i
                              << " to match, got " << lhs << " and " << rhs;
    shape.push_back(mergeDims(lhs.getDimSize(i), rhs.getDimSize(i)));
  }
  bool transposed = adaptor.getTransposeRhs();
  int64_t lhsK = lhs.getDimSize(rank - 1);
  int64_t rhsK = rhs.getDimSize(transposed ? rank - 1 : rank - 2);
  if (!dimsCompatible(lhsK, rhsK))
    return KF_SHAPE_ERROR() << "expected contraction sizes to match, got lhs "
                            << dimStr(lhsK) << " and rhs " << dimStr(rhsK)
                            << " (" << lhs << ", " << rhs
                            << (transposed ? ", transpose_rhs)" : ")");
  shape.push_back(lhs.getDimSize(rank - 2));
  shape.push_back(rhs.getDimSize(transposed ? rank - 2 : rank - 1));
  inferred.push_back(RankedTensorType::get(shape, lhs.getElementType()));
  return success();
}

//===----------------------------------------------------------------------===//
// Conv2DOp
//===----------------------------------------------------------------------===//

template <typename OpOrAdaptor>
static Conv2DOp::Geometry readGeometry(OpOrAdaptor x) {
  Conv2DOp::Geometry g;
  auto copy = [](std::optional<ArrayRef<int64_t>> from, int64_t (&to)[2]) {
    if (from && from->size() == 2)
      std::copy(from->begin(), from->end(), to);
  };
  copy(x.getStrides(), g.strides);
  copy(x.getPadding(), g.padding);
  copy(x.getDilations(), g.dilations);
  if (std::optional<uint64_t> groups = x.getGroups())
    g.groups = int64_t(*groups);
  return g;
}

Conv2DOp::Geometry Conv2DOp::getGeometry() { return readGeometry(*this); }

LogicalResult Conv2DOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &inferred) {
  KF_REQUIRE_RANKED(input, adaptor.getInput(), "input");
  KF_REQUIRE_RANKED(weight, adaptor.getWeight(), "weight");
  if (input.getRank() != 4 || weight.getRank() != 4)
    return KF_SHAPE_ERROR() << "expected a rank-4 input and weight, got "
                            << input << " and " << weight;
  if (failed(checkStorageType(KF_SHAPE_ERROR(), weight, "weight", input,
                              "input")))
    return failure();
  // Two entries each; strides and dilations positive, padding not negative.
  for (auto [name, values, least] :
       {std::tuple{"strides", adaptor.getStrides(), int64_t(1)},
        std::tuple{"padding", adaptor.getPadding(), int64_t(0)},
        std::tuple{"dilations", adaptor.getDilations(), int64_t(1)}}) {
    if (!values)
      continue;
    if (values->size() != 2 ||
        llvm::any_of(*values, [&](int64_t v) { return v < least; }))
      return KF_SHAPE_ERROR()
             << "expected " << name << " to be two values >= " << least
             << " (height, width), got ["
             << llvm::join(llvm::map_range(*values,
                                           [](int64_t v) {
                                             return std::to_string(v);
                                           }),
                           ", ")
             << "]";
  }
  Conv2DOp::Geometry g = readGeometry(adaptor);
  if (g.groups < 1)
    return KF_SHAPE_ERROR() << "expected groups >= 1, got " << g.groups;

  bool nhwc = adaptor.getLayout() == ImageLayout::NHWC;
  int64_t channels = input.getDimSize(nhwc ? 3 : 1);
  int64_t height = input.getDimSize(nhwc ? 1 : 2);
  int64_t width = input.getDimSize(nhwc ? 2 : 3);
  if (!input.hasStaticShape() || !weight.hasStaticShape())
    return KF_SHAPE_ERROR() << "expected a static input and weight, got "
                            << input << " and " << weight;
  int64_t outChannels = weight.getDimSize(0);
  if (channels % g.groups != 0 || outChannels % g.groups != 0)
    return KF_SHAPE_ERROR() << "expected groups " << g.groups
                            << " to divide the input channels " << channels
                            << " and the output channels " << outChannels;
  if (weight.getDimSize(1) != channels / g.groups)
    return KF_SHAPE_ERROR()
           << "expected weight [O, C/groups, KH, KW] with C/groups = "
           << channels / g.groups << " (input channels " << channels
           << ", groups " << g.groups << ", layout "
           << stringifyImageLayout(adaptor.getLayout()) << "), got " << weight;
  int64_t outSize[2];
  int64_t sizes[2] = {height, width};
  for (int d = 0; d < 2; ++d) {
    int64_t span = g.dilations[d] * (weight.getDimSize(2 + d) - 1) + 1;
    int64_t padded = sizes[d] + 2 * g.padding[d];
    if (padded < span)
      return KF_SHAPE_ERROR()
             << "expected the " << (d ? "width" : "height") << " " << sizes[d]
             << " with padding " << g.padding[d] << " to hold the kernel's span "
             << span << " (kernel " << weight.getDimSize(2 + d)
             << ", dilation " << g.dilations[d] << ")";
    outSize[d] = (padded - span) / g.strides[d] + 1;
  }
  if (Value biasValue = adaptor.getBias()) {
    KF_REQUIRE_RANKED(bias, biasValue, "bias");
    if (failed(checkElementType(KF_SHAPE_ERROR(), bias, "bias", input,
                                "input")))
      return failure();
    if (bias.getRank() != 1 || bias.getDimSize(0) != outChannels)
      return KF_SHAPE_ERROR() << "expected bias of shape [" << outChannels
                              << "] (the output channels), got " << bias;
  }
  int64_t batch = input.getDimSize(0);
  SmallVector<int64_t> shape =
      nhwc ? SmallVector<int64_t>{batch, outSize[0], outSize[1], outChannels}
           : SmallVector<int64_t>{batch, outChannels, outSize[0], outSize[1]};
  inferred.push_back(RankedTensorType::get(shape, input.getElementType()));
  return success();
}

//===----------------------------------------------------------------------===//
// Normalisation
//===----------------------------------------------------------------------===//

/// Shared by the norms: `input` has a last (feature) dimension, each present
/// per-feature parameter is `[features]` of the input's element type, and
/// epsilon is positive.
static LogicalResult
verifyNormalization(Operation *op, RankedTensorType input,
                    ArrayRef<std::pair<Value, StringRef>> params,
                    double epsilon) {
  if (input.getRank() < 1)
    return op->emitOpError("expected input of rank >= 1, got ") << input;
  int64_t features = input.getDimSize(input.getRank() - 1);
  auto err = [&] { return OpShapeError(op->getLoc(), op->getName().getStringRef()); };
  for (auto [value, name] : params) {
    if (!value)
      continue;
    auto type = cast<RankedTensorType>(value.getType());
    if (failed(checkFeatureVector(err(), type, name, features, input)) ||
        failed(checkElementType(err(), type, name, input, "input")))
      return failure();
  }
  return checkPositive(op, "epsilon", epsilon);
}

LogicalResult LayerNormOp::verify() {
  if (getBias() && !getScale())
    return emitOpError("expected a scale operand when a bias is given");
  return verifyNormalization(*this, getInput().getType(),
                             {{getScale(), "scale"}, {getBias(), "bias"}},
                             getEpsilon().convertToDouble());
}

LogicalResult RMSNormOp::verify() {
  return verifyNormalization(*this, getInput().getType(),
                             {{getScale(), "scale"}},
                             getEpsilon().convertToDouble());
}

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

LogicalResult mlir::kf::detail::inferBroadcastBinary(
    std::optional<Location> loc, StringRef opName, Value lhsValue,
    Value rhsValue, SmallVectorImpl<Type> &inferred) {
  auto lhs = rankedType(lhsValue);
  auto rhs = rankedType(rhsValue);
  if (!lhs || !rhs)
    return OpShapeError(loc, opName) << "expected ranked tensor operands";
  if (lhs.getElementType() != rhs.getElementType())
    return OpShapeError(loc, opName)
           << "expected operands of one element type, got " << lhs << " and "
           << rhs;
  SmallVector<int64_t> shape;
  if (!mlir::OpTrait::util::getBroadcastedShape(lhs.getShape(), rhs.getShape(),
                                                shape))
    return OpShapeError(loc, opName)
           << "expected broadcastable operand shapes, got " << lhs << " and "
           << rhs;
  inferred.push_back(RankedTensorType::get(shape, lhs.getElementType()));
  return success();
}

LogicalResult SoftmaxOp::verify() {
  int64_t rank = getInput().getType().getRank();
  auto axisAttr = static_cast<int64_t>(getAxis());
  std::optional<int64_t> axis = normalizeAxis(axisAttr, rank);
  if (!axis)
    return emitOpError("expected axis in [") << -rank << ", " << rank
                                              << "), got " << axisAttr;
  if (getCausal() && (rank < 2 || *axis != rank - 1))
    return emitOpError("expected causal softmax over the last axis of a tensor "
                       "of rank >= 2, got axis ")
           << axisAttr << " of " << getInput().getType();
  return success();
}

//===----------------------------------------------------------------------===//
// AttentionOp
//===----------------------------------------------------------------------===//

LogicalResult AttentionOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &inferred) {
  KF_REQUIRE_RANKED(q, adaptor.getQuery(), "query");
  KF_REQUIRE_RANKED(k, adaptor.getKey(), "key");
  KF_REQUIRE_RANKED(v, adaptor.getValue(), "value");
  using Named = std::pair<RankedTensorType, StringRef>;
  for (auto [type, name] : {Named{q, "query"}, Named{k, "key"}, Named{v, "value"}})
    if (type.getRank() != 4)
      return KF_SHAPE_ERROR() << "expected " << name
                              << " of rank 4 [batch, heads, seq, head_dim], got "
                              << type;
  if (failed(checkStorageType(KF_SHAPE_ERROR(), k, "key", q, "query")) ||
      failed(checkStorageType(KF_SHAPE_ERROR(), v, "value", q, "query")))
    return failure();

  int64_t batch = q.getDimSize(0);
  for (auto [type, name] : {Named{k, "key"}, Named{v, "value"}}) {
    if (!dimsCompatible(type.getDimSize(0), batch))
      return KF_SHAPE_ERROR() << "expected " << name << " batch "
                              << dimStr(type.getDimSize(0))
                              << " to equal query batch " << dimStr(batch);
    batch = mergeDims(batch, type.getDimSize(0));
  }
  if (!dimsCompatible(k.getDimSize(1), v.getDimSize(1)) ||
      !dimsCompatible(k.getDimSize(2), v.getDimSize(2)))
    return KF_SHAPE_ERROR() << "expected key and value to agree on heads and "
                               "sequence length, got "
                            << k << " and " << v;
  int64_t heads = q.getDimSize(1);
  int64_t kvHeads = mergeDims(k.getDimSize(1), v.getDimSize(1));
  if (!ShapedType::isDynamic(heads) && !ShapedType::isDynamic(kvHeads) &&
      heads % kvHeads != 0)
    return KF_SHAPE_ERROR() << "expected query heads " << heads
                            << " to be a multiple of key/value heads " << kvHeads;
  if (!dimsCompatible(k.getDimSize(3), q.getDimSize(3)))
    return KF_SHAPE_ERROR() << "expected key head_dim " << dimStr(k.getDimSize(3))
                            << " to equal query head_dim "
                            << dimStr(q.getDimSize(3));

  int64_t querySeq = q.getDimSize(2);
  int64_t keySeq = mergeDims(k.getDimSize(2), v.getDimSize(2));
  if (Value maskValue = adaptor.getMask()) {
    KF_REQUIRE_RANKED(mask, maskValue, "mask");
    if (failed(checkElementType(KF_SHAPE_ERROR(), mask, "mask", q, "query")))
      return failure();
    int64_t scores[] = {batch, heads, querySeq, keySeq};
    bool ok = mask.getRank() == 4;
    for (int64_t i = 0; ok && i < 4; ++i)
      ok = mask.getDimSize(i) == 1 || dimsCompatible(mask.getDimSize(i), scores[i]);
    if (!ok)
      return KF_SHAPE_ERROR()
             << "expected mask to broadcast to the scores [" << dimStr(batch)
             << ", " << dimStr(heads) << ", " << dimStr(querySeq) << ", "
             << dimStr(keySeq) << "], got " << mask;
  }

  inferred.push_back(RankedTensorType::get(
      {batch, heads, querySeq, v.getDimSize(3)}, q.getElementType()));
  return success();
}

double AttentionOp::getEffectiveScale() {
  if (std::optional<APFloat> scale = getScale())
    return scale->convertToDouble();
  auto query = cast<RankedTensorType>(getQuery().getType());
  return 1.0 / std::sqrt(static_cast<double>(query.getDimSize(3)));
}

int64_t AttentionOp::getDefaultCausalOffset() {
  return cast<RankedTensorType>(getKey().getType()).getDimSize(2) -
         cast<RankedTensorType>(getQuery().getType()).getDimSize(2);
}

LogicalResult AttentionOp::verify() {
  // Each query row is a softmax over the keys: no keys, no distribution.
  // (Zero query rows or head dimensions are nothing to compute either.)
  for (auto [name, value] : {std::pair<StringRef, Value>{"query", getQuery()},
                             {"key", getKey()},
                             {"value", getValue()}}) {
    auto type = dyn_cast<RankedTensorType>(value.getType());
    if (type && llvm::is_contained(type.getShape(), 0))
      return emitOpError("expected a non-empty ")
             << name << " (no zero-sized dimension), got " << type;
  }
  if (getQueryOffset() && !getCausal())
    return emitOpError("expected 'causal' when a query offset is given: the "
                       "offset only places the causal mask");
  if (std::optional<int64_t> window = getWindow()) {
    if (!getCausal())
      return emitOpError("expected 'causal' with a sliding window: the "
                         "window bounds the causal mask from below");
    if (*window < 1)
      return emitOpError("expected a window of at least 1 key, got ")
             << *window;
  }
  if (std::optional<APFloat> softcap = getSoftcap())
    if (failed(checkPositive(*this, "softcap", softcap->convertToDouble())))
      return failure();
  if (std::optional<APFloat> scale = getScale())
    return checkPositive(*this, "scale", scale->convertToDouble());
  return success();
}

//===----------------------------------------------------------------------===//
// Head split and merge
//===----------------------------------------------------------------------===//

LogicalResult SplitHeadsOp::inferReturnTypes(MLIRContext *,
                                             std::optional<Location> loc,
                                             Adaptor adaptor,
                                             SmallVectorImpl<Type> &inferred) {
  KF_REQUIRE_RANKED(input, adaptor.getInput(), "input");
  if (input.getRank() != 3)
    return KF_SHAPE_ERROR() << "expected input of rank 3 [batch, seq, features], got "
                            << input;
  int64_t heads = adaptor.getNumHeads();
  if (heads <= 0)
    return KF_SHAPE_ERROR() << "expected num_heads > 0, got " << heads;
  int64_t features = input.getDimSize(2);
  int64_t headDim = ShapedType::kDynamic;
  if (!ShapedType::isDynamic(features)) {
    if (features % heads != 0)
      return KF_SHAPE_ERROR() << "expected features " << features
                              << " to be divisible by num_heads " << heads;
    headDim = features / heads;
  }
  inferred.push_back(RankedTensorType::get(
      {input.getDimSize(0), heads, input.getDimSize(1), headDim},
      input.getElementType()));
  return success();
}

LogicalResult MergeHeadsOp::inferReturnTypes(MLIRContext *,
                                             std::optional<Location> loc,
                                             Adaptor adaptor,
                                             SmallVectorImpl<Type> &inferred) {
  KF_REQUIRE_RANKED(input, adaptor.getInput(), "input");
  if (input.getRank() != 4)
    return KF_SHAPE_ERROR()
           << "expected input of rank 4 [batch, heads, seq, head_dim], got "
           << input;
  int64_t heads = input.getDimSize(1), headDim = input.getDimSize(3);
  int64_t features = ShapedType::isDynamic(heads) || ShapedType::isDynamic(headDim)
                         ? ShapedType::kDynamic
                         : heads * headDim;
  inferred.push_back(RankedTensorType::get(
      {input.getDimSize(0), input.getDimSize(2), features},
      input.getElementType()));
  return success();
}

//===----------------------------------------------------------------------===//
// EmbeddingOp and RopeOp
//===----------------------------------------------------------------------===//

LogicalResult EmbeddingOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &inferred) {
  KF_REQUIRE_RANKED(ids, adaptor.getIds(), "ids");
  KF_REQUIRE_RANKED(table, adaptor.getTable(), "table");
  if (ids.getRank() < 1)
    return KF_SHAPE_ERROR() << "expected ids of rank >= 1 [..., seq], got " << ids;
  if (table.getRank() != 2)
    return KF_SHAPE_ERROR() << "expected table of rank 2 [vocab, features], got "
                            << table;
  if (failed(checkBlockScales(KF_SHAPE_ERROR(), table, "table",
                              adaptor.getScales(), /*blockDim=*/1)))
    return failure();
  int64_t features = table.getDimSize(1);
  bool quantized = table.getElementType().isInteger(8);
  // An i8 table's rows are dequantised to f32.
  Type resultElement = quantized ? Float32Type::get(table.getContext())
                                 : table.getElementType();
  if (Value positionsValue = adaptor.getPositions()) {
    KF_REQUIRE_RANKED(positions, positionsValue, "positions");
    if (positions.getRank() != 2 ||
        !dimsCompatible(positions.getDimSize(1), features))
      return KF_SHAPE_ERROR() << "expected positions of shape [positions, "
                              << dimStr(features) << "], got " << positions;
    if (failed(checkStorageType(KF_SHAPE_ERROR(), table, "table", positions,
                                "positions")))
      return failure();
    resultElement = positions.getElementType();
    int64_t seq = ids.getDimSize(ids.getRank() - 1);
    int64_t maxPositions = positions.getDimSize(0);
    if (!adaptor.getPositionOffset() && !ShapedType::isDynamic(seq) &&
        !ShapedType::isDynamic(maxPositions) && seq > maxPositions)
      return KF_SHAPE_ERROR() << "expected sequence length " << seq
                              << " to fit the " << maxPositions
                              << " rows of the position table";
    features = mergeDims(features, positions.getDimSize(1));
  } else if (adaptor.getPositionOffset()) {
    return KF_SHAPE_ERROR() << "expected a position table with a position offset";
  }
  SmallVector<int64_t> shape(ids.getShape());
  shape.push_back(features);
  inferred.push_back(RankedTensorType::get(shape, resultElement));
  return success();
}

LogicalResult RopeOp::verify() {
  auto input = getInput().getType();
  if (input.getRank() != 4)
    return emitOpError("expected input of rank 4 [batch, heads, seq, head_dim], "
                       "got ")
           << input;
  int64_t headDim = input.getDimSize(3);
  if (!ShapedType::isDynamic(headDim) && headDim % 2 != 0)
    return emitOpError("expected an even head_dim to rotate in pairs, got ")
           << headDim;
  if (std::optional<ArrayRef<double>> frequencies = getFrequencies()) {
    if (!ShapedType::isDynamic(headDim) &&
        int64_t(frequencies->size()) != headDim / 2)
      return emitOpError("expected ")
             << headDim / 2 << " frequencies (head_dim / 2), got "
             << frequencies->size();
    for (double f : *frequencies)
      if (!(f > 0) || !std::isfinite(f))
        return emitOpError("expected positive, finite frequencies, got ")
               << f;
  }
  return checkPositive(*this, "theta", getTheta().convertToDouble());
}

//===----------------------------------------------------------------------===//
// KVCacheUpdateOp and ArgmaxOp
//===----------------------------------------------------------------------===//

LogicalResult KVCacheUpdateOp::verify() {
  auto update = getUpdate().getType();
  auto cache = getCache().getType();
  if (update.getRank() != 4 || cache.getRank() != 4)
    return emitOpError("expected update and cache of rank 4 [batch, kv_heads, "
                       "seq, head_dim], got ")
           << update << " and " << cache;
  if (failed(checkStorageType(OpShapeError(getLoc(), getOperationName()),
                              cache, "cache", update, "update")))
    return failure();
  for (int64_t i : {0, 1, 3})
    if (!dimsCompatible(update.getDimSize(i), cache.getDimSize(i)))
      return emitOpError("expected update dimension ")
             << i << " to equal cache dimension " << i << ", got " << update
             << " and " << cache;
  int64_t rows = update.getDimSize(2), capacity = cache.getDimSize(2);
  if (!ShapedType::isDynamic(rows) && !ShapedType::isDynamic(capacity) &&
      rows > capacity)
    return emitOpError("expected at most ")
           << capacity << " new rows (the cache capacity), got " << rows;
  return success();
}

LogicalResult ArgmaxOp::inferReturnTypes(MLIRContext *context,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &inferred) {
  KF_REQUIRE_RANKED(input, adaptor.getInput(), "input");
  int64_t rank = input.getRank();
  auto axisAttr = static_cast<int64_t>(adaptor.getAxis());
  std::optional<int64_t> axis = normalizeAxis(axisAttr, rank);
  if (!axis)
    return KF_SHAPE_ERROR() << "expected axis in [" << -rank << ", " << rank
                            << "), got " << axisAttr;
  if (input.getDimSize(*axis) == 0)
    return KF_SHAPE_ERROR()
           << "expected a non-empty axis " << *axis
           << " (no largest element among none), got " << input;
  SmallVector<int64_t> shape(input.getShape());
  shape.erase(shape.begin() + *axis);
  inferred.push_back(
      RankedTensorType::get(shape, IntegerType::get(context, 64)));
  return success();
}
