//===- GPT2Graph.cpp - build a GPT-2 forward graph in the kf dialect ------===//
//
// The graph mirrors Hugging Face's GPT2LMHeadModel: learned token and
// position embeddings, pre-norm blocks (causal self-attention and a GELU MLP,
// each around a residual), a final layer norm and the language-model head.
// The op order matches models/gpt2/gpt2-makemore.mlir, which a lit test
// checks.
//
//===----------------------------------------------------------------------===//

#include "kernelforge/Models/GPT2/GPT2Graph.h"

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
using namespace kernelforge::gpt2;
namespace models = kernelforge::models;

namespace {
/// Shapes and tensor names of one model instance.
struct GraphBuilder {
  GraphBuilder(MLIRContext *context, const GPT2Config &config, int64_t batch,
               int64_t seq, WeightStorage storage,
               Type cacheElement = Type())
      : b(context), c(config), batch(batch), seq(seq), storage(storage),
        cacheType(cacheElement ? cacheElement : b.getF32Type()) {}

  RankedTensorType f32(ArrayRef<int64_t> shape) {
    return RankedTensorType::get(shape, b.getF32Type());
  }
  /// A weight matrix in the storage type.
  RankedTensorType matrix(ArrayRef<int64_t> shape) {
    Type element = b.getF32Type();
    if (storage == WeightStorage::F16)
      element = b.getF16Type();
    else if (storage == WeightStorage::BF16)
      element = b.getBF16Type();
    else if (storage == WeightStorage::Int8)
      element = b.getI8Type();
    return RankedTensorType::get(shape, element);
  }
  bool quantized() const { return storage == WeightStorage::Int8; }
  /// The block scales of an i8 matrix of `shape` whose blocks run along
  /// dimension `blockDim` (the one its products reduce over).
  RankedTensorType scales(ArrayRef<int64_t> shape, unsigned blockDim) {
    return kernelforge::models::blockScalesType(b, shape, blockDim);
  }
  RankedTensorType hidden() { return f32({batch, seq, c.embedDim}); }

  /// The per-block weights, in the argument order of @gpt2_block; with i8
  /// matrices their scales follow (`<name>.scales`, blocks along the input
  /// features: the Conv1D weights' rows).
  SmallVector<std::pair<StringRef, Type>> blockParams() {
    int64_t e = c.embedDim, inner = c.innerDim;
    SmallVector<std::pair<StringRef, Type>> params = {
        {"ln_1.weight", f32({e})},
        {"ln_1.bias", f32({e})},
        {"attn.c_attn.weight", matrix({e, 3 * e})},
        {"attn.c_attn.bias", f32({3 * e})},
        {"attn.c_proj.weight", matrix({e, e})},
        {"attn.c_proj.bias", f32({e})},
        {"ln_2.weight", f32({e})},
        {"ln_2.bias", f32({e})},
        {"mlp.c_fc.weight", matrix({e, inner})},
        {"mlp.c_fc.bias", f32({inner})},
        {"mlp.c_proj.weight", matrix({inner, e})},
        {"mlp.c_proj.bias", f32({e})}};
    if (quantized())
      params.append({{"attn.c_attn.weight.scales", scales({e, 3 * e}, 0)},
                     {"attn.c_proj.weight.scales", scales({e, e}, 0)},
                     {"mlp.c_fc.weight.scales", scales({e, inner}, 0)},
                     {"mlp.c_proj.weight.scales", scales({inner, e}, 0)}});
    return params;
  }
  /// The scales of the block weight at `index` (12 + its rank among the
  /// four matrices), or none.
  Value blockScales(ValueRange w, unsigned matrix) {
    return quantized() ? w[12 + matrix] : Value();
  }

  Value layerNorm(Location loc, Value x, Value scale, Value bias) {
    return LayerNormOp::create(b, loc, x.getType(), x, scale, bias,
                               b.getF64FloatAttr(c.layerNormEps));
  }
  Value linear(Location loc, Value x, Value weight, Value bias,
               Value scales = Value(),
               WeightLayout layout = WeightLayout::InOut) {
    return LinearOp::create(b, loc, x, weight, bias, scales, layout);
  }
  /// Columns [index * E, (index + 1) * E) of the fused q|k|v projection.
  Value qkvSlice(Location loc, Value qkv, int64_t index) {
    Value flat = kernelforge::models::sliceLastDim(
        b, loc, qkv, index * c.embedDim, c.embedDim);
    return SplitHeadsOp::create(b, loc, flat, c.numHeads);
  }

  Location at(StringRef name) { return NameLoc::get(b.getStringAttr(name)); }

  /// A pre-norm transformer block on `x` with the weights `w` (blockParams
  /// order); `attend(q, k, v)` gives the attention heads.
  Value blockBody(Value x, ValueRange w,
                  llvm::function_ref<Value(Value, Value, Value)> attend) {
    Value h = layerNorm(at("ln_1"), x, w[0], w[1]);
    Value qkv = linear(at("attn.c_attn"), h, w[2], w[3], blockScales(w, 0));
    Value q = qkvSlice(at("attn.q"), qkv, 0);
    Value k = qkvSlice(at("attn.k"), qkv, 1);
    Value v = qkvSlice(at("attn.v"), qkv, 2);
    Value heads = attend(q, k, v);
    Value merged = MergeHeadsOp::create(b, at("attn"), heads);
    Value attn =
        linear(at("attn.c_proj"), merged, w[4], w[5], blockScales(w, 1));
    Value x1 = AddOp::create(b, at("residual_1"), x, attn);
    Value h2 = layerNorm(at("ln_2"), x1, w[6], w[7]);
    Value fc = linear(at("mlp.c_fc"), h2, w[8], w[9], blockScales(w, 2));
    Value act = GeluOp::create(b, at("mlp.act"), fc.getType(), fc, c.gelu);
    Value mlp = linear(at("mlp.c_proj"), act, w[10], w[11], blockScales(w, 3));
    return AddOp::create(b, at("residual_2"), x1, mlp);
  }

  func::FuncOp buildBlock(ModuleOp module) {
    Location loc = NameLoc::get(b.getStringAttr("gpt2_block"));
    SmallVector<Type> inputs = {hidden()};
    for (auto &param : blockParams())
      inputs.push_back(param.second);
    b.setInsertionPointToEnd(module.getBody());
    auto fn = func::FuncOp::create(b, loc, "gpt2_block",
                                   b.getFunctionType(inputs, {hidden()}));
    fn.setPrivate();
    b.setInsertionPointToStart(fn.addEntryBlock());
    ValueRange w = fn.getArguments().drop_front();
    Value x = fn.getArgument(0);

    Value out = blockBody(x, w, [&](Value q, Value k, Value v) -> Value {
      return AttentionOp::create(b, at("attn"), q, k, v, /*mask=*/Value(),
                                 /*query_offset=*/Value(), /*causal=*/true,
                                 /*scale=*/FloatAttr(), /*window=*/IntegerAttr(),
        /*softcap=*/FloatAttr());
    });
    func::ReturnOp::create(b, loc, out);
    return fn;
  }

  void buildModel(ModuleOp module, func::FuncOp block) {
    Location loc = NameLoc::get(b.getStringAttr("gpt2"));
    SmallVector<Type> inputs = {
        RankedTensorType::get({batch, seq}, b.getI64Type())};
    SmallVector<std::pair<std::string, Type>> params = modelParams();
    for (auto &param : params)
      inputs.push_back(param.second);
    SmallVector<std::pair<StringRef, Type>> perLayer = blockParams();

    b.setInsertionPointToEnd(module.getBody());
    auto logitsType = f32({batch, seq, c.vocabSize});
    auto fn = func::FuncOp::create(b, loc, "gpt2",
                                   b.getFunctionType(inputs, {logitsType}));
    nameParams(fn, /*first=*/1, params);
    b.setInsertionPointToStart(fn.addEntryBlock());
    ValueRange w = fn.getArguments().drop_front();

    Value x = EmbeddingOp::create(b, NameLoc::get(b.getStringAttr("wte")),
                                  fn.getArgument(0), w[0], w[1],
                                  /*position_offset=*/Value(),
                                  tableScales(w));
    size_t perBlock = perLayer.size();
    for (int64_t layer = 0; layer < c.numLayers; ++layer) {
      SmallVector<Value> operands = {x};
      llvm::append_range(operands, w.slice(2 + layer * perBlock, perBlock));
      x = func::CallOp::create(
              b, NameLoc::get(b.getStringAttr("h." + std::to_string(layer))),
              block, operands)
              .getResult(0);
    }
    Value logits = head(x, w);
    func::ReturnOp::create(b, loc, logits);
  }

  /// Every parameter of the model in argument order, with its checkpoint
  /// name.
  SmallVector<std::pair<std::string, Type>> modelParams() {
    SmallVector<std::pair<std::string, Type>> params;
    params.push_back({"wte.weight", matrix({c.vocabSize, c.embedDim})});
    params.push_back({"wpe.weight", f32({c.maxPositions, c.embedDim})});
    for (int64_t layer = 0; layer < c.numLayers; ++layer)
      for (auto &param : blockParams())
        params.push_back(
            {"h." + std::to_string(layer) + "." + param.first.str(),
             param.second});
    params.push_back({"ln_f.weight", f32({c.embedDim})});
    params.push_back({"ln_f.bias", f32({c.embedDim})});
    if (!c.tieWordEmbeddings)
      params.push_back({"lm_head.weight", matrix({c.vocabSize, c.embedDim})});
    // The embedding's (and an untied head's) scales: blocks along features.
    if (quantized()) {
      params.push_back(
          {"wte.weight.scales", scales({c.vocabSize, c.embedDim}, 1)});
      if (!c.tieWordEmbeddings)
        params.push_back(
            {"lm_head.weight.scales", scales({c.vocabSize, c.embedDim}, 1)});
    }
    return params;
  }
  /// Index of ln_f's scale among the model parameters (wte, wpe, blocks).
  size_t finalNorm() { return 2 + c.numLayers * blockParams().size(); }
  /// Index of the first model parameter after ln_f.
  size_t afterFinalNorm() { return finalNorm() + 2; }
  Value tableScales(ValueRange w) {
    return quantized() ? w[afterFinalNorm() + (c.tieWordEmbeddings ? 0 : 1)]
                       : Value();
  }
  Value headScales(ValueRange w) {
    if (!quantized())
      return Value();
    return w[afterFinalNorm() + (c.tieWordEmbeddings ? 0 : 2)];
  }

  void nameParams(func::FuncOp fn, unsigned first,
                  ArrayRef<std::pair<std::string, Type>> params) {
    for (auto [i, param] : llvm::enumerate(params))
      fn.setArgAttr(first + i, TransformerDialect::getParamAttrName(),
                    b.getStringAttr(param.first));
  }

  /// ln_f and the language-model head on hidden states `x`; `w` are the
  /// model parameters in modelParams() order.
  Value head(Value x, ValueRange w) {
    size_t lnf = finalNorm();
    Value h = layerNorm(NameLoc::get(b.getStringAttr("ln_f")), x, w[lnf],
                        w[lnf + 1]);
    Value table = c.tieWordEmbeddings ? w[0] : w[lnf + 2];
    return linear(NameLoc::get(b.getStringAttr("lm_head")), h, table,
                  /*bias=*/Value(), headScales(w), WeightLayout::OutIn);
  }

  RankedTensorType cacheTensor() {
    return RankedTensorType::get(
        {c.numLayers, 2, c.numHeads, c.maxPositions, c.headDim()},
        cacheType);
  }
  /// @gpt2_block_s<S>(x, cache, layer, pos, weights...) -> (x', cache'): one
  /// block whose new keys and values go into rows [pos, pos + S) of the
  /// layer's cache and whose attention reads the cache.
  func::FuncOp buildKVBlock(ModuleOp module) {
    std::string name = "gpt2_block_s" + std::to_string(seq);
    Location loc = NameLoc::get(b.getStringAttr(name));
    SmallVector<Type> params;
    for (auto &param : blockParams())
      params.push_back(param.second);
    func::FuncOp fn = models::createBlockFunction(b, module, loc, name, hidden(),
                                                  cacheTensor(), params);
    Value x = fn.getArgument(0), cache = fn.getArgument(1),
          layer = fn.getArgument(2), pos = fn.getArgument(3);
    ValueRange w = fn.getArguments().drop_front(4);

    Value out = blockBody(x, w, [&](Value q, Value k, Value v) -> Value {
      // Keys and values stacked as a batch of two, [2, heads, S, head_dim],
      // go into the layer's [2, heads, positions, head_dim] cache in one
      // update; the attention reads the updated rows before the layer is
      // put back. In this order bufferization writes the new rows straight
      // into the caller's cache and copies nothing else.
      Value kv = tensor::ConcatOp::create(b, at("attn.kv"), /*dim=*/0,
                                          ValueRange{k, v});
      Value layerCache = models::sliceLeading(b, at("attn.kv_cache"), cache,
                                              layer);
      Value updated =
          KVCacheUpdateOp::create(b, at("attn.kv_cache"), kv, layerCache, pos);
      Value keys = models::sliceLeading(b, at("attn.k_cache"), updated,
                                        b.getIndexAttr(0), /*keepLeading=*/true);
      Value values = models::sliceLeading(b, at("attn.v_cache"), updated,
                                          b.getIndexAttr(1),
                                          /*keepLeading=*/true);
      Value heads = AttentionOp::create(b, at("attn"), q, keys, values,
                                        /*mask=*/Value(), /*query_offset=*/pos,
                                        /*causal=*/true, /*scale=*/FloatAttr(),
                                        /*window=*/IntegerAttr(),
                                        /*softcap=*/FloatAttr());
      cache = models::insertLeading(b, at("attn.kv_cache"), updated, cache,
                                    layer);
      return heads;
    });
    func::ReturnOp::create(b, loc, ValueRange{out, cache});
    return fn;
  }

  /// @prefill or @decode around @gpt2_block_kv (see buildGPT2StepGraph).
  void buildStep(ModuleOp module, func::FuncOp block, GPT2Step step,
                 bool allLogits) {
    bool prefill = step == GPT2Step::Prefill;
    StringRef name = prefill ? "prefill" : "decode";
    Location loc = NameLoc::get(b.getStringAttr(name));
    auto cacheMemRef = MemRefType::get(cacheTensor().getShape(), cacheType);
    SmallVector<Type> inputs = models::generationStepInputs(
        b, prefill, RankedTensorType::get({1, seq}, b.getI64Type()),
        cacheMemRef);
    // The step's own arguments come before the parameters.
    unsigned operands = inputs.size();
    SmallVector<std::pair<std::string, Type>> params = modelParams();
    for (auto &param : params)
      inputs.push_back(param.second);
    Type logitsType = prefill && allLogits
                          ? f32({1, seq, c.vocabSize})
                          : f32({1, c.vocabSize});
    b.setInsertionPointToEnd(module.getBody());
    auto fn = func::FuncOp::create(b, loc, name,
                                   b.getFunctionType(inputs, {logitsType}));
    models::markGenerationStepRoles(fn, prefill);
    nameParams(fn, /*first=*/operands, params);
    b.setInsertionPointToStart(fn.addEntryBlock());
    // The chunk's first position, and (prefill) the row whose logits return.
    Value ids = fn.getArgument(0), pos = fn.getArgument(1),
          lastRow = prefill ? fn.getArgument(2) : Value(),
          cacheArg = fn.getArgument(operands - 1);
    ValueRange w = fn.getArguments().drop_front(operands);

    // The caller's cache, read and written in place.
    Value cache = bufferization::ToTensorOp::create(
        b, loc, cacheTensor(), cacheArg, /*restrict=*/true, /*writable=*/true);
    Value x =
        EmbeddingOp::create(b, NameLoc::get(b.getStringAttr("wte")), ids, w[0],
                            w[1], /*position_offset=*/pos, tableScales(w));
    std::tie(x, cache) = models::applyLayers(
        b, loc, block, x, cache, pos, w, /*first=*/2, blockParams().size(),
        c.numLayers, [](int64_t layer) { return "h." + std::to_string(layer); });
    bufferization::MaterializeInDestinationOp::create(b, loc, TypeRange(),
                                                      cache, cacheArg)
        .setWritable(true);
    // Only the row of the last prompt token goes through the head.
    if (prefill && !allLogits)
      x = models::lastTokenRow(b, loc, x, lastRow);
    Value logits = head(x, w);
    if (!(prefill && allLogits))
      logits = models::dropTokenDim(b, loc, logits);
    func::ReturnOp::create(b, loc, logits);
  }

  OpBuilder b;
  const GPT2Config &c;
  int64_t batch, seq;
  WeightStorage storage;
  /// The KV cache's element type.
  Type cacheType;
};
} // namespace

StringRef kernelforge::gpt2::stringifyWeightStorage(WeightStorage storage) {
  switch (storage) {
  case WeightStorage::Int8:
    return "int8";
  case WeightStorage::F32:
    return "f32";
  case WeightStorage::F16:
    return "f16";
  case WeightStorage::BF16:
    return "bf16";
  }
  llvm_unreachable("unknown weight storage");
}

std::optional<WeightStorage>
kernelforge::gpt2::parseWeightStorage(StringRef name) {
  for (WeightStorage storage : {WeightStorage::F32, WeightStorage::F16,
                                WeightStorage::BF16, WeightStorage::Int8})
    if (name == stringifyWeightStorage(storage))
      return storage;
  return std::nullopt;
}

/// Int8 blocks must tile the dimensions products reduce over.
static llvm::Error checkStorage(const GPT2Config &config,
                                WeightStorage storage) {
  if (storage != WeightStorage::Int8 ||
      (config.embedDim % kQuantBlock == 0 && config.innerDim % kQuantBlock == 0))
    return llvm::Error::success();
  return llvm::createStringError(
      llvm::inconvertibleErrorCode(),
      "int8 weights need n_embd (%lld) and n_inner (%lld) to be multiples of "
      "the %lld-value block",
      (long long)config.embedDim, (long long)config.innerDim,
      (long long)kQuantBlock);
}

llvm::Expected<OwningOpRef<ModuleOp>>
kernelforge::gpt2::buildGPT2Graph(MLIRContext *context,
                                  const GPT2Config &config,
                                  const GPT2GraphOptions &options) {
  int64_t seq = options.seqLen ? options.seqLen : config.maxPositions;
  if (options.batch <= 0 || seq <= 0 || seq > config.maxPositions)
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        "expected batch > 0 and 0 < sequence length <= n_positions (%lld), "
        "got batch %lld and sequence length %lld",
        (long long)config.maxPositions, (long long)options.batch,
        (long long)seq);
  if (llvm::Error error = checkStorage(config, options.weights))
    return std::move(error);
  context->loadDialect<TransformerDialect, func::FuncDialect,
                       tensor::TensorDialect>();

  OwningOpRef<ModuleOp> module =
      ModuleOp::create(NameLoc::get(StringAttr::get(context, "gpt2")));
  GraphBuilder builder(context, config, options.batch, seq, options.weights);
  func::FuncOp block = builder.buildBlock(*module);
  builder.buildModel(*module, block);
  if (failed(verify(*module)))
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "the built GPT-2 graph does not verify");
  return std::move(module);
}

SmallVector<int64_t> kernelforge::gpt2::gpt2CacheShape(const GPT2Config &config) {
  return {config.numLayers, 2, config.numHeads, config.maxPositions,
          config.headDim()};
}

llvm::Expected<OwningOpRef<ModuleOp>>
kernelforge::gpt2::buildGPT2GenerationGraph(MLIRContext *context,
                                            const GPT2Config &config,
                                            const GPT2GenerationOptions &options) {
  if (options.prefillTokens <= 0 || options.prefillTokens > config.maxPositions)
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        "expected 0 < prefill length <= n_positions (%lld), got %lld",
        (long long)config.maxPositions, (long long)options.prefillTokens);
  if (llvm::Error error = checkStorage(config, options.weights))
    return std::move(error);
  Type cacheType = models::floatTypeNamed(context, options.kvCache);
  if (!cacheType)
    return models::graphError("a KV cache of '" + llvm::Twine(options.kvCache) +
                              "' is not supported (f32, f16 or bf16)");
  context->loadDialect<TransformerDialect, func::FuncDialect,
                       tensor::TensorDialect, arith::ArithDialect,
                       bufferization::BufferizationDialect,
                       memref::MemRefDialect>();
  OwningOpRef<ModuleOp> module =
      ModuleOp::create(NameLoc::get(StringAttr::get(context, "gpt2")));
  GraphBuilder prefill(context, config, /*batch=*/1, options.prefillTokens,
                       options.weights, cacheType);
  func::FuncOp prefillBlock = prefill.buildKVBlock(*module);
  prefill.buildStep(*module, prefillBlock, GPT2Step::Prefill,
                    options.allLogits);
  GraphBuilder decode(context, config, /*batch=*/1, /*seq=*/1,
                      options.weights, cacheType);
  // A one-token prefill runs the decode step's block.
  func::FuncOp decodeBlock =
      options.prefillTokens == 1 ? prefillBlock : decode.buildKVBlock(*module);
  decode.buildStep(*module, decodeBlock, GPT2Step::Decode,
                   /*allLogits=*/false);
  if (failed(verify(*module)))
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "the built GPT-2 generation graph does not "
                                   "verify");
  return std::move(module);
}
