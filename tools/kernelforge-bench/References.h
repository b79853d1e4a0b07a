//===- References.h - float64 references of the benchmarked kernels -*- C++ -*-===//
//
// Each kernel's result is checked on a few sampled rows against a plain
// float64 loop, so a report's speed always comes with the error it was
// bought at.
//
//===----------------------------------------------------------------------===//

#ifndef KERNELFORGE_TOOLS_BENCH_REFERENCES_H
#define KERNELFORGE_TOOLS_BENCH_REFERENCES_H

#include <cstdint>
#include <vector>

namespace kfbench {

/// Largest absolute difference and the largest reference magnitude over the
/// sampled rows.
struct ErrorStats {
  double maxAbs = 0, maxRef = 0;
  double relative() const { return maxRef > 0 ? maxAbs / maxRef : maxAbs; }
  void add(double got, double want);
};

/// Rows to check: first, middle, last (distinct).
std::vector<int64_t> sampleRows(int64_t rows);

/// y[t, n] = b[n] + sum_k x[t, k] w[k, n] (w[n, k] with outIn).
ErrorStats checkLinear(const float *x, const float *w, const float *b,
                       const float *y, int64_t t, int64_t k, int64_t n,
                       bool outIn);
/// Layer norm over the last dimension (epsilon 1e-5).
ErrorStats checkLayerNorm(const float *x, const float *g, const float *b,
                          const float *y, int64_t t, int64_t n);
/// Softmax over the last dimension of [rows, n].
ErrorStats checkSoftmax(const float *s, const float *p, int64_t rows,
                        int64_t n);
/// Causal attention, q [H, T, D], k/v [H, S, D], query i sees keys up to
/// offset + i (offset = S - T: the last T positions).
ErrorStats checkAttention(const float *q, const float *k, const float *v,
                          const float *o, int64_t heads, int64_t t,
                          int64_t s, int64_t d, int64_t offset);

} // namespace kfbench

#endif // KERNELFORGE_TOOLS_BENCH_REFERENCES_H
