//===- DedupeGPUModules.cpp - One gpu.module per distinct kernel ----------===//

#include "kernelforge/Transforms/Passes.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/SymbolTable.h"

#include "llvm/ADT/StringMap.h"

namespace mlir::kf {
#define GEN_PASS_DEF_DEDUPEGPUMODULESPASS
#include "kernelforge/Transforms/Passes.h.inc"
} // namespace mlir::kf

using namespace mlir;

namespace {

/// A gpu.module's contents as text: equal for two modules exactly when
/// their kernels are the same (kernel outlining names the functions inside
/// after the function they came from, not after the module).
std::string contents(gpu::GPUModuleOp module) {
  std::string text;
  llvm::raw_string_ostream os(text);
  for (Operation &op : module.getBody()->getOperations())
    op.print(os, OpPrintingFlags().useLocalScope().elideLargeElementsAttrs());
  return text;
}

struct DedupeGPUModulesPass
    : kf::impl::DedupeGPUModulesPassBase<DedupeGPUModulesPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    llvm::StringMap<gpu::GPUModuleOp> first;
    SmallVector<gpu::GPUModuleOp> duplicates;
    for (auto gpuModule : module.getOps<gpu::GPUModuleOp>()) {
      auto [it, inserted] = first.try_emplace(contents(gpuModule), gpuModule);
      if (inserted)
        continue;
      if (failed(SymbolTable::replaceAllSymbolUses(
              gpuModule, it->second.getNameAttr(), module))) {
        gpuModule.emitError("cannot redirect the launches of this module");
        return signalPassFailure();
      }
      duplicates.push_back(gpuModule);
    }
    for (gpu::GPUModuleOp duplicate : duplicates)
      duplicate.erase();
  }
};

} // namespace
