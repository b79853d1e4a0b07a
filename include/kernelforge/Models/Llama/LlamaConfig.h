//===- LlamaConfig.h - Hugging Face LLaMA-family configuration --*- C++ -*-===//
//
// The fields of a `LlamaConfig` (config.json, model_type llama) that shape
// the graph, validated so that every tensor has a consistent shape; also
// `Qwen2Config` (model_type qwen2: biases on q/k/v, none on o_proj) and
// `MistralConfig` (model_type mistral: a sliding window), which differ only
// in those attributes.
//
//===----------------------------------------------------------------------===//

#ifndef KERNELFORGE_MODELS_LLAMA_LLAMACONFIG_H
#define KERNELFORGE_MODELS_LLAMA_LLAMACONFIG_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>
#include <vector>

namespace kernelforge::llama {

struct LlamaConfig {
  int64_t vocabSize = 0;        ///< vocab_size
  int64_t hiddenSize = 0;       ///< hidden_size
  int64_t intermediateSize = 0; ///< intermediate_size
  int64_t numLayers = 0;        ///< num_hidden_layers
  int64_t numHeads = 0;         ///< num_attention_heads
  int64_t numKVHeads = 0;       ///< num_key_value_heads (default: numHeads)
  int64_t headDim = 0;          ///< head_dim (default: hidden / heads)
  int64_t maxPositions = 0;     ///< max_position_embeddings
  double rmsNormEps = 1e-6;     ///< rms_norm_eps
  double ropeTheta = 10000.0;   ///< rope_theta
  /// The head_dim / 2 inverse frequencies rope_scaling gives (`linear`,
  /// `llama3`); empty: theta^(-2i/D) unscaled.
  std::vector<double> ropeFrequencies;
  /// sliding_window (mistral): keys older than this many positions are
  /// invisible; 0: none.
  int64_t slidingWindow = 0;
  bool tieWordEmbeddings = false; ///< tie_word_embeddings
  bool qkvBias = false;         ///< q/k/v biases: attention_bias (qwen2: always)
  bool outputBias = false;      ///< o_proj bias: attention_bias (qwen2: never)
  bool mlpBias = false;         ///< mlp_bias
  int64_t bosTokenId = -1, eosTokenId = -1; ///< bos/eos_token_id (-1: none)
  std::string modelType = "llama";
};

/// Parses config.json text; `source` names it in errors (a missing or
/// inconsistent key, an unsupported activation or rope_scaling).
llvm::Expected<LlamaConfig> parseLlamaConfig(llvm::StringRef json,
                                             llvm::StringRef source);
llvm::Expected<LlamaConfig> loadLlamaConfig(llvm::StringRef path);

} // namespace kernelforge::llama

#endif // KERNELFORGE_MODELS_LLAMA_LLAMACONFIG_H
