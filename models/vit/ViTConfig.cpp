//===- ViTConfig.cpp - parse and validate a Hugging Face ViTConfig --------===//

#include "kernelforge/Models/ViT/ViTConfig.h"
#include "kernelforge/Models/ConfigReader.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"

using namespace kernelforge::vit;
using namespace kernelforge::models;

llvm::Expected<ViTConfig>
kernelforge::vit::parseViTConfig(llvm::StringRef text, llvm::StringRef source) {
  json::Value root(nullptr);
  if (Error err = parseConfigObject(text, source, root))
    return std::move(err);
  const json::Object &object = *root.getAsObject();
  std::optional<llvm::StringRef> type = object.getString("model_type");
  if (!type || *type != "vit")
    return configError(source, "model_type '" + type.value_or("") +
                                   "' is not a ViT ('vit')");
  ViTConfig c;
  ConfigReader read(object, source);
  for (auto [key, field, limit] :
       {std::tuple{"hidden_size", &c.hiddenSize, ConfigReader::kMaxSize},
        std::tuple{"num_hidden_layers", &c.numLayers, ConfigReader::kMaxCount},
        std::tuple{"num_attention_heads", &c.numHeads, ConfigReader::kMaxCount},
        std::tuple{"intermediate_size", &c.intermediateSize,
                   ConfigReader::kMaxSize},
        std::tuple{"image_size", &c.imageSize, int64_t(1) << 14},
        std::tuple{"patch_size", &c.patchSize, int64_t(1) << 14}})
    if (Error err = read.positive(key, *field, limit))
      return std::move(err);
  if (Error err = read.optionalPositive("num_channels", c.numChannels, 64))
    return std::move(err);
  if (Error err = read.optionalNumber("layer_norm_eps", c.layerNormEps))
    return std::move(err);
  if (Error err = read.optionalBool("qkv_bias", c.qkvBias))
    return std::move(err);
  if (c.hiddenSize % c.numHeads != 0)
    return configError(source, "expected num_attention_heads (" +
                                   llvm::Twine(c.numHeads) +
                                   ") to divide hidden_size (" +
                                   llvm::Twine(c.hiddenSize) + ")");
  if (c.imageSize % c.patchSize != 0)
    return configError(source, "expected patch_size (" +
                                   llvm::Twine(c.patchSize) +
                                   ") to divide image_size (" +
                                   llvm::Twine(c.imageSize) + ")");
  llvm::StringRef act = object.getString("hidden_act").value_or("gelu");
  if (act == "gelu")
    c.gelu = mlir::kf::GeluApproximation::Erf;
  else if (act == "gelu_new" || act == "gelu_pytorch_tanh")
    c.gelu = mlir::kf::GeluApproximation::Tanh;
  else
    return configError(source, "hidden_act '" + act +
                                   "' is not supported (gelu, gelu_new, "
                                   "gelu_pytorch_tanh)");

  // Labels: id2label (ids 0..n-1, each once), else num_labels numbers.
  int64_t numLabels = 0;
  if (const json::Object *names = object.getObject("id2label")) {
    c.labels.resize(names->size());
    for (const auto &[key, value] : *names) {
      // Digits only, parsed without throwing (a key past 2^64 is refused).
      uint64_t id = 0;
      llvm::StringRef digits(key);
      if (digits.find_first_not_of("0123456789") != llvm::StringRef::npos ||
          digits.getAsInteger(10, id) || id >= names->size() ||
          !value.getAsString())
        return configError(source, "expected 'id2label' to map the ids 0.." +
                                       llvm::Twine(names->size() - 1) +
                                       " to strings, got key '" + key.str() +
                                       "'");
      c.labels[id] = value.getAsString()->str();
    }
  }
  if (Error err = read.optionalPositive("num_labels", numLabels,
                                        ConfigReader::kMaxSize))
    return std::move(err);
  if (c.labels.empty()) {
    if (numLabels == 0)
      return configError(source, "missing key 'id2label' (or 'num_labels')");
    for (int64_t i = 0; i < numLabels; ++i)
      c.labels.push_back(std::to_string(i));
  } else if (numLabels && numLabels != int64_t(c.labels.size())) {
    return configError(source, "'num_labels' " + llvm::Twine(numLabels) +
                                   " does not match the " +
                                   llvm::Twine(c.labels.size()) +
                                   " entries of 'id2label'");
  }
  return c;
}

llvm::Expected<ViTConfig>
kernelforge::vit::loadViTConfig(llvm::StringRef path) {
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> buffer =
      llvm::MemoryBuffer::getFile(path, /*IsText=*/true);
  if (!buffer)
    return configError(path, "cannot read: " + buffer.getError().message());
  return parseViTConfig((*buffer)->getBuffer(), path);
}

llvm::Expected<ViTPreprocessing>
kernelforge::vit::loadViTPreprocessing(llvm::StringRef path,
                                       const ViTConfig &config) {
  // ViTImageProcessor's defaults.
  ViTPreprocessing p;
  p.height = p.width = config.imageSize;
  p.mean.assign(config.numChannels, 0.5);
  p.std.assign(config.numChannels, 0.5);
  if (!llvm::sys::fs::exists(path))
    return p;
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> buffer =
      llvm::MemoryBuffer::getFile(path, /*IsText=*/true);
  if (!buffer)
    return configError(path, "cannot read: " + buffer.getError().message());
  json::Value root(nullptr);
  if (Error err = parseConfigObject((*buffer)->getBuffer(), path, root))
    return std::move(err);
  const json::Object &object = *root.getAsObject();
  ConfigReader read(object, path);
  for (auto [key, field] : {std::pair{"do_resize", &p.resize},
                            std::pair{"do_rescale", &p.rescale},
                            std::pair{"do_normalize", &p.normalize}})
    if (Error err = read.optionalBool(key, *field))
      return std::move(err);
  if (Error err = read.optionalNumber("rescale_factor", p.rescaleFactor))
    return std::move(err);
  if (const json::Value *size = object.get("size")) {
    if (const json::Object *hw = size->getAsObject()) {
      ConfigReader sizes(*hw, path);
      if (Error err = sizes.positive("height", p.height, 1 << 14))
        return std::move(err);
      if (Error err = sizes.positive("width", p.width, 1 << 14))
        return std::move(err);
    } else if (std::optional<int64_t> side = mlir::kf::jsonInteger(*size);
               side && *side > 0 && *side <= (1 << 14)) {
      p.height = p.width = *side;
    } else {
      return configError(path, "expected 'size' to be {\"height\": H, "
                               "\"width\": W} or a positive integer");
    }
  }
  if (p.resize && (p.height != config.imageSize || p.width != config.imageSize))
    return configError(path, "resizes to " + llvm::Twine(p.height) + "x" +
                                 llvm::Twine(p.width) +
                                 ", but the model takes " +
                                 llvm::Twine(config.imageSize) + "x" +
                                 llvm::Twine(config.imageSize) + " images");
  for (auto [key, field] : {std::pair{"image_mean", &p.mean},
                            std::pair{"image_std", &p.std}}) {
    const json::Value *value = object.get(key);
    if (!value)
      continue;
    const json::Array *list = value->getAsArray();
    field->clear();
    if (list)
      for (const json::Value &v : *list)
        if (std::optional<double> x = v.getAsNumber(); x && std::isfinite(*x))
          field->push_back(*x);
    if (!list || int64_t(field->size()) != config.numChannels ||
        int64_t(list->size()) != config.numChannels)
      return configError(path, "expected '" + llvm::Twine(key) + "' to be " +
                                   llvm::Twine(config.numChannels) +
                                   " finite numbers (one per channel)");
  }
  for (double s : p.std)
    if (!(s > 0))
      return configError(path, "expected 'image_std' to be positive");
  return p;
}
