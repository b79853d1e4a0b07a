//===- kernelforge-compile.cpp - Ahead-of-time compiler driver ------------===//
//
// kernelforge-compile model.mlir -o model.so [--emit=shared|obj|asm|llvm-ir|
//   llvm-mlir|linalg] [--target=cpu] [-O3] [--mtriple=...] [--mcpu=...]
//   [--mattr=...]
//   [--pipeline-options="vector-width=16 threads=true ..."]
//
//===----------------------------------------------------------------------===//

#include "kernelforge/Support/ToolOptions.h"
#include "kernelforge/Driver/Compiler.h"
#include "kernelforge/Driver/Tuner.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Support/FileUtilities.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/SourceMgr.h"

#include <chrono>

using namespace mlir;
namespace cl = llvm::cl;

static cl::OptionCategory &category = mlir::kf::toolOptionCategory();

static cl::opt<std::string> inputFile(cl::Positional, cl::desc("<input.mlir>"),
                                      cl::Required, cl::cat(category));
static cl::opt<std::string> outputFile("o", cl::desc("Output file"),
                                       cl::value_desc("file"), cl::Required,
                                       cl::cat(category));
static cl::opt<std::string>
    emit("emit",
         cl::desc("What to write: shared (default), obj, asm, llvm-ir, "
                  "llvm-mlir, linalg, or ptx or cubin (--target=cuda; one module "
                  "holding every kernel)"),
         cl::init("shared"), cl::cat(category));
static cl::opt<std::string> target(
    "target",
    cl::desc("Target: cpu (default), cuda (PTX via NVVM) or gpu-emulator "
             "(cuda's kernels run as CPU loops, to check them without a GPU)"),
    cl::init("cpu"), cl::cat(category));
static cl::opt<unsigned> optLevel("O", cl::desc("LLVM optimisation level 0-3"),
                                  cl::Prefix, cl::init(3), cl::cat(category));
static cl::opt<std::string>
    mtriple("mtriple",
            cl::desc("Target triple, e.g. aarch64-linux-gnu (default: host; "
                     "another architecture is written with --emit=obj|asm)"),
            cl::init(""), cl::cat(category));
static cl::opt<std::string> mcpu("mcpu", cl::desc("Target CPU (default: host)"),
                                 cl::init(""), cl::cat(category));
static cl::opt<std::string>
    mattr("mattr", cl::desc("Target features, e.g. +avx2,-avx512f (default: "
                            "the host's)"),
          cl::init(""), cl::cat(category));
static cl::opt<std::string> pipelineOptions(
    "pipeline-options",
    cl::desc("Options of kf-cpu-pipeline (e.g. \"vector-width=8 threads=0\") "
             "or, with GPU targets, of kf-gpu-pipeline (e.g. \"chip=sm_80\")"),
    cl::init(""), cl::cat(category));

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  mlir::kf::parseToolOptions(argc, argv, "KernelForge ahead-of-time compiler\n");

  kf::CompileOptions options;
  std::optional<kf::EmitKind> kind = kf::parseEmitKind(emit);
  if (!kind) {
    llvm::errs() << "error: unknown --emit=" << emit
                 << " (expected shared, obj, asm, llvm-ir, llvm-mlir, linalg, "
                    "ptx or cubin)\n";
    return 1;
  }
  std::optional<kf::Target> parsedTarget = kf::parseTarget(target);
  if (!parsedTarget) {
    llvm::errs() << "error: unknown --target=" << target
                 << " (expected cpu, cuda or gpu-emulator)\n";
    return 1;
  }
  options.target = *parsedTarget;
  if (optLevel > 3) {
    llvm::errs() << "error: -O" << optLevel << " is not in 0-3\n";
    return 1;
  }
  if (options.target != kf::Target::CPU) {
    if (failed(options.gpuPipeline.parseFromString(pipelineOptions))) {
      llvm::errs() << "error: bad --pipeline-options '" << pipelineOptions
                   << "'\n";
      return 1;
    }
  } else if (failed(options.pipeline.parseFromString(pipelineOptions))) {
    llvm::errs() << "error: bad --pipeline-options '" << pipelineOptions
                 << "'\n";
    return 1;
  }
  kf::CPUStage stage;
  if (!kf::parseCPUStage(options.pipeline.stopAfter, stage)) {
    llvm::errs() << "error: unknown stop-after stage '"
                 << options.pipeline.stopAfter << "'\n";
    return 1;
  }
  options.emit = *kind;
  options.optLevel = optLevel;
  options.triple = mtriple;
  options.cpu = mcpu;
  options.features = mattr;

  DialectRegistry registry;
  kf::registerCompilerDialects(registry);
  MLIRContext context(registry);
  context.loadAllAvailableDialects();

  llvm::SourceMgr sourceMgr;
  SourceMgrDiagnosticHandler handler(sourceMgr, &context);
  std::string error;
  auto file = openInputFile(inputFile, &error);
  if (!file) {
    llvm::errs() << "error: " << error << "\n";
    return 1;
  }
  sourceMgr.AddNewSourceBuffer(std::move(file), llvm::SMLoc());
  OwningOpRef<ModuleOp> module = parseSourceFile<ModuleOp>(sourceMgr, &context);
  if (!module)
    return 1;
  // Progress on a terminal only: scripts and tests see just the result.
  bool terminal = llvm::errs().is_displayed();
  if (terminal)
    llvm::errs() << "compiling " << inputFile << " (" << target << ", "
                 << emit << ") ... ";
  auto start = std::chrono::steady_clock::now();
  if (failed(kf::compileModule(*module, options, outputFile))) {
    if (terminal)
      llvm::errs() << "failed\n";
    return 1;
  }
  if (terminal)
    llvm::errs() << llvm::formatv(
        "{0:F1} s\n", std::chrono::duration<double>(
                          std::chrono::steady_clock::now() - start)
                          .count());
  if (std::string tuned = kf::describeTuning(*module); !tuned.empty())
    llvm::errs() << "kernelforge-compile: " << tuned << "\n";
  return 0;
}
