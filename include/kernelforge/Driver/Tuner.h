//===- Tuner.h - Measure candidate schedules, keep the fastest --*- C++ -*-===//
//
// The library behind kernelforge-tune. A module (kf or linalg on tensors) is
// lowered to linalg for the host; each distinct contraction becomes a
// problem of its own: a one-op kernel, compiled with candidate schedules
// around the target's default, each checked against the default's result
// and timed; the fastest goes into the tuning cache.
//
// Search: candidates are generated from the target model (register tiles
// whose accumulators, weight vectors and broadcast fit the vector
// registers; k tiles and thread tiles around the default's), ranked by a
// cost model (FMAs per load of the register tile, enough accumulators to
// cover FMA latency, work lost to edge tiles where the tile does not divide
// the shape), and the best `maxCandidates` are measured in that order,
// the default first, until the time budget is spent. The fastest then
// meets the default head to head in alternating rounds (beatsDefault) and
// replaces it only with a clear win.
//
// A fused attention (`kf.attention`) is a problem of its own, tuned before
// the contractions (its tiles decide the shapes of the products inside it):
// candidates are query blocks and key tiles around the target's, ranked by
// how well a key tile's keys and values fit L1 next to the block's scores,
// how often a key tile is reused by the queries of a block, the online
// softmax's work per tile, the causal mask's wasted tile halves and how
// evenly the blocks fill the cores.
//
//===----------------------------------------------------------------------===//

#ifndef KERNELFORGE_DRIVER_TUNER_H
#define KERNELFORGE_DRIVER_TUNER_H

#include "kernelforge/Target/TuningCache.h"

#include "mlir/IR/BuiltinOps.h"

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace mlir::kf {

/// The CPU the tuned code is for, in LLVM's names (as kf-cpu-pipeline's
/// target-cpu and target-features); empty: the host. Its code is timed on
/// this machine, which must run it (CPUTargetModel::whyNotRunnableHere):
/// the x86-64-v3 code of a portable build, say, tuned on an AVX-512 host.
struct TuningTarget {
  std::string cpu, features;
  bool isHost() const { return cpu.empty() && features.empty(); }
};

/// One contraction or fused attention to tune.
struct TuningProblem {
  /// kContractionKind or kAttentionKind.
  std::string kind = kContractionKind.str();
  /// describeProblem's (describeAttentionProblem's) text and the cache key
  /// it gives on this target.
  std::string problem, key;
  /// A module with `@main` computing just this op (kf.target and
  /// kf.schedule copied), as text.
  std::string kernel;
  /// Loop ranges (batch..., m, n, k), or for attention (batch, heads,
  /// queries, keys, head dim), and useful FLOPs per call.
  SmallVector<int64_t> ranges;
  double flops = 0;
  /// How many ops of the module pose it.
  int64_t uses = 0;
  /// The CPU its code is compiled for.
  TuningTarget target;
  /// Compiled with kf-cpu-pipeline's bf16-products (the problem's text
  /// says so where that changes its code: describeProblem).
  bool bf16Products = false;
  /// Its weights are packed into panels whatever the schedule (stored [n,
  /// k] or i8 blocks, more than one row): no other layout to try.
  bool alwaysPacked = false;
  /// The target's schedule and vector registers (kf-cpu-target's).
  CPUSchedule defaults;
  int64_t vectorRegisters = 16;
  /// The target's last-level cache: products (and a decode step's
  /// attention) are timed on enough copies of their operands to overflow
  /// it, so that their weights stream from memory as they do in a model.
  int64_t lastLevelCache = 8 << 20;
  /// Attention: the target's L1 and cores (candidate ranking), the bytes of
  /// a key element, and the query offset the kernel is called with
  /// (representativeQueryOffset; -1 without an offset operand).
  int64_t l1d = 32 << 10, cores = 1, keyBytes = 4, queryOffset = -1;

  bool isAttention() const { return kind == kAttentionKind; }
  /// A single row (m = 1, or no m) or a single query: memory-bound.
  bool isOneRow() const {
    if (isAttention())
      return ranges[2] == 1;
    return ranges.size() < 3 || ranges[ranges.size() - 3] == 1;
  }
};

/// A schedule to try.
struct ScheduleCandidate : ScheduleChoice {
  /// The cost model's estimate of relative speed (higher is better).
  double score = 0;
};

/// The distinct problems the ops of a module (kf-cpu-target has run on it)
/// pose, in order of first use; ops posing the same problem are uses of one.
class TuningProblemSet {
public:
  explicit TuningProblemSet(ModuleOp module);
  /// The problem `op` poses, new: its kind, text, key, one-op kernel
  /// (`@main` computing `op` alone from arguments) and the target's facts
  /// filled in, the rest for the caller. Null when an earlier op posed it
  /// (counted as a use) or when `op` cannot stand alone (its regions read
  /// values from above that are not constants).
  TuningProblem *add(Operation *op, StringRef kind, const std::string &problem);
  std::vector<TuningProblem> take() { return std::move(problems); }

private:
  ModuleOp module;
  DictionaryAttr target;
  TuningProblem facts;
  std::vector<TuningProblem> problems;
  std::map<std::string, size_t> seen;
};

/// Lowers `module` (kf or linalg; consumed) with kf-cpu-pipeline up to
/// linalg, for `target`, and returns its distinct contractions. Attention
/// is lowered with the tiles `tuningCache` (kf-apply-tuning's option) holds
/// for it, so that the products inside it are the ones a compile makes.
/// With `bf16Products`, the problems are described, compiled and timed as
/// kf-cpu-pipeline's bf16-products compiles them.
FailureOr<std::vector<TuningProblem>>
collectTuningProblems(ModuleOp module, StringRef tuningCache = "",
                      bool bf16Products = false,
                      const TuningTarget &target = {});

/// Records `target` on `module` (kf-cpu-target) and returns its distinct
/// `kf.attention` ops, each a one-op kernel.
FailureOr<std::vector<TuningProblem>>
collectAttentionProblems(ModuleOp module, const TuningTarget &target = {});

/// Makes `problem` compiled for `target` (and, where that is not the host,
/// timed on operands that overflow this machine's last-level cache too).
void setTarget(TuningProblem &problem, const TuningTarget &target);

/// Whether this machine can time `target`'s code: empty when it can, else
/// why not (an unknown CPU, another architecture, instruction sets this
/// CPU lacks).
std::string whyNotTunableHere(const TuningTarget &target);

/// Candidates around the problem's default schedule, best first by the
/// cost model, the default always first; at most `limit`.
std::vector<ScheduleCandidate> generateCandidates(const TuningProblem &problem,
                                                  size_t limit);
/// generateCandidates' attention half: query blocks and key tiles
/// (AttentionTuning.cpp).
std::vector<ScheduleCandidate>
generateAttentionCandidates(const TuningProblem &problem, size_t limit);

struct TuneOptions {
  /// Seconds of measurement per candidate (median of the calls in it).
  double minTime = 0.1;
  size_t maxCandidates = 10;
  /// Wall-clock deadline: no candidate starts after it.
  double deadlineSeconds = 1e30;
  /// Called with a line of progress.
  std::function<void(const std::string &)> progress;
};

/// Alternating rounds of the head-to-head between the fastest candidate
/// and the default.
inline constexpr int kHeadToHeadRounds = 5;

/// Whether the leader of a head-to-head replaces the default: `ours[i]` and
/// `theirs[i]` are the leader's and the default's times in round i, timed
/// one after the other. It must be faster in all rounds but one and by at
/// least `margin` in the median round (ours[i] / theirs[i]): a machine's
/// noise (another process, a busy minute of a shared host) slows whichever
/// runs in it and makes a level pair look like a win.
bool beatsDefault(ArrayRef<double> ours, ArrayRef<double> theirs,
                  double margin = 0.02);

/// The median round's ratio ours[i] / theirs[i] of a head-to-head (with an
/// even count of rounds, the slower of the middle two); 1 when the times
/// are mismatched, empty or not positive. A winner's recorded time is the
/// default's median times this.
double medianRatio(ArrayRef<double> ours, ArrayRef<double> theirs);

/// A warning for kernelforge-tune when other work held the machine
/// (`loadAverage`, over the last minute, against its `cores`): at least a
/// quarter of the cores on average. Empty when the machine was quiet.
std::string busyMachineWarning(double loadAverage, int64_t cores);

/// The system's load average over the last minute; nullopt where the
/// system does not say.
std::optional<double> lastMinuteLoadAverage();

/// Measures `problem`'s candidates and returns the winner (the default when
/// nothing beat it or nothing else fit the time). Fails when even the
/// default does not compile or run; `error` says why.
FailureOr<TunedSchedule> tuneProblem(const TuningProblem &problem,
                                     const TuneOptions &options,
                                     std::string &error);

/// "N of M contractions use measured schedules from PATH" (with "and A of
/// B attention ops" where the module had attention) after a compile that
/// found tuned entries (kf-apply-tuning's `kf.tuning` on the module); empty
/// when none applied.
std::string describeTuning(ModuleOp module);

/// A hash of the contents of the tuning cache a compile with `option` (the
/// pipeline's tuning-cache) reads, 0 when there is none: for compile caches
/// whose result depends on it.
uint64_t tuningCacheFingerprint(StringRef option);

} // namespace mlir::kf

#endif // KERNELFORGE_DRIVER_TUNER_H
