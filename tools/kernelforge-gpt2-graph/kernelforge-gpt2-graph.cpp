//===- kernelforge-gpt2-graph.cpp - emit a GPT-2 graph for a config -------===//
//
// Reads a Hugging Face config.json and prints the kf-dialect forward graph:
//   kernelforge-gpt2-graph models/gpt2/configs/gpt2.json --seq 128
// or one generation step reading and writing a KV cache:
//   kernelforge-gpt2-graph models/gpt2/configs/gpt2.json --step=prefill --seq 64
//   kernelforge-gpt2-graph models/gpt2/configs/gpt2.json --step=decode
//
//===----------------------------------------------------------------------===//

#include "kernelforge/Models/GPT2/GPT2Graph.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/WithColor.h"

namespace cl = llvm::cl;

static cl::opt<std::string> configPath(cl::Positional, cl::Required,
                                       cl::desc("<config.json>"));
static cl::opt<int64_t> batch("batch", cl::init(1),
                              cl::desc("Batch size of the graph"));
static cl::opt<int64_t> seqLen(
    "seq", cl::init(0),
    cl::desc("Sequence length of the graph (default: n_positions)"));
static cl::opt<std::string>
    step("step", cl::init("none"),
         cl::desc("none (the whole-sequence graph), prefill or decode"));
static cl::opt<bool> allLogits(
    "all-logits", cl::init(false),
    cl::desc("Prefill: return the logits of every position"));
static cl::opt<std::string> outputPath("o", cl::init("-"),
                                       cl::desc("Output file"),
                                       cl::value_desc("filename"));

static int fail(llvm::Error error) {
  llvm::WithColor::error(llvm::errs(), "kernelforge-gpt2-graph")
      << llvm::toString(std::move(error)) << "\n";
  return 1;
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::ParseCommandLineOptions(argc, argv,
                              "KernelForge GPT-2 graph builder: prints the kf "
                              "dialect forward graph of a Hugging Face "
                              "config.json\n");

  auto config = kernelforge::gpt2::loadGPT2Config(configPath);
  if (!config)
    return fail(config.takeError());
  mlir::MLIRContext context;
  using kernelforge::gpt2::GPT2Step;
  llvm::Expected<mlir::OwningOpRef<mlir::ModuleOp>> module =
      llvm::createStringError(llvm::inconvertibleErrorCode(),
                              "unknown --step=" + step +
                                  " (expected none, prefill or decode)");
  if (step == "none") {
    llvm::consumeError(module.takeError());
    module = kernelforge::gpt2::buildGPT2Graph(&context, *config,
                                               {batch, seqLen});
  } else if (step == "prefill" || step == "decode") {
    llvm::consumeError(module.takeError());
    kernelforge::gpt2::GPT2StepOptions options;
    options.step = step == "prefill" ? GPT2Step::Prefill : GPT2Step::Decode;
    options.tokens = seqLen ? seqLen : config->maxPositions;
    options.allLogits = allLogits;
    module = kernelforge::gpt2::buildGPT2StepGraph(&context, *config, options);
  }
  if (!module)
    return fail(module.takeError());

  std::string message;
  auto output = mlir::openOutputFile(outputPath, &message);
  if (!output)
    return fail(llvm::createStringError(llvm::inconvertibleErrorCode(),
                                        message));
  (*module)->print(output->os());
  output->os() << "\n";
  output->keep();
  return 0;
}
