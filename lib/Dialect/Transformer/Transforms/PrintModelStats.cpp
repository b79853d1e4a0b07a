//===- PrintModelStats.cpp - report parameters and FLOPs of a model -------===//

#include "kernelforge/Dialect/Transformer/Analysis/ModelStats.h"
#include "kernelforge/Dialect/Transformer/Transforms/Passes.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

namespace mlir::kf {
#define GEN_PASS_DEF_PRINTMODELSTATSPASS
#include "kernelforge/Dialect/Transformer/Transforms/Passes.h.inc"
} // namespace mlir::kf

using namespace mlir;
using namespace mlir::kf;

/// 124439808 -> "124,439,808".
static std::string withThousands(int64_t value) {
  std::string digits = std::to_string(value), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0)
      out += ',';
    out += digits[i];
  }
  return out;
}

static double mib(int64_t bytes) { return bytes / (1024.0 * 1024.0); }

static void printShape(raw_ostream &os, RankedTensorType type) {
  os << "[";
  llvm::interleaveComma(type.getShape(), os);
  os << "] " << type.getElementType();
}

static void printStats(raw_ostream &os, func::FuncOp fn, const ModelStats &stats,
                       bool listParams) {
  os << "model @" << fn.getSymName() << "\n";
  os << "  parameters: " << withThousands(stats.numParameters) << " in "
     << stats.params.size() << " tensors, "
     << llvm::format("%.2f", mib(stats.parameterBytes)) << " MiB\n";
  os << "  " << llvm::left_justify("op", 20) << llvm::right_justify("count", 8)
     << llvm::right_justify("MFLOP", 14) << llvm::right_justify("out MiB", 12)
     << "\n";
  int64_t count = 0, flops = 0, bytes = 0;
  for (const auto &[name, kind] : stats.ops) {
    os << "  " << llvm::left_justify(name, 20)
       << llvm::format("%8lld%14.3f%12.3f\n", (long long)kind.count,
                       kind.flops * 1e-6, mib(kind.resultBytes));
    count += kind.count;
    flops += kind.flops;
    bytes += kind.resultBytes;
  }
  os << "  " << llvm::left_justify("total", 20)
     << llvm::format("%8lld%14.3f%12.3f\n", (long long)count, flops * 1e-6,
                     mib(bytes));
  if (!listParams)
    return;
  std::vector<ParamInfo> params = stats.params;
  llvm::sort(params, [](const ParamInfo &a, const ParamInfo &b) {
    return a.name < b.name;
  });
  for (const ParamInfo &param : params) {
    os << "  param " << param.name << " ";
    printShape(os, param.type);
    os << "\n";
  }
}

namespace {
struct PrintModelStatsPass
    : kf::impl::PrintModelStatsPassBase<PrintModelStatsPass> {
  using Base::Base;

  void runOnOperation() override {
    SymbolTableCollection symbols;
    bool found = false;
    for (auto fn : getOperation().getOps<func::FuncOp>()) {
      if (fn.isExternal() || (entry.empty() ? !fn.isPublic()
                                            : fn.getSymName() != entry))
        continue;
      found = true;
      FailureOr<ModelStats> stats = computeModelStats(fn, symbols);
      if (failed(stats))
        return signalPassFailure();
      printStats(llvm::outs(), fn, *stats, listParams);
    }
    if (!found && !entry.empty()) {
      mlir::emitError(getOperation().getLoc(), "no function @")
          << entry << " to report";
      signalPassFailure();
    }
    markAllAnalysesPreserved();
  }
};
} // namespace
