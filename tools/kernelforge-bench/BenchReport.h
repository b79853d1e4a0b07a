//===- BenchReport.h - kernelforge-bench's JSON report and baselines -*- C++ -*-===//

#ifndef KERNELFORGE_TOOLS_BENCH_BENCHREPORT_H
#define KERNELFORGE_TOOLS_BENCH_BENCHREPORT_H

#include "llvm/Support/raw_ostream.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace kfbench {

/// Reads a report written by --json; nullopt and `error` when the file is
/// missing, not JSON, or has no "results" array of rows with "kernel",
/// "tokens" and "ms".
std::optional<nlohmann::json> readReport(const std::string &path,
                                         std::string &error);

/// Prints, per row of `current` that `baseline` also has (same kernel and
/// tokens), the median time before and after and the change, marking a
/// slowdown beyond `threshold` (0.1: 10%) as a regression; rows only one
/// side has are listed as such. Returns the number of regressions.
int compareReports(const nlohmann::json &current, const nlohmann::json &baseline,
                   double threshold, llvm::raw_ostream &os);

} // namespace kfbench

#endif // KERNELFORGE_TOOLS_BENCH_BENCHREPORT_H
