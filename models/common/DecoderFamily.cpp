//===- DecoderFamily.cpp - The decoder families a runner can build --------===//

#include "kernelforge/Models/DecoderFamily.h"

#include "kernelforge/Models/ConfigReader.h"
#include "kernelforge/Models/GPT2/GPT2Config.h"
#include "kernelforge/Models/GPT2/GPT2Graph.h"
#include "kernelforge/Models/Llama/LlamaConfig.h"
#include "kernelforge/Models/Llama/LlamaGraph.h"

#include "llvm/Support/MemoryBuffer.h"

using namespace kernelforge;
using namespace kernelforge::models;

static llvm::Expected<DecoderFamily> gpt2Family(llvm::StringRef path) {
  auto c = gpt2::loadGPT2Config(path);
  if (!c)
    return c.takeError();
  DecoderFamily f;
  f.name = "gpt2";
  f.vocabSize = c->vocabSize;
  f.maxPositions = c->maxPositions;
  f.numLayers = c->numLayers;
  // GPT-2's <|endoftext|> (the 50257-token vocabulary).
  f.eos = c->vocabSize == 50257 ? 50256 : -1;
  f.storageTypes = {"f32", "f16", "bf16", "int8"};
  f.build = [c = *c](mlir::MLIRContext *context, int64_t bucket,
                     bool allLogits, const std::string &storage,
                     const std::string &kvCache)
      -> llvm::Expected<mlir::OwningOpRef<mlir::ModuleOp>> {
    std::optional<gpt2::WeightStorage> parsed =
        gpt2::parseWeightStorage(storage);
    if (!parsed)
      return llvm::createStringError(
          "dtype expects f32, f16, bf16 or int8, got '" + storage + "'");
    gpt2::GPT2GenerationOptions options;
    options.prefillTokens = bucket;
    options.allLogits = allLogits;
    options.weights = *parsed;
    options.kvCache = kvCache;
    return gpt2::buildGPT2GenerationGraph(context, c, options);
  };
  return f;
}

static llvm::Expected<DecoderFamily> llamaFamily(llvm::StringRef path) {
  auto c = llama::loadLlamaConfig(path);
  if (!c)
    return c.takeError();
  DecoderFamily f;
  f.name = c->modelType;
  f.vocabSize = c->vocabSize;
  f.maxPositions = c->maxPositions;
  f.numLayers = c->numLayers;
  f.bos = c->bosTokenId;
  f.eos = c->eosTokenId;
  f.storageTypes = {"f32", "f16", "bf16", "int8"};
  f.build = [c = *c](mlir::MLIRContext *context, int64_t bucket,
                     bool allLogits, const std::string &storage,
                     const std::string &kvCache) {
    llama::LlamaGenerationOptions options;
    options.prefillTokens = bucket;
    options.allLogits = allLogits;
    options.weights = storage;
    options.kvCache = kvCache;
    return llama::buildLlamaGenerationGraph(context, c, options);
  };
  return f;
}

int64_t kernelforge::models::prefillBucket(int64_t promptLength,
                                           int64_t maxPositions) {
  int64_t bucket = 1;
  while (bucket < promptLength)
    bucket *= 2;
  return std::min(bucket, maxPositions);
}

llvm::Expected<DecoderFamily>
kernelforge::models::loadDecoderFamily(llvm::StringRef path) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/true);
  if (!buffer)
    return configError(path, "cannot read: " + buffer.getError().message());
  json::Value parsed(nullptr);
  if (Error err = parseConfigObject((*buffer)->getBuffer(), path, parsed))
    return std::move(err);
  std::optional<llvm::StringRef> type =
      parsed.getAsObject()->getString("model_type");
  if (!type)
    return configError(path, "missing key 'model_type'");
  if (*type == "gpt2")
    return gpt2Family(path);
  if (*type == "llama" || *type == "mistral" || *type == "qwen2")
    return llamaFamily(path);
  return configError(path, "model_type '" + *type +
                               "' is not supported (supported: gpt2, llama, "
                               "mistral, qwen2)");
}
