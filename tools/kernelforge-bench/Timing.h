//===- Timing.h - kernelforge-bench's timing of calls -----------*- C++ -*-===//
//
// A kernel timed alone, or two kernels timed in turns: the matrix products
// and OpenBLAS's sgemm take turns batch by batch, so that a slow stretch of a
// shared machine (another tenant, the kernel reclaiming the last kernel's
// copies) falls on both, and their ratio is the median of the turns' ratios.
// Between batches the process waits for its thread pools to stop spinning,
// so that neither side's batch shares its cores with the other's threads.
//
//===----------------------------------------------------------------------===//

#ifndef KERNELFORGE_TOOLS_BENCH_TIMING_H
#define KERNELFORGE_TOOLS_BENCH_TIMING_H

#include <cstddef>
#include <functional>

namespace kfbench {

struct Timing {
  /// Seconds per call.
  double min = 0, median = 0;
};

/// Min and median seconds per call of `fn`, timed for at least `minTime`
/// seconds after a warm-up call.
Timing timeCalls(const std::function<void()> &fn, double minTime);

struct PairedTiming {
  Timing first, second;
  /// The median over turns of the second's median call time in the turn
  /// over the first's (kf::medianRatio, as the tuner's head-to-head takes
  /// it): above 1 where `second` is slower.
  double ratio = 0;
  size_t turns = 0;
};

/// `first` and `second` timed in turns after a warm-up call of each: a turn
/// is a batch of calls of one then a batch of the other (the order
/// alternating from turn to turn), each batch an untimed call and then
/// about `batchTime` seconds of timed calls (one in the first turn, then as
/// many as the last batch's median fits), until both have run for `minTime`
/// seconds and at least `minTurns` turns have passed (50 turns at most).
/// `settle` runs after every batch: thread pools spin for a while after a
/// call (libomp 200 ms, OpenBLAS about 125 ms) and would take a core from
/// the other's batch.
PairedTiming timePaired(const std::function<void()> &first,
                        const std::function<void()> &second,
                        const std::function<void()> &settle, double minTime,
                        size_t minTurns = 5, double batchTime = 0.1);

/// Sleeps until the thread pools of the last calls have stopped spinning,
/// at most `maxSeconds`: until no other thread of this process is runnable
/// (/proc/self/task; where that cannot be read, it does not wait).
void waitUntilIdle(double maxSeconds = 0.5);

} // namespace kfbench

#endif // KERNELFORGE_TOOLS_BENCH_TIMING_H
