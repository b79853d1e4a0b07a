//===- BenchTimingTest.cpp - kernelforge-bench's timing in turns ----------===//

#include "Timing.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

namespace {

using Clock = std::chrono::steady_clock;

/// Keeps this thread busy for `seconds` (a kernel that takes that long).
void spin(double seconds) {
  auto start = Clock::now();
  while (std::chrono::duration<double>(Clock::now() - start).count() < seconds)
    ;
}

TEST(BenchTiming, PairedCallsTakeTurnsAndSettle) {
  int settles = 0, firstCalls = 0, secondCalls = 0;
  kfbench::PairedTiming timing = kfbench::timePaired(
      [&] {
        ++firstCalls;
        spin(0.001);
      },
      [&] {
        ++secondCalls;
        spin(0.003);
      },
      [&] { ++settles; }, /*minTime=*/0.02, /*minTurns=*/9,
      /*batchTime=*/0.004);
  EXPECT_GE(timing.turns, 9u);
  // A warm-up call of each, then one batch of each per turn, each batch an
  // untimed call and timed ones, each followed by a settle.
  EXPECT_EQ(settles, 2 + 2 * int(timing.turns));
  EXPECT_GE(firstCalls, 1 + 2 * int(timing.turns));
  EXPECT_GE(secondCalls, 1 + 2 * int(timing.turns));
  EXPECT_GE(timing.first.min, 0.001);
  EXPECT_GE(timing.second.min, 0.003);
  EXPECT_LE(timing.first.min, timing.first.median);
  // The second takes three times as long; a busy machine (other tests run
  // beside this one) stretches some calls of either, which the median of
  // nine turns' ratios rides out.
  EXPECT_GT(timing.ratio, 1.5);
  EXPECT_LT(timing.ratio, 6.0);
}

TEST(BenchTiming, WaitsForSpinningThreads) {
  auto start = Clock::now();
  kfbench::waitUntilIdle();
  double idle = std::chrono::duration<double>(Clock::now() - start).count();
  EXPECT_LT(idle, 0.3);

  // A pool thread that spins for 150 ms after its work, as libomp's and
  // OpenBLAS's do.
  std::thread spinner([] { spin(0.15); });
  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  start = Clock::now();
  kfbench::waitUntilIdle();
  double waited = std::chrono::duration<double>(Clock::now() - start).count();
  spinner.join();
  EXPECT_GE(waited, 0.08);
}

} // namespace
