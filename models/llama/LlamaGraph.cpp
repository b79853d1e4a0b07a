//===- LlamaGraph.cpp - build a LLaMA-family generation graph in kf -------===//

#include "kernelforge/Models/Llama/LlamaGraph.h"

#include "kernelforge/Dialect/Transformer/IR/TransformerDialect.h"
#include "kernelforge/Dialect/Transformer/IR/TransformerOps.h"

#include "kernelforge/Models/GenerationStep.h"
#include "kernelforge/Models/GraphBuilder.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Verifier.h"

using namespace mlir;
using namespace mlir::kf;
using namespace kernelforge::llama;
namespace models = kernelforge::models;

using kernelforge::models::graphError;
using kernelforge::models::kQuantBlock;
using kernelforge::models::Param;

namespace {

struct LlamaBuilder : models::GraphBuilderBase {
  LlamaBuilder(MLIRContext *context, const LlamaConfig &config, int64_t seq,
               Type weightType, Type cacheType)
      : GraphBuilderBase(context, weightType), c(config), seq(seq),
        cacheType(cacheType) {}

  RankedTensorType hidden() { return f32({1, seq, c.hiddenSize}); }
  bool quantized() const { return weightType.isInteger(8); }
  /// The f16 block scales of an i8 matrix [out, in]: one per
  /// kQuantBlock input features.
  RankedTensorType scales(RankedTensorType matrix) {
    return models::blockScalesType(b, matrix.getShape(), /*blockDim=*/1);
  }
  /// `params` with the scales of its i8 matrices appended
  /// (`<name>.scales`, in the matrices' order).
  SmallVector<Param> withScales(SmallVector<Param> params) {
    if (!quantized())
      return params;
    SmallVector<Param> scaleParams;
    for (Param &param : params)
      if (auto type = dyn_cast<RankedTensorType>(param.second);
          type && type.getElementType().isInteger(8))
        scaleParams.push_back({param.first + ".scales", scales(type)});
    params.append(scaleParams);
    return params;
  }
  int64_t qDim() const { return c.numHeads * c.headDim; }
  int64_t kvDim() const { return c.numKVHeads * c.headDim; }
  int64_t qkvDim() const { return qDim() + 2 * kvDim(); }

  /// The parameter of q, k and v stacked into one matrix (or bias), e.g.
  /// `self_attn.{q:768,k:256,v:256}_proj.weight`: the loader fills it with
  /// those checkpoint tensors of those rows, one after the other.
  std::string qkvName(StringRef what) const {
    return ("self_attn.{q:" + Twine(qDim()) + ",k:" + Twine(kvDim()) +
            ",v:" + Twine(kvDim()) + "}_proj." + what)
        .str();
  }
  /// Gate and up stacked the same way: `mlp.{gate:I,up:I}_proj.<what>`.
  std::string gateUpName(StringRef what) const {
    return ("mlp.{gate:" + Twine(c.intermediateSize) +
            ",up:" + Twine(c.intermediateSize) + "}_proj." + what)
        .str();
  }

  /// One layer's parameters (suffixes after `model.layers.{i}.`), in the
  /// block function's argument order: the six weights, the biases there
  /// are, then with int8 the four matrices' scales. Projections that read
  /// the same input are one matrix (q, k and v; gate and up), stacked from
  /// the checkpoint's tensors at load: one product then streams them
  /// (decode: one parallel region instead of three short ones; prefill:
  /// one wider product).
  SmallVector<Param> blockParams() {
    int64_t e = c.hiddenSize, inner = c.intermediateSize;
    SmallVector<Param> p = {
        {"input_layernorm.weight", f32({e})},
        {qkvName("weight"), matrix(qkvDim(), e)},
        {"self_attn.o_proj.weight", matrix(e, qDim())},
        {"post_attention_layernorm.weight", f32({e})},
        {gateUpName("weight"), matrix(2 * inner, e)},
        {"mlp.down_proj.weight", matrix(e, inner)}};
    if (c.qkvBias)
      p.push_back({qkvName("bias"), f32({qkvDim()})});
    if (c.outputBias)
      p.push_back({"self_attn.o_proj.bias", f32({e})});
    if (c.mlpBias)
      p.append({{gateUpName("bias"), f32({2 * inner})},
                {"mlp.down_proj.bias", f32({e})}});
    return withScales(std::move(p));
  }

  SmallVector<Param> modelParams() {
    // The token table stays f32: kf.embedding's result has its type (there
    // are no f32 positions to set it, as in GPT-2), and the blocks run in
    // f32. A tied head therefore reads it in f32 too.
    SmallVector<Param> p = {
        {"model.embed_tokens.weight", f32({c.vocabSize, c.hiddenSize})}};
    for (int64_t layer = 0; layer < c.numLayers; ++layer)
      for (Param &param : blockParams())
        p.push_back({"model.layers." + std::to_string(layer) + "." +
                         param.first,
                     param.second});
    p.push_back({"model.norm.weight", f32({c.hiddenSize})});
    if (!c.tieWordEmbeddings) {
      p.push_back({"lm_head.weight", matrix(c.vocabSize, c.hiddenSize)});
      if (quantized())
        p.push_back({"lm_head.weight.scales",
                     scales(matrix(c.vocabSize, c.hiddenSize))});
    }
    return p;
  }

  Value rmsNorm(Location loc, Value x, Value scale) {
    return RMSNormOp::create(b, loc, x.getType(), x, scale,
                             b.getF64FloatAttr(c.rmsNormEps));
  }
  Value linear(Location loc, Value x, Value weight, Value bias = Value(),
               Value scales = Value()) {
    return LinearOp::create(b, loc, x, weight, bias, scales,
                            WeightLayout::OutIn);
  }

  RankedTensorType cacheTensor() {
    return RankedTensorType::get(
        {c.numLayers, 2, c.numKVHeads, c.maxPositions, c.headDim}, cacheType);
  }
  /// @llama_block_s<S>(x, cache, layer, pos, weights...) -> (x', cache').
  func::FuncOp buildBlock(ModuleOp module) {
    std::string name = "llama_block_s" + std::to_string(seq);
    Location loc = at(name);
    SmallVector<Type> params = llvm::to_vector(
        llvm::map_range(blockParams(), [](Param &p) { return p.second; }));
    func::FuncOp fn = models::createBlockFunction(b, module, loc, name, hidden(),
                                                  cacheTensor(), params);
    Value x = fn.getArgument(0), cache = fn.getArgument(1),
          layer = fn.getArgument(2), pos = fn.getArgument(3);
    ValueRange w = fn.getArguments().drop_front(4);
    // Biases follow the six weights when present.
    unsigned next = 6;
    auto bias = [&](bool present) { return present ? w[next++] : Value(); };
    Value qkvBias = bias(c.qkvBias), oBias = bias(c.outputBias);
    Value gateUpBias = bias(c.mlpBias), downBias = bias(c.mlpBias);
    // With int8, the four matrices' scales follow in their order.
    auto scalesOf = [&, first = next](unsigned matrix) {
      return quantized() ? w[first + matrix] : Value();
    };

    Value h = rmsNorm(at("input_layernorm"), x, w[0]);
    Value qkv =
        linear(at("self_attn.qkv_proj"), h, w[1], qkvBias, scalesOf(0));
    auto heads = [&](StringRef what, int64_t offset, int64_t n) {
      Location loc = at("self_attn." + what);
      return SplitHeadsOp::create(
          b, loc, models::sliceLastDim(b, loc, qkv, offset, n * c.headDim),
          n);
    };
    Value q = heads("q", 0, c.numHeads);
    Value k = heads("k", qDim(), c.numKVHeads);
    Value v = heads("v", qDim() + kvDim(), c.numKVHeads);
    FloatAttr theta = b.getF64FloatAttr(c.ropeTheta);
    // Rotate-half pairs (i, i + D/2), as Hugging Face's LLaMA.
    DenseF64ArrayAttr frequencies =
        c.ropeFrequencies.empty()
            ? DenseF64ArrayAttr()
            : b.getDenseF64ArrayAttr(c.ropeFrequencies);
    q = RopeOp::create(b, at("self_attn.rope_q"), q.getType(), q, pos, theta,
                       /*interleaved=*/UnitAttr(), frequencies);
    k = RopeOp::create(b, at("self_attn.rope_k"), k.getType(), k, pos, theta,
                       /*interleaved=*/UnitAttr(), frequencies);
    // New keys and values go into rows [pos, pos + S) of the layer's cache
    // in one update (as GPT-2's block does); attention reads the cache's KV
    // heads directly, each shared by numHeads / numKVHeads query heads.
    Value kv = tensor::ConcatOp::create(b, at("self_attn.kv"), 0,
                                        ValueRange{k, v});
    Value layerCache =
        models::sliceLeading(b, at("self_attn.kv_cache"), cache, layer);
    Value updated = KVCacheUpdateOp::create(b, at("self_attn.kv_cache"), kv,
                                            layerCache, pos);
    Value keys = models::sliceLeading(b, at("self_attn.k_cache"), updated,
                                      b.getIndexAttr(0), /*keepLeading=*/true);
    Value values = models::sliceLeading(b, at("self_attn.v_cache"), updated,
                                        b.getIndexAttr(1),
                                        /*keepLeading=*/true);
    Value attn = AttentionOp::create(
        b, at("self_attn"), q, keys, values, /*mask=*/Value(),
        /*query_offset=*/pos, /*causal=*/true, /*scale=*/FloatAttr(),
        /*window=*/c.slidingWindow ? b.getI64IntegerAttr(c.slidingWindow)
                                   : IntegerAttr(),
        /*softcap=*/FloatAttr());
    cache = models::insertLeading(b, at("self_attn.kv_cache"), updated, cache,
                                  layer);
    Value merged = MergeHeadsOp::create(b, at("self_attn"), attn);
    Value o = linear(at("self_attn.o_proj"), merged, w[2], oBias, scalesOf(1));
    Value x1 = AddOp::create(b, at("residual_1"), x, o);
    Value h2 = rmsNorm(at("post_attention_layernorm"), x1, w[3]);
    int64_t inner = c.intermediateSize;
    Value gateUp =
        linear(at("mlp.gate_up_proj"), h2, w[4], gateUpBias, scalesOf(2));
    Value gate = models::sliceLastDim(b, at("mlp.gate_proj"), gateUp, 0, inner);
    Value up = models::sliceLastDim(b, at("mlp.up_proj"), gateUp, inner, inner);
    Value act = SwigluOp::create(b, at("mlp.act"), gate, up);
    Value down =
        linear(at("mlp.down_proj"), act, w[5], downBias, scalesOf(3));
    Value out = AddOp::create(b, at("residual_2"), x1, down);
    func::ReturnOp::create(b, loc, ValueRange{out, cache});
    return fn;
  }

  void buildStep(ModuleOp module, func::FuncOp block, bool prefill,
                 bool allLogits) {
    StringRef name = prefill ? "prefill" : "decode";
    Location loc = at(name);
    auto cacheMemRef = MemRefType::get(cacheTensor().getShape(), cacheType);
    SmallVector<Type> inputs = models::generationStepInputs(
        b, prefill, RankedTensorType::get({1, seq}, b.getI64Type()),
        cacheMemRef);
    // The step's own arguments come before the parameters.
    unsigned operands = inputs.size();
    SmallVector<Param> params = modelParams();
    for (Param &param : params)
      inputs.push_back(param.second);
    Type logitsType = prefill && allLogits ? f32({1, seq, c.vocabSize})
                                           : f32({1, c.vocabSize});
    b.setInsertionPointToEnd(module.getBody());
    auto fn = func::FuncOp::create(b, loc, name,
                                   b.getFunctionType(inputs, {logitsType}));
    models::markGenerationStepRoles(fn, prefill);
    for (auto [i, param] : llvm::enumerate(params))
      fn.setArgAttr(operands + i, TransformerDialect::getParamAttrName(),
                    b.getStringAttr(param.first));
    b.setInsertionPointToStart(fn.addEntryBlock());
    // The chunk's first position, and (prefill) the row whose logits return.
    Value ids = fn.getArgument(0), pos = fn.getArgument(1),
          lastRow = prefill ? fn.getArgument(2) : Value(),
          cacheArg = fn.getArgument(operands - 1);
    ValueRange w = fn.getArguments().drop_front(operands);

    Value cache = bufferization::ToTensorOp::create(
        b, loc, cacheTensor(), cacheArg, /*restrict=*/true, /*writable=*/true);
    Value x = EmbeddingOp::create(b, at("model.embed_tokens"), ids, w[0],
                                  /*positions=*/Value(),
                                  /*position_offset=*/Value(),
                                  /*scales=*/Value());
    size_t perBlock = blockParams().size();
    std::tie(x, cache) = models::applyLayers(
        b, loc, block, x, cache, pos, w, /*first=*/1, perBlock, c.numLayers,
        [](int64_t layer) { return "model.layers." + std::to_string(layer); });
    bufferization::MaterializeInDestinationOp::create(b, loc, TypeRange(),
                                                      cache, cacheArg)
        .setWritable(true);
    if (prefill && !allLogits)
      x = models::lastTokenRow(b, loc, x, lastRow);
    size_t norm = 1 + c.numLayers * perBlock;
    Value h = rmsNorm(at("model.norm"), x, w[norm]);
    Value table = c.tieWordEmbeddings ? w[0] : w[norm + 1];
    Value headScales =
        quantized() && !c.tieWordEmbeddings ? w[norm + 2] : Value();
    Value logits = linear(at("lm_head"), h, table, /*bias=*/Value(), headScales);
    if (!(prefill && allLogits))
      logits = models::dropTokenDim(b, loc, logits);
    func::ReturnOp::create(b, loc, logits);
  }

  const LlamaConfig &c;
  int64_t seq;
  Type cacheType;
};

} // namespace

llvm::Expected<OwningOpRef<ModuleOp>> kernelforge::llama::buildLlamaGenerationGraph(
    MLIRContext *context, const LlamaConfig &config,
    const LlamaGenerationOptions &options) {
  context->loadDialect<TransformerDialect, arith::ArithDialect,
                       bufferization::BufferizationDialect, func::FuncDialect,
                       memref::MemRefDialect, tensor::TensorDialect>();
  llvm::Expected<Type> weightType =
      options.weights == "int8"
          ? Type(IntegerType::get(context, 8))
          : models::floatStorageType(context, options.weights,
                                     "LLaMA-family models");
  if (!weightType)
    return weightType.takeError();
  // Int8 blocks must tile every product's input features.
  if (weightType->isInteger(8))
    for (auto [key, size] :
         {std::pair{"hidden_size", config.hiddenSize},
          {"intermediate_size", config.intermediateSize},
          {"num_attention_heads * head_dim", config.numHeads * config.headDim}})
      if (size % kQuantBlock != 0)
        return graphError("int8 weights need " + llvm::Twine(key) + " (" +
                          llvm::Twine(size) + ") to be a multiple of the " +
                          llvm::Twine(kQuantBlock) + "-value block");
  Type cacheType = models::floatTypeNamed(context, options.kvCache);
  if (!cacheType)
    return graphError("a KV cache of '" + llvm::Twine(options.kvCache) +
                      "' is not supported (f32, f16 or bf16)");
  if (options.prefillTokens < 1 ||
      options.prefillTokens > config.maxPositions)
    return graphError("prefill bucket " + llvm::Twine(options.prefillTokens) +
                      " is outside [1, max_position_embeddings " +
                      llvm::Twine(config.maxPositions) + "]");
  OwningOpRef<ModuleOp> module = ModuleOp::create(UnknownLoc::get(context));
  LlamaBuilder prefill(context, config, options.prefillTokens, *weightType,
                       cacheType);
  func::FuncOp prefillBlock = prefill.buildBlock(*module);
  prefill.buildStep(*module, prefillBlock, /*prefill=*/true,
                    options.allLogits);
  LlamaBuilder decode(context, config, 1, *weightType, cacheType);
  func::FuncOp decodeBlock =
      options.prefillTokens == 1 ? prefillBlock : decode.buildBlock(*module);
  decode.buildStep(*module, decodeBlock, /*prefill=*/false, false);
  if (failed(verify(*module)))
    return graphError("the LLaMA graph does not verify (see the diagnostics)");
  return module;
}
