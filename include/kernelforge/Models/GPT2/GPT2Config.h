//===- GPT2Config.h - Hugging Face GPT-2 configuration ----------*- C++ -*-===//

#ifndef KERNELFORGE_MODELS_GPT2_GPT2CONFIG_H
#define KERNELFORGE_MODELS_GPT2_GPT2CONFIG_H

#include "kernelforge/Dialect/Transformer/IR/TransformerOps.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>

namespace kernelforge::gpt2 {

/// The fields of a Hugging Face `GPT2Config` (config.json) that shape the
/// graph, validated so that every tensor of the model has a consistent shape.
struct GPT2Config {
  int64_t vocabSize = 0;    ///< vocab_size
  int64_t maxPositions = 0; ///< n_positions
  int64_t embedDim = 0;     ///< n_embd
  int64_t numLayers = 0;    ///< n_layer
  int64_t numHeads = 0;     ///< n_head
  int64_t innerDim = 0;     ///< n_inner, or 4 * n_embd when null
  double layerNormEps = 1e-5; ///< layer_norm_epsilon
  mlir::kf::GeluApproximation gelu = mlir::kf::GeluApproximation::Tanh;
  bool tieWordEmbeddings = true; ///< tie_word_embeddings: lm_head is wte

  int64_t headDim() const { return embedDim / numHeads; }
};

/// Parses config.json text; `source` names it in error messages.
llvm::Expected<GPT2Config> parseGPT2Config(llvm::StringRef json,
                                           llvm::StringRef source);

/// Reads and parses a config.json file.
llvm::Expected<GPT2Config> loadGPT2Config(llvm::StringRef path);

} // namespace kernelforge::gpt2

#endif // KERNELFORGE_MODELS_GPT2_GPT2CONFIG_H
