//===- config.cpp - Fuzz the model families' config.json readers ---------===//
//
// Any bytes as a Hugging Face config.json, read by every family's reader
// (GPT-2, LLaMA, ViT, and ViT's preprocessor_config.json): either a config
// whose sizes are positive, bounded and consistent (heads divide the width,
// patches the image), so that building its graph cannot run away, or an
// llvm::Error with a message.

#include "FuzzInput.h"

#include "kernelforge/Models/GPT2/GPT2Config.h"
#include "kernelforge/Models/Llama/LlamaConfig.h"
#include "kernelforge/Models/ViT/ViTConfig.h"

#include <cstdlib>

namespace {

/// Sizes any config may give: positive and small enough that products of a
/// few of them do not overflow.
bool sane(int64_t size) { return size > 0 && size <= (int64_t(1) << 24); }

void require(bool condition) {
  if (!condition)
    std::abort();
}

template <typename T> bool failed(llvm::Expected<T> &value) {
  if (value)
    return false;
  std::string message = llvm::toString(value.takeError());
  require(!message.empty());
  return true;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  llvm::StringRef text(reinterpret_cast<const char *>(data), size);

  auto gpt2 = kernelforge::gpt2::parseGPT2Config(text, "config.json");
  if (!failed(gpt2)) {
    for (int64_t s : {gpt2->vocabSize, gpt2->maxPositions, gpt2->embedDim,
                      gpt2->numLayers, gpt2->numHeads, gpt2->innerDim})
      require(sane(s));
    require(gpt2->embedDim % gpt2->numHeads == 0);
  }

  auto llama = kernelforge::llama::parseLlamaConfig(text, "config.json");
  if (!failed(llama)) {
    for (int64_t s : {llama->vocabSize, llama->hiddenSize,
                      llama->intermediateSize, llama->numLayers,
                      llama->numHeads, llama->numKVHeads, llama->headDim,
                      llama->maxPositions})
      require(sane(s));
    require(llama->numHeads % llama->numKVHeads == 0);
  }

  auto vit = kernelforge::vit::parseViTConfig(text, "config.json");
  if (!failed(vit)) {
    for (int64_t s : {vit->hiddenSize, vit->numLayers, vit->numHeads,
                      vit->intermediateSize, vit->imageSize, vit->patchSize,
                      vit->numChannels})
      require(sane(s));
    require(vit->hiddenSize % vit->numHeads == 0);
    require(vit->imageSize % vit->patchSize == 0);
    // The same bytes as its preprocessor_config.json.
    std::string path =
        kernelforge::fuzz::asFile(data, size, "preprocessor_config.json");
    auto pre = kernelforge::vit::loadViTPreprocessing(path, *vit);
    if (!failed(pre)) {
      require(sane(pre->height) && sane(pre->width));
      require(int64_t(pre->mean.size()) == vit->numChannels &&
              int64_t(pre->std.size()) == vit->numChannels);
    }
  }
  return 0;
}
