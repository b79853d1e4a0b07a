//===- BenchReport.cpp - kernelforge-bench's JSON report and baselines ----===//

#include "BenchReport.h"

#include "llvm/Support/FormatVariadic.h"

#include <fstream>
#include <map>
#include <sstream>

using namespace kfbench;

std::optional<nlohmann::json> kfbench::readReport(const std::string &path,
                                                  std::string &error) {
  std::ifstream in(path);
  if (!in) {
    error = "cannot read report " + path;
    return std::nullopt;
  }
  std::stringstream text;
  text << in.rdbuf();
  nlohmann::json report =
      nlohmann::json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  if (report.is_discarded()) {
    error = path + " is not valid JSON";
    return std::nullopt;
  }
  if (!report.is_object() || !report.contains("results") ||
      !report["results"].is_array()) {
    error = path + " has no \"results\" array (not a kernelforge-bench report)";
    return std::nullopt;
  }
  for (const nlohmann::json &row : report["results"])
    if (!row.is_object() || !row.contains("kernel") ||
        !row["kernel"].is_string() || !row.contains("tokens") ||
        !row["tokens"].is_number_integer() || !row.contains("ms") ||
        !row["ms"].is_number() || row["ms"].get<double>() <= 0) {
      error = path + ": a row lacks \"kernel\", \"tokens\" or a positive \"ms\"";
      return std::nullopt;
    }
  return report;
}

int kfbench::compareReports(const nlohmann::json &current,
                            const nlohmann::json &baseline, double threshold,
                            llvm::raw_ostream &os) {
  auto keyOf = [](const nlohmann::json &row) {
    return row["kernel"].get<std::string>() + " @T=" +
           std::to_string(row["tokens"].get<int64_t>());
  };
  std::map<std::string, double> before;
  for (const nlohmann::json &row : baseline["results"])
    before[keyOf(row)] = row["ms"].get<double>();
  os << llvm::formatv("{0,-28} {1,10} {2,10} {3,8}\n", "kernel", "base ms",
                      "now ms", "change");
  int regressions = 0;
  for (const nlohmann::json &row : current["results"]) {
    std::string key = keyOf(row);
    double now = row["ms"].get<double>();
    auto it = before.find(key);
    if (it == before.end()) {
      os << llvm::formatv("{0,-28} {1,10} {2,10:F3} {3,8}\n", key, "-", now,
                          "new");
      continue;
    }
    double change = now / it->second - 1.0;
    bool regressed = change > threshold;
    regressions += regressed;
    os << llvm::formatv("{0,-28} {1,10:F3} {2,10:F3} {3,7:F1}%{4}\n", key,
                        it->second, now, change * 100.0,
                        regressed ? "  REGRESSION" : "");
    before.erase(it);
  }
  for (const auto &[key, ms] : before)
    os << llvm::formatv("{0,-28} {1,10:F3} {2,10} {3,8}\n", key, ms, "-",
                        "gone");
  os << llvm::formatv("{0} regression{1} beyond {2:F0}%\n", regressions,
                      regressions == 1 ? "" : "s", threshold * 100.0);
  return regressions;
}
