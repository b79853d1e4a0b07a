//===- DecoderFamily.h - The decoder families a runner can build -*- C++ -*-===//
//
// What a generation runner needs of a model family, chosen by config.json's
// model_type: the sizes it checks prompts against, its BOS/EOS ids, and how
// to build its @prefill/@decode graph for a prefill bucket and a weight
// storage type. Supported: gpt2 (models/gpt2), llama (models/llama).
//
//===----------------------------------------------------------------------===//

#ifndef KERNELFORGE_MODELS_DECODERFAMILY_H
#define KERNELFORGE_MODELS_DECODERFAMILY_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

#include "llvm/Support/Error.h"

#include <functional>
#include <string>
#include <vector>

namespace kernelforge::models {

struct DecoderFamily {
  /// config.json's model_type.
  std::string name;
  int64_t vocabSize = 0, maxPositions = 0, numLayers = 0;
  /// Token ids (-1: the family or config has none).
  int64_t bos = -1, eos = -1;
  /// The weight storage types `build` takes.
  std::vector<std::string> storageTypes;
  /// @prefill/@decode for prompts up to `bucket` tokens; prefill returns
  /// every position's logits with `allLogits`; weight matrices in `storage`
  /// (f32, f16, bf16; int8 where the family supports it), the KV cache in
  /// `kvCache` (f32, bf16 or f16).
  std::function<llvm::Expected<mlir::OwningOpRef<mlir::ModuleOp>>(
      mlir::MLIRContext *context, int64_t bucket, bool allLogits,
      const std::string &storage, const std::string &kvCache)>
      build;
};

/// The prefill bucket a prompt of `promptLength` tokens is compiled for
/// unless a runner is told one: the next power of two, at most
/// `maxPositions`. Prompts share a library per bucket; a library takes
/// longer prompts too, in chunks of its bucket (runtime::Generator).
int64_t prefillBucket(int64_t promptLength, int64_t maxPositions);

/// The family of the config.json at `path`; an error names the file and
/// the key, or the model_type that is not supported.
llvm::Expected<DecoderFamily> loadDecoderFamily(llvm::StringRef path);

} // namespace kernelforge::models

#endif // KERNELFORGE_MODELS_DECODERFAMILY_H
