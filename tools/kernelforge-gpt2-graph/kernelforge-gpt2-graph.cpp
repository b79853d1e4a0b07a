//===- kernelforge-gpt2-graph.cpp - emit a GPT-2 graph for a config -------===//
//
// Reads a Hugging Face config.json and prints the kf-dialect forward graph:
//   kernelforge-gpt2-graph models/gpt2/configs/gpt2.json --seq 128
// or the prefill (bucket of --seq tokens) and decode steps of generation,
// reading and writing a KV cache:
//   kernelforge-gpt2-graph models/gpt2/configs/gpt2.json --generation --seq 64
//
//===----------------------------------------------------------------------===//

#include "kernelforge/Support/ToolOptions.h"
#include "kernelforge/Models/GPT2/GPT2Graph.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/WithColor.h"

namespace cl = llvm::cl;

static cl::OptionCategory &category = mlir::kf::toolOptionCategory();

static cl::opt<std::string> configPath(cl::Positional, cl::Required,
                                       cl::desc("<config.json>"),
                                       cl::cat(category));
static cl::opt<int64_t> batch("batch", cl::init(1),
                              cl::desc("Batch size of the graph"),
                              cl::cat(category));
static cl::opt<int64_t> seqLen(
    "seq", cl::init(0),
    cl::desc("Sequence length of the graph (default: n_positions)"),
    cl::cat(category));
static cl::opt<bool> generation(
    "generation", cl::init(false),
    cl::desc("Emit @prefill (--seq tokens) and @decode with a KV cache"),
    cl::cat(category));
static cl::opt<bool> allLogits(
    "all-logits", cl::init(false),
    cl::desc("Prefill: return the logits of every position"),
    cl::cat(category));
static cl::opt<std::string> weightType(
    "dtype", cl::init("f32"),
    cl::desc("Element type of the weight matrices: f32, f16, bf16 or int8"),
    cl::cat(category));
static mlir::kf::KVCacheTypeOption kvCache;
static cl::opt<std::string> outputPath("o", cl::init("-"),
                                       cl::desc("Output file"),
                                       cl::value_desc("filename"),
                                       cl::cat(category));

static int fail(llvm::Error error) {
  llvm::WithColor::error(llvm::errs(), "kernelforge-gpt2-graph")
      << llvm::toString(std::move(error)) << "\n";
  return 1;
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  mlir::kf::parseToolOptions(argc, argv,
                              "KernelForge GPT-2 graph builder: prints the kf "
                              "dialect forward graph of a Hugging Face "
                              "config.json\n");

  auto config = kernelforge::gpt2::loadGPT2Config(configPath);
  if (!config)
    return fail(config.takeError());
  auto storage = kernelforge::gpt2::parseWeightStorage(weightType);
  if (!storage)
    return fail(llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        "--dtype expects f32, f16, bf16 or int8, got '" + weightType + "'"));
  const std::string &cacheType = kvCache.checked();
  mlir::MLIRContext context;
  llvm::Expected<mlir::OwningOpRef<mlir::ModuleOp>> module =
      mlir::OwningOpRef<mlir::ModuleOp>();
  if (generation) {
    kernelforge::gpt2::GPT2GenerationOptions options;
    options.prefillTokens = seqLen ? seqLen : config->maxPositions;
    options.allLogits = allLogits;
    options.weights = *storage;
    options.kvCache = cacheType;
    module =
        kernelforge::gpt2::buildGPT2GenerationGraph(&context, *config, options);
  } else {
    module = kernelforge::gpt2::buildGPT2Graph(&context, *config,
                                               {batch, seqLen, *storage});
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
