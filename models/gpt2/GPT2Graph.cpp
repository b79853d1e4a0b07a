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

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Verifier.h"

using namespace mlir;
using namespace mlir::kf;
using namespace kernelforge::gpt2;

namespace {
/// Shapes and tensor names of one model instance.
struct GraphBuilder {
  GraphBuilder(MLIRContext *context, const GPT2Config &config, int64_t batch,
               int64_t seq)
      : b(context), c(config), batch(batch), seq(seq) {}

  RankedTensorType f32(ArrayRef<int64_t> shape) {
    return RankedTensorType::get(shape, b.getF32Type());
  }
  RankedTensorType hidden() { return f32({batch, seq, c.embedDim}); }

  /// The per-block weights, in the argument order of @gpt2_block.
  SmallVector<std::pair<StringRef, Type>> blockParams() {
    int64_t e = c.embedDim, inner = c.innerDim;
    return {{"ln_1.weight", f32({e})},
            {"ln_1.bias", f32({e})},
            {"attn.c_attn.weight", f32({e, 3 * e})},
            {"attn.c_attn.bias", f32({3 * e})},
            {"attn.c_proj.weight", f32({e, e})},
            {"attn.c_proj.bias", f32({e})},
            {"ln_2.weight", f32({e})},
            {"ln_2.bias", f32({e})},
            {"mlp.c_fc.weight", f32({e, inner})},
            {"mlp.c_fc.bias", f32({inner})},
            {"mlp.c_proj.weight", f32({inner, e})},
            {"mlp.c_proj.bias", f32({e})}};
  }

  Value layerNorm(Location loc, Value x, Value scale, Value bias) {
    return LayerNormOp::create(b, loc, x.getType(), x, scale, bias,
                               b.getF64FloatAttr(c.layerNormEps));
  }
  Value linear(Location loc, Value x, Value weight, Value bias,
               WeightLayout layout = WeightLayout::InOut) {
    return LinearOp::create(b, loc, x, weight, bias, layout);
  }
  /// Columns [index * E, (index + 1) * E) of the fused q|k|v projection.
  Value qkvSlice(Location loc, Value qkv, int64_t index) {
    SmallVector<OpFoldResult> offsets = {b.getIndexAttr(0), b.getIndexAttr(0),
                                         b.getIndexAttr(index * c.embedDim)};
    SmallVector<OpFoldResult> sizes = {b.getIndexAttr(batch),
                                       b.getIndexAttr(seq),
                                       b.getIndexAttr(c.embedDim)};
    SmallVector<OpFoldResult> strides(3, b.getIndexAttr(1));
    Value flat = tensor::ExtractSliceOp::create(b, loc, qkv, offsets, sizes,
                                                strides);
    return SplitHeadsOp::create(b, loc, flat, c.numHeads);
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

    auto at = [&](StringRef name) { return NameLoc::get(b.getStringAttr(name)); };
    Value h = layerNorm(at("ln_1"), x, w[0], w[1]);
    Value qkv = linear(at("attn.c_attn"), h, w[2], w[3]);
    Value q = qkvSlice(at("attn.q"), qkv, 0);
    Value k = qkvSlice(at("attn.k"), qkv, 1);
    Value v = qkvSlice(at("attn.v"), qkv, 2);
    Value heads = AttentionOp::create(b, at("attn"), q, k, v, /*mask=*/Value(),
                                      /*query_offset=*/Value(),
                                      /*causal=*/true, /*scale=*/FloatAttr());
    Value merged = MergeHeadsOp::create(b, at("attn"), heads);
    Value attn = linear(at("attn.c_proj"), merged, w[4], w[5]);
    Value x1 = AddOp::create(b, at("residual_1"), x, attn);
    Value h2 = layerNorm(at("ln_2"), x1, w[6], w[7]);
    Value fc = linear(at("mlp.c_fc"), h2, w[8], w[9]);
    Value act = GeluOp::create(b, at("mlp.act"), fc.getType(), fc, c.gelu);
    Value mlp = linear(at("mlp.c_proj"), act, w[10], w[11]);
    Value out = AddOp::create(b, at("residual_2"), x1, mlp);
    func::ReturnOp::create(b, loc, out);
    return fn;
  }

  void buildModel(ModuleOp module, func::FuncOp block) {
    Location loc = NameLoc::get(b.getStringAttr("gpt2"));
    SmallVector<Type> inputs = {
        RankedTensorType::get({batch, seq}, b.getI64Type())};
    SmallVector<std::string> names;
    auto addParam = [&](const std::string &name, Type type) {
      names.push_back(name);
      inputs.push_back(type);
    };
    addParam("wte.weight", f32({c.vocabSize, c.embedDim}));
    addParam("wpe.weight", f32({c.maxPositions, c.embedDim}));
    SmallVector<std::pair<StringRef, Type>> perLayer = blockParams();
    for (int64_t layer = 0; layer < c.numLayers; ++layer)
      for (auto &param : perLayer)
        addParam("h." + std::to_string(layer) + "." + param.first.str(),
                 param.second);
    addParam("ln_f.weight", f32({c.embedDim}));
    addParam("ln_f.bias", f32({c.embedDim}));
    if (!c.tieWordEmbeddings)
      addParam("lm_head.weight", f32({c.vocabSize, c.embedDim}));

    b.setInsertionPointToEnd(module.getBody());
    auto logitsType = f32({batch, seq, c.vocabSize});
    auto fn = func::FuncOp::create(b, loc, "gpt2",
                                   b.getFunctionType(inputs, {logitsType}));
    for (auto [i, name] : llvm::enumerate(names))
      fn.setArgAttr(i + 1, TransformerDialect::getParamAttrName(),
                    b.getStringAttr(name));
    b.setInsertionPointToStart(fn.addEntryBlock());
    ValueRange params = fn.getArguments().drop_front();

    Value x = EmbeddingOp::create(b, NameLoc::get(b.getStringAttr("wte")),
                                  fn.getArgument(0), params[0], params[1],
                                  /*position_offset=*/Value());
    size_t perBlock = perLayer.size();
    for (int64_t layer = 0; layer < c.numLayers; ++layer) {
      SmallVector<Value> operands = {x};
      llvm::append_range(operands,
                         params.slice(2 + layer * perBlock, perBlock));
      x = func::CallOp::create(
              b, NameLoc::get(b.getStringAttr("h." + std::to_string(layer))),
              block, operands)
              .getResult(0);
    }
    size_t lnf = 2 + c.numLayers * perBlock;
    Value h = layerNorm(NameLoc::get(b.getStringAttr("ln_f")), x, params[lnf],
                        params[lnf + 1]);
    Value head = c.tieWordEmbeddings ? params[0] : params[lnf + 2];
    Value logits = linear(NameLoc::get(b.getStringAttr("lm_head")), h, head,
                          /*bias=*/Value(), WeightLayout::OutIn);
    func::ReturnOp::create(b, loc, logits);
  }

  OpBuilder b;
  const GPT2Config &c;
  int64_t batch, seq;
};
} // namespace

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
  context->loadDialect<TransformerDialect, func::FuncDialect,
                       tensor::TensorDialect>();

  OwningOpRef<ModuleOp> module =
      ModuleOp::create(NameLoc::get(StringAttr::get(context, "gpt2")));
  GraphBuilder builder(context, config, options.batch, seq);
  func::FuncOp block = builder.buildBlock(*module);
  builder.buildModel(*module, block);
  if (failed(verify(*module)))
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "the built GPT-2 graph does not verify");
  return std::move(module);
}
