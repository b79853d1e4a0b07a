//===- MachineCode.cpp - LLVM modules to objects and libraries ------------===//

#include "MachineCode.h"

#include "kernelforge/Target/CPUTargetModel.h"

#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Target/TargetMachine.h"

using namespace mlir;
using namespace mlir::kf;

LogicalResult mlir::kf::writeOutputFile(
    StringRef outputPath, Location loc, bool text,
    llvm::function_ref<LogicalResult(llvm::raw_pwrite_stream &)> write) {
  std::error_code ec;
  llvm::ToolOutputFile out(
      outputPath, ec, text ? llvm::sys::fs::OF_Text : llvm::sys::fs::OF_None);
  if (ec)
    return emitError(loc, "cannot write '")
           << outputPath << "': " << ec.message();
  if (failed(write(out.os())))
    return failure();
  out.keep();
  return success();
}

std::unique_ptr<llvm::TargetMachine>
mlir::kf::createTargetMachine(StringRef tripleName, StringRef cpuName,
                              StringRef featureNames, unsigned optLevel,
                              Location loc) {
  // The same resolution of triple, CPU and features (the host's where
  // neither names one) as the schedule was derived from (kf-cpu-target).
  std::string error;
  FailureOr<CPUTargetModel> model =
      CPUTargetModel::get(tripleName, cpuName, featureNames, error);
  if (failed(model)) {
    emitError(loc, error);
    return nullptr;
  }
  llvm::Triple triple(model->triple);
  const llvm::Target *target =
      llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target) {
    emitError(loc, "no LLVM target for ") << triple.str() << ": " << error;
    return nullptr;
  }
  const std::string &cpu = model->cpu, &features = model->features;
  llvm::CodeGenOptLevel level = optLevel == 0   ? llvm::CodeGenOptLevel::None
                                : optLevel == 1 ? llvm::CodeGenOptLevel::Less
                                : optLevel == 2
                                    ? llvm::CodeGenOptLevel::Default
                                    : llvm::CodeGenOptLevel::Aggressive;
  // Assembly as llc writes it: comments mark spills and reloads, which is
  // how a reader (and the lit tests) see that a kernel fits its registers.
  llvm::TargetOptions targetOptions;
  targetOptions.MCOptions.AsmVerbose = true;
  std::unique_ptr<llvm::TargetMachine> tm(
      target->createTargetMachine(triple, cpu, features, targetOptions,
                                  llvm::Reloc::PIC_, std::nullopt, level));
  if (!tm)
    emitError(loc, "cannot create a target machine for CPU '") << cpu << "'";
  return tm;
}

void mlir::kf::optimizeModule(llvm::Module &module, llvm::TargetMachine &tm,
                              unsigned optLevel) {
  llvm::LoopAnalysisManager lam;
  llvm::FunctionAnalysisManager fam;
  llvm::CGSCCAnalysisManager cgam;
  llvm::ModuleAnalysisManager mam;
  llvm::PipelineTuningOptions tuning;
  tuning.LoopVectorization = optLevel > 1;
  tuning.SLPVectorization = optLevel > 1;
  llvm::PassBuilder builder(&tm, tuning);
  builder.registerModuleAnalyses(mam);
  builder.registerCGSCCAnalyses(cgam);
  builder.registerFunctionAnalyses(fam);
  builder.registerLoopAnalyses(lam);
  builder.crossRegisterProxies(lam, fam, cgam, mam);
  llvm::OptimizationLevel level = optLevel == 0   ? llvm::OptimizationLevel::O0
                                  : optLevel == 1 ? llvm::OptimizationLevel::O1
                                  : optLevel == 2 ? llvm::OptimizationLevel::O2
                                                  : llvm::OptimizationLevel::O3;
  llvm::ModulePassManager passes =
      optLevel == 0 ? builder.buildO0DefaultPipeline(level)
                    : builder.buildPerModuleDefaultPipeline(level);
  passes.run(module, mam);
}

LogicalResult mlir::kf::emitMachineCode(llvm::Module &module,
                                        llvm::TargetMachine &tm, bool assembly,
                                        StringRef path, Location loc) {
  return writeOutputFile(
      path, loc, assembly, [&](llvm::raw_pwrite_stream &os) -> LogicalResult {
        llvm::legacy::PassManager pm;
        if (tm.addPassesToEmitFile(pm, os, nullptr,
                                   assembly
                                       ? llvm::CodeGenFileType::AssemblyFile
                                       : llvm::CodeGenFileType::ObjectFile))
          return emitError(loc, "the target cannot emit this file type");
        pm.run(module);
        return success();
      });
}

LogicalResult mlir::kf::linkSharedLibrary(StringRef object, StringRef output,
                                          Target target, Location loc) {
  SmallVector<std::string> candidates = {
      std::string(KF_LLVM_TOOLS_DIR) + "/clang", "clang-22", "clang", "cc"};
  std::string linker;
  for (const std::string &candidate : candidates) {
    if (llvm::sys::path::is_absolute(candidate)) {
      if (llvm::sys::fs::can_execute(candidate)) {
        linker = candidate;
        break;
      }
      continue;
    }
    if (auto found = llvm::sys::findProgramByName(candidate)) {
      linker = *found;
      break;
    }
  }
  if (linker.empty())
    return emitError(loc, "no linker found (looked for clang and cc) to "
                          "produce a shared library; use --emit=obj");
  std::string libDir = KF_LLVM_LIBRARY_DIR;
  SmallVector<std::string> args = {linker, "-shared", "-o", output.str(),
                                   object.str()};
  // A library carried elsewhere finds its runtime beside itself first.
  args.push_back("-Wl,-rpath,$ORIGIN");
  if (target == Target::CUDA) {
    // The mgpu* functions the host code calls (lib/Runtime/CUDA).
    std::string runtimeDir = KF_CUDA_RUNTIME_DIR;
    args.append({"-L" + runtimeDir, "-Wl,-rpath," + runtimeDir,
                 "-lkernelforge_cuda_runtime"});
  } else {
    args.append({"-L" + libDir, "-Wl,-rpath," + libDir, "-lomp"});
  }
  args.push_back("-lm");
  SmallVector<StringRef> argRefs(args.begin(), args.end());
  std::string error;
  int rc = llvm::sys::ExecuteAndWait(linker, argRefs, std::nullopt, {}, 0, 0,
                                     &error);
  if (rc != 0)
    return emitError(loc, "linking '")
           << output << "' with " << linker << " failed (exit " << rc << ")"
           << (error.empty() ? "" : ": ") << error;
  return success();
}
