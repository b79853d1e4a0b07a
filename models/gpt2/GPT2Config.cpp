//===- GPT2Config.cpp - parse and validate a Hugging Face GPT2Config ------===//

#include "kernelforge/Models/GPT2/GPT2Config.h"
#include "kernelforge/Models/ConfigReader.h"

#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"

using namespace kernelforge::gpt2;
using namespace kernelforge::models;

llvm::Expected<GPT2Config>
kernelforge::gpt2::parseGPT2Config(llvm::StringRef text,
                                   llvm::StringRef source) {
  json::Value parsed(nullptr);
  if (Error err = parseConfigObject(text, source, parsed))
    return std::move(err);
  const json::Object *object = parsed.getAsObject();
  ConfigReader read(*object, source);

  if (std::optional<llvm::StringRef> type = read.string("model_type"))
    if (*type != "gpt2")
      return configError(source, "expected model_type 'gpt2', got '" + *type +
                                     "'");

  GPT2Config config;
  if (Error err = read.positive("vocab_size", config.vocabSize))
    return std::move(err);
  if (Error err = read.positive("n_positions", config.maxPositions))
    return std::move(err);
  if (Error err = read.positive("n_embd", config.embedDim))
    return std::move(err);
  if (Error err = read.positive("n_layer", config.numLayers,
                                ConfigReader::kMaxCount))
    return std::move(err);
  if (Error err =
          read.positive("n_head", config.numHeads, ConfigReader::kMaxCount))
    return std::move(err);
  config.innerDim = 4 * config.embedDim;
  if (Error err = read.optionalPositive("n_inner", config.innerDim))
    return std::move(err);
  if (Error err = read.optionalNumber("layer_norm_epsilon", config.layerNormEps))
    return std::move(err);
  if (Error err =
          read.optionalBool("tie_word_embeddings", config.tieWordEmbeddings))
    return std::move(err);

  llvm::StringRef activation =
      read.string("activation_function").value_or("gelu_new");
  if (activation == "gelu_new" || activation == "gelu_pytorch_tanh")
    config.gelu = mlir::kf::GeluApproximation::Tanh;
  else if (activation == "gelu")
    config.gelu = mlir::kf::GeluApproximation::Erf;
  else
    return configError(source, "unsupported activation_function '" +
                                   activation +
                                   "' (expected gelu_new, gelu_pytorch_tanh "
                                   "or gelu)");

  if (config.embedDim % config.numHeads != 0)
    return configError(source, "n_embd " + Twine(config.embedDim) +
                                   " is not divisible by n_head " +
                                   Twine(config.numHeads));
  return config;
}

llvm::Expected<GPT2Config>
kernelforge::gpt2::loadGPT2Config(llvm::StringRef path) {
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> buffer =
      llvm::MemoryBuffer::getFile(path, /*IsText=*/true);
  if (!buffer)
    return configError(path, "cannot read: " + buffer.getError().message());
  return parseGPT2Config((*buffer)->getBuffer(), path);
}
