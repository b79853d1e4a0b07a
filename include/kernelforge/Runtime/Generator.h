//===- Generator.h - Generation through a compiled decoder ------*- C++ -*-===//
//
// Runs the `@prefill` / `@decode` pair of a compiled decoder's generation
// graph, whatever the model family (models/gpt2, models/llama; compiled for
// the CPU or for CUDA):
// binds the weights and a caller-owned KV cache, prefills the prompt in
// chunks of the library's bucket (a shorter one padded to it), then decodes
// token by token. Everything it needs
// to know about the model (bucket, vocabulary, cache shape, parameters) is
// read from the entry points' signatures, so a compiled library and this
// runtime are enough to generate: no MLIR, no LLVM, no config file.
//
//===----------------------------------------------------------------------===//

#ifndef KERNELFORGE_RUNTIME_GENERATOR_H
#define KERNELFORGE_RUNTIME_GENERATOR_H

#include "kernelforge/Runtime/CompiledLibrary.h"
#include "kernelforge/Runtime/DeviceMirror.h"
#include "kernelforge/Runtime/Sampler.h"
#include "kernelforge/Runtime/Weights.h"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace kernelforge::runtime {

/// What a compiled generation graph was built for.
struct ModelShapes {
  /// Prompt tokens one prefill takes: shorter prompts are padded, longer
  /// ones prefilled in chunks of this many.
  int64_t prefillTokens = 0;
  int64_t vocabSize = 0;
  /// n_positions: the KV cache's length.
  int64_t maxPositions = 0;
  /// Prefill returns every row's logits (else the last row's).
  bool allPromptLogits = false;
  std::vector<int64_t> cacheShape;
  /// 4 (f32) or 2 (a bf16 or f16 cache).
  int64_t cacheElementBytes = 4;
};

struct GenerationOptions {
  int64_t newTokens = 32;
  SamplerOptions sampler;
  /// Stop after generating this id (-1: never).
  int64_t stopToken = -1;
  /// Keep the logits each new token was chosen from.
  bool keepDecodeLogits = false;
};

struct GenerationResult {
  std::vector<int64_t> generated;
  /// [prompt length, vocab] when the library returns every position.
  std::vector<float> promptLogits;
  /// [generated, vocab] with keepDecodeLogits.
  std::vector<float> decodeLogits;
  /// Prefill (ids up, run, logits down) and the decode steps, wall clock.
  double prefillSeconds = 0;
  double decodeSeconds = 0;
  int64_t decodeSteps = 0;
  /// Prefill calls the prompt took (one unless longer than the bucket).
  int64_t prefillChunks = 0;
  /// Stopped at n_positions before `newTokens`.
  bool truncated = false;
};

class Generator {
public:
  /// Looks up `prefill` and `decode` in `library` and checks that they form
  /// a generation pair (same cache, same parameters). With `cuda`, buffers
  /// get device copies through the library's CUDA runtime.
  static std::unique_ptr<Generator> create(const CompiledLibrary &library,
                                               bool cuda, std::string &error);

  const ModelShapes &shapes() const { return modelShapes; }
  /// The entry point whose `kf.param` arguments name the weights.
  const EntryPoint &prefillEntry() const { return prefill; }
  /// The weights, by parameter name (see Weights.h). Uploaded to the device
  /// on the first generation and resident afterwards.
  /// Call before the first generation: the bound arguments point into it.
  void setWeights(WeightMap map) { weights = std::move(map); }
  /// Binds the weights of `checkpointPath` (safetensors), or the
  /// deterministic random ones of `randomSeed` when it is >= 0; false with
  /// `error` naming the file and tensor.
  bool loadWeights(const std::string &checkpointPath, int64_t randomSeed,
                   std::string &error);
  /// The bound weights, by parameter name (saveModelDirectory writes them).
  const WeightMap &boundWeights() const { return weights; }

  /// Empty when `prompt` fits the library, else why not.
  std::string checkPrompt(const std::vector<int64_t> &prompt) const;

  /// Prefill then decode; `onToken` sees each new token as it is chosen.
  /// May be called again (the cache is overwritten from position 0).
  GenerationResult generate(const std::vector<int64_t> &prompt,
                            const GenerationOptions &options,
                            const std::function<void(int64_t)> &onToken);

private:
  Generator(EntryPoint prefill, EntryPoint decode, bool cuda)
      : prefill(std::move(prefill)), decode(std::move(decode)), cuda(cuda) {}
  /// One pointer per argument of `entry`, device copies on CUDA.
  std::vector<void *> bind(const EntryPoint &entry, void *ids, int64_t *scalar,
                           int64_t *lastRow, std::vector<float> &logits);
  /// Ids up, run, logits down.
  void run(const EntryPoint &entry, std::vector<void *> &args, void *ids,
           std::vector<float> &logits);

  EntryPoint prefill, decode;
  bool cuda;
  ModelShapes modelShapes;
  DeviceMirror device;
  WeightMap weights;
  // Host buffers the bound arguments point to (stable across calls); the
  // KV cache's elements may be 16-bit, two to a float.
  std::vector<float> kvCache, prefillLogits, decodeLogits;
  std::vector<int64_t> paddedIds;
  int64_t chunkStart = 0, last = 0, token = 0, position = 0;
  std::vector<void *> prefillArgs, decodeArgs;
};

class Tokenizer;

/// Generates from `prompt` `repeat` times. The first run's text goes to
/// `sink` as it is made, in whole UTF-8 characters (the prompt, then each
/// token), or as " -> 1,2,3" without a tokenizer; then a newline.
std::vector<GenerationResult>
generateRuns(Generator &generator, const std::vector<int64_t> &prompt,
             const GenerationOptions &options, int64_t repeat,
             const Tokenizer *tokenizer,
             const std::function<void(const std::string &)> &sink);

/// Runs of one prompt, summarised: medians of the timings, the first run's
/// tokens.
struct GenerationSummary {
  int64_t promptTokens = 0, prefillBucket = 0, prefillChunks = 0,
          decodeSteps = 0, runs = 0;
  /// Medians over the runs (tokens per second from the median prefill).
  double prefillMs = 0, promptTokensPerSecond = 0, decodeMsPerToken = 0;
  /// The fastest run's, which a busy machine disturbs least.
  double prefillMsMin = 0, decodeMsPerTokenMin = 0;
  std::vector<int64_t> generated;
  /// Every run generated the same tokens.
  bool consistent = true;
};
GenerationSummary summarize(const std::vector<GenerationResult> &runs,
                            int64_t promptTokens, int64_t prefillBucket);
/// "prompt: 5 tokens in 1.2 ms (...); decode: 31 tokens, 0.80 ms/token",
/// with the fastest run's times after the medians when there are several.
std::string describe(const GenerationSummary &summary);
/// The summary as JSON object members (no braces), for a tool to extend.
std::string jsonMembers(const GenerationSummary &summary);

/// `rows` x `vocab` float32 logits as a .npy file.
bool writeLogitsNpy(const std::string &path, const std::vector<float> &logits,
                    int64_t vocab, std::string &error);

} // namespace kernelforge::runtime

#endif // KERNELFORGE_RUNTIME_GENERATOR_H
