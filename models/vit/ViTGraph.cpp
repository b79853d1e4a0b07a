//===- ViTGraph.cpp - build a ViT image classifier graph in kf ------------===//

#include "kernelforge/Models/ViT/ViTGraph.h"

#include "kernelforge/Dialect/Transformer/IR/TransformerDialect.h"
#include "kernelforge/Dialect/Transformer/IR/TransformerOps.h"
#include "kernelforge/Models/GraphBuilder.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Verifier.h"

using namespace mlir;
using namespace mlir::kf;
using namespace kernelforge::vit;

using kernelforge::models::graphError;
using kernelforge::models::Param;

namespace {

struct ViTBuilder : kernelforge::models::GraphBuilderBase {
  ViTBuilder(MLIRContext *context, const ViTConfig &config, int64_t batch,
             Type weightType)
      : GraphBuilderBase(context, weightType), c(config), batch(batch) {}

  RankedTensorType tokens() {
    return f32({batch, c.tokens(), c.hiddenSize});
  }

  /// One encoder layer's parameters (after `vit.encoder.layer.{i}.`), in the
  /// layer function's argument order.
  SmallVector<Param> layerParams() {
    int64_t d = c.hiddenSize, inner = c.intermediateSize;
    SmallVector<Param> p = {
        {"layernorm_before.weight", f32({d})},
        {"layernorm_before.bias", f32({d})},
        {"attention.attention.query.weight", matrix(d, d)},
        {"attention.attention.key.weight", matrix(d, d)},
        {"attention.attention.value.weight", matrix(d, d)},
        {"attention.output.dense.weight", matrix(d, d)},
        {"attention.output.dense.bias", f32({d})},
        {"layernorm_after.weight", f32({d})},
        {"layernorm_after.bias", f32({d})},
        {"intermediate.dense.weight", matrix(inner, d)},
        {"intermediate.dense.bias", f32({inner})},
        {"output.dense.weight", matrix(d, inner)},
        {"output.dense.bias", f32({d})}};
    if (c.qkvBias)
      p.append({{"attention.attention.query.bias", f32({d})},
                {"attention.attention.key.bias", f32({d})},
                {"attention.attention.value.bias", f32({d})}});
    return p;
  }

  SmallVector<Param> modelParams() {
    int64_t d = c.hiddenSize, p = c.patchSize;
    SmallVector<Param> params = {
        {"vit.embeddings.cls_token", f32({1, 1, d})},
        {"vit.embeddings.position_embeddings", f32({1, c.tokens(), d})},
        {"vit.embeddings.patch_embeddings.projection.weight",
         RankedTensorType::get({d, c.numChannels, p, p}, weightType)},
        {"vit.embeddings.patch_embeddings.projection.bias", f32({d})}};
    for (int64_t layer = 0; layer < c.numLayers; ++layer)
      for (Param &param : layerParams())
        params.push_back({"vit.encoder.layer." + std::to_string(layer) + "." +
                              param.first,
                          param.second});
    params.append({{"vit.layernorm.weight", f32({d})},
                   {"vit.layernorm.bias", f32({d})},
                   {"classifier.weight",
                    matrix(int64_t(c.labels.size()), d)},
                   {"classifier.bias", f32({int64_t(c.labels.size())})}});
    return params;
  }

  Value layerNorm(Location loc, Value x, Value scale, Value bias) {
    return LayerNormOp::create(b, loc, x.getType(), x, scale, bias,
                               b.getF64FloatAttr(c.layerNormEps));
  }
  Value linear(Location loc, Value x, Value weight, Value bias) {
    return LinearOp::create(b, loc, x, weight, bias, /*scales=*/Value(),
                            WeightLayout::OutIn);
  }

  /// @vit_layer(x, params...) -> x'.
  func::FuncOp buildLayer(ModuleOp module) {
    Location loc = at("vit_layer");
    SmallVector<Type> inputs = {tokens()};
    for (Param &param : layerParams())
      inputs.push_back(param.second);
    b.setInsertionPointToEnd(module.getBody());
    auto fn = func::FuncOp::create(b, loc, "vit_layer",
                                   b.getFunctionType(inputs, {tokens()}));
    fn.setPrivate();
    b.setInsertionPointToStart(fn.addEntryBlock());
    Value x = fn.getArgument(0);
    ValueRange w = fn.getArguments().drop_front();
    auto qkvBias = [&](unsigned i) { return c.qkvBias ? w[13 + i] : Value(); };

    Value h = layerNorm(at("layernorm_before"), x, w[0], w[1]);
    auto heads = [&](StringRef what, Value weight, Value bias) {
      Value flat = linear(at("attention.attention." + what), h, weight, bias);
      return SplitHeadsOp::create(b, at("attention.attention." + what), flat,
                                  c.numHeads);
    };
    Value q = heads("query", w[2], qkvBias(0));
    Value k = heads("key", w[3], qkvBias(1));
    Value v = heads("value", w[4], qkvBias(2));
    // Every token sees every token: no mask, not causal.
    Value attn = AttentionOp::create(
        b, at("attention"), q, k, v, /*mask=*/Value(), /*query_offset=*/Value(),
        /*causal=*/false, /*scale=*/FloatAttr(), /*window=*/IntegerAttr(),
        /*softcap=*/FloatAttr());
    Value merged = MergeHeadsOp::create(b, at("attention"), attn);
    Value o = linear(at("attention.output.dense"), merged, w[5], w[6]);
    Value x1 = AddOp::create(b, at("residual_1"), x, o);
    Value h2 = layerNorm(at("layernorm_after"), x1, w[7], w[8]);
    Value up = linear(at("intermediate.dense"), h2, w[9], w[10]);
    Value act = GeluOp::create(b, at("intermediate.act"), up.getType(), up,
                               c.gelu);
    Value down = linear(at("output.dense"), act, w[11], w[12]);
    Value out = AddOp::create(b, at("residual_2"), x1, down);
    func::ReturnOp::create(b, loc, out);
    return fn;
  }

  void buildClassify(ModuleOp module, func::FuncOp layerFn) {
    Location loc = at(kClassifyEntry);
    int64_t d = c.hiddenSize, side = c.patchesPerSide(),
            labels = int64_t(c.labels.size());
    SmallVector<Type> inputs = {
        f32({batch, c.imageSize, c.imageSize, c.numChannels})};
    SmallVector<Param> params = modelParams();
    for (Param &param : params)
      inputs.push_back(param.second);
    b.setInsertionPointToEnd(module.getBody());
    auto fn = func::FuncOp::create(
        b, loc, kClassifyEntry,
        b.getFunctionType(inputs, {f32({batch, labels})}));
    for (auto [i, param] : llvm::enumerate(params))
      fn.setArgAttr(1 + i, TransformerDialect::getParamAttrName(),
                    b.getStringAttr(param.first));
    b.setInsertionPointToStart(fn.addEntryBlock());
    Value pixels = fn.getArgument(0);
    ValueRange w = fn.getArguments().drop_front();

    // Patches: a stride-p convolution, [B, S/p, S/p, D] -> [B, N, D].
    Value patches = Conv2DOp::create(
        b, at("vit.embeddings.patch_embeddings"), pixels, w[2], w[3],
        ImageLayout::NHWC,
        b.getDenseI64ArrayAttr({c.patchSize, c.patchSize}),
        /*padding=*/DenseI64ArrayAttr(), /*dilations=*/DenseI64ArrayAttr(),
        /*groups=*/IntegerAttr());
    patches = tensor::CollapseShapeOp::create(
        b, at("vit.embeddings.patch_embeddings"),
        f32({batch, side * side, d}), patches,
        ArrayRef<ReassociationIndices>{{0}, {1, 2}, {3}});
    // [CLS; patches] + positions.
    Value zeros = arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(f32({batch, 1, d}), 0.0f));
    Value cls = AddOp::create(b, at("vit.embeddings.cls_token"), zeros, w[0]);
    Value x = tensor::ConcatOp::create(b, at("vit.embeddings"), 1,
                                       ValueRange{cls, patches});
    x = AddOp::create(b, at("vit.embeddings.position_embeddings"), x, w[1]);

    size_t perLayer = layerParams().size();
    for (int64_t layer = 0; layer < c.numLayers; ++layer) {
      SmallVector<Value> args = {x};
      llvm::append_range(args, w.slice(4 + layer * perLayer, perLayer));
      x = func::CallOp::create(
              b, at("vit.encoder.layer." + std::to_string(layer)), layerFn,
              args)
              .getResult(0);
    }
    size_t last = 4 + c.numLayers * perLayer;
    x = layerNorm(at("vit.layernorm"), x, w[last], w[last + 1]);
    // The class token's row of each image.
    SmallVector<OpFoldResult> offsets(3, b.getIndexAttr(0)),
        strides(3, b.getIndexAttr(1));
    SmallVector<OpFoldResult> sizes = {b.getIndexAttr(batch),
                                       b.getIndexAttr(1), b.getIndexAttr(d)};
    Value first = tensor::ExtractSliceOp::create(
        b, at("classifier"), f32({batch, d}), x, offsets, sizes, strides);
    Value logits = linear(at("classifier"), first, w[last + 2], w[last + 3]);
    func::ReturnOp::create(b, loc, logits);
  }

  const ViTConfig &c;
  int64_t batch;
};

} // namespace

llvm::Expected<OwningOpRef<ModuleOp>>
kernelforge::vit::buildViTClassifierGraph(MLIRContext *context,
                                          const ViTConfig &config,
                                          const ViTGraphOptions &options) {
  context->loadDialect<TransformerDialect, arith::ArithDialect,
                       func::FuncDialect, tensor::TensorDialect>();
  llvm::Expected<Type> weightType =
      kernelforge::models::floatStorageType(context, options.weights, "ViT");
  if (!weightType)
    return weightType.takeError();
  if (options.batch < 1 || options.batch > 4096)
    return graphError("batch " + llvm::Twine(options.batch) +
                      " is outside [1, 4096]");
  OwningOpRef<ModuleOp> module = ModuleOp::create(UnknownLoc::get(context));
  ViTBuilder builder(context, config, options.batch, *weightType);
  func::FuncOp layer = builder.buildLayer(*module);
  builder.buildClassify(*module, layer);
  if (failed(verify(*module)))
    return graphError("the ViT graph does not verify (a bug: please report "
                      "the config)");
  return module;
}
