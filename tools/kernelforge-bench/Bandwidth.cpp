//===- Bandwidth.cpp - The machine's memory read bandwidth ----------------===//

#include "Bandwidth.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <vector>

double kfbench::measureReadBandwidth(int64_t bytes, int threads, int rounds) {
  int64_t words = bytes / 8;
  auto *data =
      static_cast<uint64_t *>(std::aligned_alloc(64, words * sizeof(uint64_t)));
  if (!data)
    return 0;
  std::memset(data, 1, words * sizeof(uint64_t)); // page it in
  std::vector<uint64_t> sinks(threads * 8);
  double best = 0;
  for (int r = 0; r < rounds; ++r) {
    auto start = std::chrono::steady_clock::now();
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t)
      pool.emplace_back([&, t] {
        int64_t begin = words * t / threads, end = words * (t + 1) / threads;
        uint64_t acc[8] = {};
        int64_t i = begin;
        for (; i + 8 <= end; i += 8)
          for (int j = 0; j < 8; ++j)
            acc[j] ^= data[i + j];
        for (; i < end; ++i)
          acc[0] ^= data[i];
        std::copy(acc, acc + 8, sinks.begin() + 8 * t);
      });
    for (std::thread &thread : pool)
      thread.join();
    double seconds = std::chrono::duration<double>(
                         std::chrono::steady_clock::now() - start)
                         .count();
    best = std::max(best, bytes / seconds * 1e-9);
  }
  std::free(data);
  return best;
}
