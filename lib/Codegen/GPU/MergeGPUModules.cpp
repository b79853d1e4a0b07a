//===- MergeGPUModules.cpp - One gpu.module, each distinct kernel once ----===//

#include "kernelforge/Codegen/GPU/Passes.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/SymbolTable.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringMap.h"

namespace mlir::kf {
#define GEN_PASS_DEF_MERGEGPUMODULESPASS
#include "kernelforge/Codegen/GPU/Passes.h.inc"
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

/// `wanted`, or `wanted_N`: a name free in the merged module and, but for
/// `op` itself, in the module `op` comes from.
StringAttr uniqueName(StringAttr wanted, Operation *op,
                      gpu::GPUModuleOp source, SymbolTable &merged) {
  auto isFree = [&](StringAttr name) {
    Operation *inSource = SymbolTable::lookupSymbolIn(source, name);
    return !merged.lookup(name) && (!inSource || inSource == op);
  };
  StringAttr name = wanted;
  for (unsigned n = 0; !isFree(name); ++n)
    name = StringAttr::get(op->getContext(),
                           wanted.getValue() + "_" + std::to_string(n));
  return name;
}

struct MergeGPUModulesPass
    : kf::impl::MergeGPUModulesPassBase<MergeGPUModulesPass> {
  using MergeGPUModulesPassBase::MergeGPUModulesPassBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<gpu::GPUModuleOp> gpuModules(
        module.getOps<gpu::GPUModuleOp>());
    if (gpuModules.empty())
      return;

    // 1. Modules with the same contents: the first one stands for all.
    llvm::StringMap<gpu::GPUModuleOp> firstWith;
    llvm::DenseMap<StringAttr, gpu::GPUModuleOp> standIn;
    SmallVector<gpu::GPUModuleOp> distinct;
    for (gpu::GPUModuleOp gpuModule : gpuModules) {
      auto [it, inserted] =
          firstWith.try_emplace(contents(gpuModule), gpuModule);
      standIn[gpuModule.getNameAttr()] = it->second;
      if (inserted)
        distinct.push_back(gpuModule);
    }

    // 2. One module holds them all; each kernel takes its old module's
    // name (unique among the modules), other symbols keep theirs unless
    // taken. Uses inside a module follow its renamings.
    OpBuilder detached(&getContext());
    auto merged = gpu::GPUModuleOp::create(
        detached, gpuModules.front().getLoc(), moduleName);
    // Renamed when the name is taken.
    SymbolTable(module).insert(merged, gpuModules.front()->getIterator());
    SymbolTable mergedSymbols(merged);
    // (old module, old kernel name) -> new kernel name.
    llvm::DenseMap<std::pair<Operation *, StringAttr>, StringAttr> renamed;
    for (gpu::GPUModuleOp gpuModule : distinct) {
      SmallVector<Operation *> ops = llvm::to_vector(llvm::map_range(
          gpuModule.getBody()->getOperations(), [](Operation &op) {
            return &op;
          }));
      for (Operation *op : ops) {
        auto symbol = dyn_cast<SymbolOpInterface>(op);
        StringAttr oldName = symbol ? symbol.getNameAttr() : StringAttr();
        if (symbol) {
          bool kernel = isa<gpu::GPUFuncOp>(op) &&
                        cast<gpu::GPUFuncOp>(op).isKernel();
          StringAttr wanted = uniqueName(
              kernel ? gpuModule.getNameAttr() : oldName, op, gpuModule,
              mergedSymbols);
          if (wanted != oldName &&
              failed(SymbolTable::replaceAllSymbolUses(op, wanted,
                                                       gpuModule))) {
            op->emitError("cannot rename the uses of this symbol");
            return signalPassFailure();
          }
          SymbolTable::setSymbolName(op, wanted);
          renamed[{gpuModule.getOperation(), oldName}] = wanted;
        }
        op->remove();
        merged.getBody()->push_back(op);
        if (symbol)
          mergedSymbols.insert(op);
      }
    }

    // 3. Launches go to the merged module.
    WalkResult result = module.walk([&](gpu::LaunchFuncOp launch) {
      auto found = standIn.find(launch.getKernelModuleName());
      if (found == standIn.end())
        return WalkResult::advance();
      auto name =
          renamed.find({found->second.getOperation(), launch.getKernelName()});
      if (name == renamed.end()) {
        launch.emitError("launches a kernel its module does not define");
        return WalkResult::interrupt();
      }
      launch.setKernelAttr(SymbolRefAttr::get(
          merged.getNameAttr(), {FlatSymbolRefAttr::get(name->second)}));
      return WalkResult::advance();
    });
    if (result.wasInterrupted())
      return signalPassFailure();
    for (gpu::GPUModuleOp gpuModule : gpuModules)
      gpuModule.erase();
  }
};

} // namespace
