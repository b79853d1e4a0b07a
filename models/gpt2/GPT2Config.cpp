//===- GPT2Config.cpp - parse and validate a Hugging Face GPT2Config ------===//

#include "kernelforge/Models/GPT2/GPT2Config.h"

#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"

using namespace kernelforge::gpt2;
using llvm::Error;
using llvm::Twine;
namespace json = llvm::json;

static Error configError(llvm::StringRef source, const Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 (source + ": " + message).str());
}

namespace {
/// Typed, validated reads of config.json keys.
class ConfigReader {
public:
  ConfigReader(const json::Object &object, llvm::StringRef source)
      : object(object), source(source) {}

  /// A required positive integer.
  Error positive(llvm::StringRef key, int64_t &out) const {
    const json::Value *value = object.get(key);
    if (!value)
      return configError(source, "missing key '" + key + "'");
    std::optional<int64_t> number = value->getAsInteger();
    if (!number || *number <= 0)
      return configError(source, "expected '" + key +
                                     "' to be a positive integer");
    out = *number;
    return Error::success();
  }

  /// An optional positive integer; null or absent leaves `out` unchanged.
  Error optionalPositive(llvm::StringRef key, int64_t &out) const {
    const json::Value *value = object.get(key);
    if (!value || value->getAsNull())
      return Error::success();
    return positive(key, out);
  }

  Error optionalNumber(llvm::StringRef key, double &out) const {
    const json::Value *value = object.get(key);
    if (!value)
      return Error::success();
    std::optional<double> number = value->getAsNumber();
    if (!number || !(*number > 0))
      return configError(source, "expected '" + key +
                                     "' to be a positive number");
    out = *number;
    return Error::success();
  }

  Error optionalBool(llvm::StringRef key, bool &out) const {
    const json::Value *value = object.get(key);
    if (!value)
      return Error::success();
    std::optional<bool> flag = value->getAsBoolean();
    if (!flag)
      return configError(source, "expected '" + key + "' to be true or false");
    out = *flag;
    return Error::success();
  }

  std::optional<llvm::StringRef> string(llvm::StringRef key) const {
    return object.getString(key);
  }

private:
  const json::Object &object;
  llvm::StringRef source;
};
} // namespace

llvm::Expected<GPT2Config>
kernelforge::gpt2::parseGPT2Config(llvm::StringRef text,
                                   llvm::StringRef source) {
  llvm::Expected<json::Value> parsed = json::parse(text);
  if (!parsed)
    return configError(source, "invalid JSON: " +
                                   llvm::toString(parsed.takeError()));
  const json::Object *object = parsed->getAsObject();
  if (!object)
    return configError(source, "expected a JSON object");
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
  if (Error err = read.positive("n_layer", config.numLayers))
    return std::move(err);
  if (Error err = read.positive("n_head", config.numHeads))
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
