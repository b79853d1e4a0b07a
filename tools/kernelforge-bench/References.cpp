//===- References.cpp - float64 references of the benchmarked kernels ----===//

#include "References.h"

#include <algorithm>
#include <cmath>

using namespace kfbench;

void ErrorStats::add(double got, double want) {
  double diff = std::fabs(got - want);
  // NaN is the worst error there is.
  maxAbs = std::isnan(got) ? INFINITY : std::max(maxAbs, diff);
  maxRef = std::max(maxRef, std::fabs(want));
}

std::vector<int64_t> kfbench::sampleRows(int64_t rows) {
  std::vector<int64_t> out = {0, rows / 2, rows - 1};
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

ErrorStats kfbench::checkLinear(const float *x, const float *w, const float *b,
                                const float *y, int64_t t, int64_t k,
                                int64_t n, bool outIn) {
  ErrorStats e;
  for (int64_t r : sampleRows(t))
    for (int64_t j = 0; j < n; ++j) {
      double acc = b[j];
      for (int64_t i = 0; i < k; ++i)
        acc += double(x[r * k + i]) * (outIn ? w[j * k + i] : w[i * n + j]);
      e.add(y[r * n + j], acc);
    }
  return e;
}

ErrorStats kfbench::checkLayerNorm(const float *x, const float *g,
                                   const float *b, const float *y, int64_t t,
                                   int64_t n) {
  ErrorStats e;
  for (int64_t r : sampleRows(t)) {
    const float *row = x + r * n;
    double mean = 0, var = 0;
    for (int64_t j = 0; j < n; ++j)
      mean += row[j];
    mean /= double(n);
    for (int64_t j = 0; j < n; ++j)
      var += (row[j] - mean) * (row[j] - mean);
    var /= double(n);
    double inv = 1.0 / std::sqrt(var + 1e-5);
    for (int64_t j = 0; j < n; ++j)
      e.add(y[r * n + j], (row[j] - mean) * inv * g[j] + b[j]);
  }
  return e;
}

ErrorStats kfbench::checkSoftmax(const float *s, const float *p, int64_t rows,
                                 int64_t n) {
  ErrorStats e;
  for (int64_t r : sampleRows(rows)) {
    const float *row = s + r * n;
    double max = *std::max_element(row, row + n), sum = 0;
    for (int64_t j = 0; j < n; ++j)
      sum += std::exp(row[j] - max);
    for (int64_t j = 0; j < n; ++j)
      e.add(p[r * n + j], std::exp(row[j] - max) / sum);
  }
  return e;
}

ErrorStats kfbench::checkAttention(const float *q, const float *k,
                                   const float *v, const float *o,
                                   int64_t heads, int64_t t, int64_t s,
                                   int64_t d, int64_t offset) {
  ErrorStats e;
  double scale = 1.0 / std::sqrt(double(d));
  std::vector<double> scores(s), out(d);
  for (int64_t h : {int64_t(0), heads - 1})
    for (int64_t i : sampleRows(t)) {
      int64_t visible = std::min(s, offset + i + 1);
      double max = -INFINITY;
      for (int64_t j = 0; j < visible; ++j) {
        double dot = 0;
        for (int64_t c = 0; c < d; ++c)
          dot += double(q[(h * t + i) * d + c]) * k[(h * s + j) * d + c];
        scores[j] = dot * scale;
        max = std::max(max, scores[j]);
      }
      double sum = 0;
      std::fill(out.begin(), out.end(), 0.0);
      for (int64_t j = 0; j < visible; ++j) {
        double p = std::exp(scores[j] - max);
        sum += p;
        for (int64_t c = 0; c < d; ++c)
          out[c] += p * v[(h * s + j) * d + c];
      }
      for (int64_t c = 0; c < d; ++c)
        e.add(o[(h * t + i) * d + c], out[c] / sum);
    }
  return e;
}
