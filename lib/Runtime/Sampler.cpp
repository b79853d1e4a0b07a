//===- Sampler.cpp - Next-token selection from logits ---------------------===//

#include "kernelforge/Runtime/Sampler.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

using namespace kernelforge::runtime;

int64_t Sampler::next(const float *logits, int64_t count) {
  if (options.temperature <= 0.0)
    return std::max_element(logits, logits + count) - logits;
  // Candidates by decreasing logit (ties: lower id first), cut by top-k.
  std::vector<int64_t> order(count);
  std::iota(order.begin(), order.end(), 0);
  int64_t keep = options.topK > 0 ? std::min(options.topK, count) : count;
  auto byLogit = [&](int64_t a, int64_t b) {
    return logits[a] > logits[b] || (logits[a] == logits[b] && a < b);
  };
  std::partial_sort(order.begin(), order.begin() + keep, order.end(), byLogit);
  order.resize(keep);
  double maxLogit = logits[order.front()];
  std::vector<double> probs(keep);
  double total = 0;
  for (int64_t i = 0; i < keep; ++i)
    total += probs[i] =
        std::exp((logits[order[i]] - maxLogit) / options.temperature);
  // Nucleus: the smallest prefix whose mass reaches top_p.
  if (options.topP < 1.0) {
    double mass = 0;
    int64_t cut = keep;
    for (int64_t i = 0; i < keep; ++i) {
      mass += probs[i] / total;
      if (mass >= options.topP) {
        cut = i + 1;
        break;
      }
    }
    probs.resize(cut);
    order.resize(cut);
    total = std::accumulate(probs.begin(), probs.end(), 0.0);
  }
  double r = std::uniform_real_distribution<double>(0.0, total)(rng);
  for (size_t i = 0; i < probs.size(); ++i) {
    r -= probs[i];
    if (r < 0)
      return order[i];
  }
  return order.back();
}
