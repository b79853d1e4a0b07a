//===- LlamaConfig.cpp - parse and validate a Hugging Face LlamaConfig ----===//

#include "kernelforge/Models/Llama/LlamaConfig.h"
#include "kernelforge/Models/ConfigReader.h"

#include "llvm/Support/MemoryBuffer.h"

#include <cmath>
#include <tuple>

using namespace kernelforge::llama;
using namespace kernelforge::models;

/// An optional token id (an integer >= 0, or null).
static Error optionalTokenId(const json::Object &object, llvm::StringRef key,
                             llvm::StringRef source, int64_t &out) {
  const json::Value *value = object.get(key);
  if (!value || value->getAsNull())
    return Error::success();
  std::optional<int64_t> id = mlir::kf::jsonInteger(*value);
  if (!id || *id < 0)
    return configError(source, "expected '" + key +
                                   "' to be a token id (an integer >= 0); "
                                   "a list of ids is not supported");
  out = *id;
  return Error::success();
}

/// rope_scaling as the per-pair inverse frequencies it gives, following
/// transformers' rope initialisation: `linear` divides every frequency by
/// `factor`; `llama3` divides those whose wavelength exceeds
/// original_max_position_embeddings / low_freq_factor, keeps those below
/// original / high_freq_factor, and blends in between.
static Error readRopeScaling(const json::Value &value, llvm::StringRef source,
                             LlamaConfig &c) {
  const json::Object *fields = value.getAsObject();
  if (!fields)
    return configError(source, "expected 'rope_scaling' to be an object or "
                               "null");
  llvm::StringRef kind = fields->getString("rope_type")
                             .value_or(fields->getString("type").value_or(""));
  if (kind == "default")
    return Error::success();
  if (kind != "linear" && kind != "llama3")
    return configError(source, "rope_scaling of type '" + kind +
                                   "' is not supported (linear, llama3)");
  ConfigReader read(*fields, source);
  double factor = 0;
  if (Error err = read.optionalNumber("factor", factor))
    return err;
  if (factor <= 0)
    return configError(source, "rope_scaling '" + kind +
                                   "' needs a positive 'factor'");
  int64_t d = c.headDim;
  for (int64_t i = 0; i < d / 2; ++i)
    c.ropeFrequencies.push_back(std::pow(c.ropeTheta, -2.0 * i / d));
  if (kind == "linear") {
    for (double &f : c.ropeFrequencies)
      f /= factor;
    return Error::success();
  }
  double low = 0, high = 0;
  int64_t original = 0;
  if (Error err = read.optionalNumber("low_freq_factor", low))
    return err;
  if (Error err = read.optionalNumber("high_freq_factor", high))
    return err;
  if (Error err =
          read.positive("original_max_position_embeddings", original))
    return err;
  if (!(low > 0) || !(high > low))
    return configError(source, "rope_scaling 'llama3' needs 0 < "
                               "low_freq_factor < high_freq_factor");
  for (double &f : c.ropeFrequencies) {
    double wavelength = 2 * M_PI / f;
    if (wavelength > original / low) {
      f /= factor;
    } else if (wavelength >= original / high) {
      double smooth = (original / wavelength - low) / (high - low);
      f = (1 - smooth) * f / factor + smooth * f;
    }
  }
  return Error::success();
}

llvm::Expected<LlamaConfig>
kernelforge::llama::parseLlamaConfig(llvm::StringRef text,
                                     llvm::StringRef source) {
  json::Value parsed(nullptr);
  if (Error err = parseConfigObject(text, source, parsed))
    return std::move(err);
  const json::Object &object = *parsed.getAsObject();
  ConfigReader read(object, source);

  LlamaConfig c;
  llvm::StringRef type = read.string("model_type").value_or("llama");
  if (type != "llama" && type != "qwen2" && type != "mistral")
    return configError(source, "expected model_type 'llama', 'mistral' or "
                               "'qwen2', got '" +
                                   type + "'");
  bool qwen2 = type == "qwen2";
  c.modelType = type.str();
  for (auto [key, field, limit] :
       {std::tuple{"vocab_size", &c.vocabSize, ConfigReader::kMaxSize},
        std::tuple{"hidden_size", &c.hiddenSize, ConfigReader::kMaxSize},
        std::tuple{"intermediate_size", &c.intermediateSize,
                   ConfigReader::kMaxSize},
        std::tuple{"num_hidden_layers", &c.numLayers, ConfigReader::kMaxCount},
        std::tuple{"num_attention_heads", &c.numHeads,
                   ConfigReader::kMaxCount},
        std::tuple{"max_position_embeddings", &c.maxPositions,
                   ConfigReader::kMaxSize}})
    if (Error err = read.positive(key, *field, limit))
      return std::move(err);
  c.numKVHeads = c.numHeads;
  if (Error err = read.optionalPositive("num_key_value_heads", c.numKVHeads,
                                        ConfigReader::kMaxCount))
    return std::move(err);
  if (c.hiddenSize % c.numHeads == 0)
    c.headDim = c.hiddenSize / c.numHeads;
  if (Error err = read.optionalPositive("head_dim", c.headDim))
    return std::move(err);
  if (c.headDim == 0)
    return configError(source, "hidden_size " + Twine(c.hiddenSize) +
                                   " is not divisible by num_attention_heads " +
                                   Twine(c.numHeads) + " and no head_dim is given");
  if (c.numHeads % c.numKVHeads != 0)
    return configError(source, "num_attention_heads " + Twine(c.numHeads) +
                                   " is not a multiple of num_key_value_heads " +
                                   Twine(c.numKVHeads));
  if (c.headDim % 2 != 0)
    return configError(source, "head_dim " + Twine(c.headDim) +
                                   " is odd; rotary embeddings rotate pairs");
  if (Error err = read.optionalNumber("rms_norm_eps", c.rmsNormEps))
    return std::move(err);
  if (Error err = read.optionalNumber("rope_theta", c.ropeTheta))
    return std::move(err);
  bool attentionBias = false;
  for (auto [key, field] :
       {std::pair{"tie_word_embeddings", &c.tieWordEmbeddings},
        std::pair{"attention_bias", &attentionBias},
        std::pair{"mlp_bias", &c.mlpBias}})
    if (Error err = read.optionalBool(key, *field))
      return std::move(err);
  // Qwen2's q/k/v projections always have biases and its o_proj never.
  c.qkvBias = qwen2 || attentionBias;
  c.outputBias = !qwen2 && attentionBias;
  if (Error err = optionalTokenId(object, "bos_token_id", source, c.bosTokenId))
    return std::move(err);
  if (Error err = optionalTokenId(object, "eos_token_id", source, c.eosTokenId))
    return std::move(err);

  llvm::StringRef act = read.string("hidden_act").value_or("silu");
  if (act != "silu")
    return configError(source, "unsupported hidden_act '" + act +
                                   "' (expected silu)");
  if (const json::Value *scaling = object.get("rope_scaling");
      scaling && !scaling->getAsNull())
    if (Error err = readRopeScaling(*scaling, source, c))
      return std::move(err);
  // Mistral's sliding_window applies to every layer; Qwen2's only with
  // use_sliding_window, and then to some layers, which is not supported.
  bool windowed = !qwen2;
  if (qwen2)
    if (Error err = read.optionalBool("use_sliding_window", windowed))
      return std::move(err);
  const json::Value *window = object.get("sliding_window");
  if (windowed && window && !window->getAsNull()) {
    if (qwen2)
      return configError(source, "use_sliding_window (windows on some "
                                 "layers) is not supported yet");
    if (Error err = read.positive("sliding_window", c.slidingWindow))
      return std::move(err);
  }
  return c;
}

llvm::Expected<LlamaConfig>
kernelforge::llama::loadLlamaConfig(llvm::StringRef path) {
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> buffer =
      llvm::MemoryBuffer::getFile(path, /*IsText=*/true);
  if (!buffer)
    return configError(path, "cannot read: " + buffer.getError().message());
  return parseLlamaConfig((*buffer)->getBuffer(), path);
}
