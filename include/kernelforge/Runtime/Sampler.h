//===- Sampler.h - Next-token selection from logits -------------*- C++ -*-===//

#ifndef KERNELFORGE_RUNTIME_SAMPLER_H
#define KERNELFORGE_RUNTIME_SAMPLER_H

#include <cstdint>
#include <random>

namespace kernelforge::runtime {

struct SamplerOptions {
  /// 0: greedy (argmax, first index on ties).
  double temperature = 0.0;
  /// Keep the k most likely tokens (0: all).
  int64_t topK = 0;
  /// Keep the smallest set of most likely tokens whose probability reaches
  /// top_p (1: all).
  double topP = 1.0;
  uint64_t seed = 0;
};

class Sampler {
public:
  explicit Sampler(const SamplerOptions &options)
      : options(options), rng(options.seed) {}
  /// Picks a token from `count` logits.
  int64_t next(const float *logits, int64_t count);

private:
  SamplerOptions options;
  std::mt19937_64 rng;
};

} // namespace kernelforge::runtime

#endif // KERNELFORGE_RUNTIME_SAMPLER_H
