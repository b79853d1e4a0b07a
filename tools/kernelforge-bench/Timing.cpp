//===- Timing.cpp - kernelforge-bench's timing of calls -------------------===//

#include "Timing.h"

#include "kernelforge/Driver/Tuner.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

/// Seconds of one call of `fn`.
double timeOne(const std::function<void()> &fn) {
  auto start = Clock::now();
  fn();
  return since(start);
}

/// Min and median of `samples` (not empty; reordered).
kfbench::Timing summarize(std::vector<double> &samples) {
  std::sort(samples.begin(), samples.end());
  return {samples.front(), samples[samples.size() / 2]};
}

/// The median of `values` (not empty; reordered).
double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

/// Whether a thread of this process other than the caller is running or
/// waiting for a core (state R in /proc/self/task/*/stat: a pool thread
/// spinning is, descheduled or not; one asleep is S).
bool otherThreadRunnable() {
  std::error_code error;
  std::filesystem::directory_iterator tasks("/proc/self/task", error);
  std::string self = std::to_string(gettid());
  for (const auto &task : tasks) {
    if (task.path().filename() == self)
      continue;
    std::ifstream stat(task.path() / "stat");
    std::string line;
    std::getline(stat, line);
    // The state follows the command name, which is in parentheses.
    size_t close = line.rfind(')');
    if (close != std::string::npos && close + 2 < line.size() &&
        line[close + 2] == 'R')
      return true;
  }
  return false;
}

} // namespace

kfbench::Timing kfbench::timeCalls(const std::function<void()> &fn,
                                   double minTime) {
  fn(); // warm up: page in, spin up threads
  std::vector<double> samples;
  auto start = Clock::now();
  do
    samples.push_back(timeOne(fn));
  while (since(start) < minTime && samples.size() < 10000);
  return summarize(samples);
}

void kfbench::waitUntilIdle(double maxSeconds) {
  // By thread state, which a busy machine does not hide: a spinning thread
  // that gets no core is still runnable (its CPU time would stop growing).
  auto start = Clock::now();
  while (otherThreadRunnable() && since(start) < maxSeconds)
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
}

kfbench::PairedTiming kfbench::timePaired(const std::function<void()> &first,
                                          const std::function<void()> &second,
                                          const std::function<void()> &settle,
                                          double minTime, size_t minTurns,
                                          double batchTime) {
  // Warm up both (page in, start the threads).
  first();
  settle();
  second();
  settle();

  std::vector<double> firstSamples, secondSamples, firstTurns, secondTurns;
  double firstSpent = 0, secondSpent = 0;
  // One batch of `fn`: an untimed call (waking its threads), then calls for
  // about `batchTime` (sized by the last batch's median, one call at first);
  // their times appended to `samples`, their median to `turns`, their sum
  // to `spent`.
  auto runBatch = [&](const std::function<void()> &fn,
                      std::vector<double> &samples, std::vector<double> &turns,
                      double &spent) {
    size_t calls = 1;
    if (!turns.empty())
      calls = std::max<size_t>(
          1, size_t(std::llround(batchTime / std::max(turns.back(), 1e-9))));
    fn();
    std::vector<double> times;
    for (size_t i = 0; i < calls; ++i)
      times.push_back(timeOne(fn));
    settle();
    for (double t : times)
      spent += t;
    samples.insert(samples.end(), times.begin(), times.end());
    turns.push_back(median(std::move(times)));
  };
  // Until both have run for minTime and minTurns have passed, but no more
  // than 50 turns.
  while ((firstTurns.size() < minTurns || firstSpent < minTime ||
          secondSpent < minTime) &&
         firstTurns.size() < 50) {
    bool firstFirst = firstTurns.size() % 2 == 0;
    if (firstFirst)
      runBatch(first, firstSamples, firstTurns, firstSpent);
    runBatch(second, secondSamples, secondTurns, secondSpent);
    if (!firstFirst)
      runBatch(first, firstSamples, firstTurns, firstSpent);
  }
  PairedTiming timing;
  timing.first = summarize(firstSamples);
  timing.second = summarize(secondSamples);
  // The tuner's head-to-head ratio: ours = second, theirs = first.
  timing.ratio = mlir::kf::medianRatio(secondTurns, firstTurns);
  timing.turns = firstTurns.size();
  return timing;
}
