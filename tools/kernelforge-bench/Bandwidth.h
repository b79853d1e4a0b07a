//===- Bandwidth.h - The machine's memory read bandwidth --------*- C++ -*-===//
//
// What decode's mat-vec products are measured against: every core reading
// its share of a buffer far larger than the last-level cache, once, as fast
// as it can (an XOR of 64-bit words, which compilers vectorise without
// reassociating floats).
//
//===----------------------------------------------------------------------===//

#ifndef KERNELFORGE_TOOLS_BENCH_BANDWIDTH_H
#define KERNELFORGE_TOOLS_BENCH_BANDWIDTH_H

#include <cstdint>

namespace kfbench {

/// Best of `rounds` passes over `bytes` with `threads` threads, in GB/s.
double measureReadBandwidth(int64_t bytes, int threads, int rounds = 5);

} // namespace kfbench

#endif // KERNELFORGE_TOOLS_BENCH_BANDWIDTH_H
