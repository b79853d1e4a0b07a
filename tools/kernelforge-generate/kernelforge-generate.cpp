//===- kernelforge-generate.cpp - Generate text with any supported decoder -===//
//
// kernelforge-generate --model-dir DIR [--prompt TEXT | --tokens 1,2,3] [-n N]
//
// Picks the model family from config.json's model_type (gpt2, llama), builds
// its @prefill/@decode graph, compiles it through the library cache, binds
// the checkpoint's weights by name and generates with the family-independent
// runtime. Tokenizers: GPT-2's vocab.json + merges.txt, llama2.c's
// tokenizer.bin.
//
//===----------------------------------------------------------------------===//

#include "kernelforge/Driver/CompileCache.h"
#include "kernelforge/Driver/Compiler.h"
#include "kernelforge/Driver/Tuner.h"
#include "kernelforge/Models/DecoderFamily.h"
#include "kernelforge/Models/GPT2/GPT2Graph.h"
#include "kernelforge/Runtime/CompiledLibrary.h"
#include "kernelforge/Runtime/Generator.h"
#include "kernelforge/Runtime/Tokenizer.h"
#include "kernelforge/Runtime/Weights.h"
#include "kernelforge/Support/ToolOptions.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Support/FileUtilities.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/WithColor.h"

using namespace kernelforge;
namespace rt = kernelforge::runtime;
using mlir::kf::fail;
using mlir::kf::pathIn;
namespace cl = llvm::cl;

static cl::OptionCategory &category = mlir::kf::toolOptionCategory();
static mlir::kf::CompileRunOptions compileRun;
static auto &cacheDir = compileRun.cacheDir;
static auto &pipelineOptions = compileRun.pipelineOptions;
static auto &emitMlir = compileRun.emitMlir;

static cl::opt<std::string> modelDir(
    "model-dir",
    cl::desc("Hugging Face model directory: config.json, model.safetensors "
             "and a tokenizer (tokenizer.json, tokenizer.bin, or vocab.json + "
             "merges.txt)"),
    cl::init(""), cl::cat(category));
static cl::opt<std::string> configPath("config",
                                       cl::desc("config.json (with --random-weights)"),
                                       cl::init(""), cl::cat(category));
static cl::opt<int64_t>
    randomSeed("random-weights",
               cl::desc("Deterministic random weights from this seed"),
               cl::init(-1), cl::cat(category));
static cl::opt<std::string> prompt("prompt", cl::desc("Prompt text (UTF-8)"),
                                   cl::init(""), cl::cat(category));
static cl::list<int64_t> promptTokens("tokens", cl::CommaSeparated,
                                      cl::desc("Prompt token ids: 1,2,3"),
                                      cl::cat(category));
static cl::opt<bool>
    noBos("no-bos",
          cl::desc("Do not start a text prompt with the model's BOS token"),
          cl::init(false), cl::cat(category));
static cl::opt<int64_t> newTokens("n", cl::desc("Tokens to generate"),
                                  cl::init(32), cl::cat(category));
static cl::opt<double> temperature("temperature",
                                   cl::desc("Sampling temperature (0: greedy)"),
                                   cl::init(0.0), cl::cat(category));
static cl::opt<int64_t> topK("top-k", cl::desc("Sample from the k best"),
                             cl::init(0), cl::cat(category));
static cl::opt<double> topP("top-p", cl::desc("Nucleus sampling mass"),
                            cl::init(1.0), cl::cat(category));
static cl::opt<uint64_t> seed("seed", cl::desc("Sampling seed"), cl::init(0),
                              cl::cat(category));
static cl::opt<int64_t>
    stopToken("stop-token",
              cl::desc("Stop after generating this id (default: the "
                       "model's EOS; -1: never)"),
              cl::init(-2), cl::cat(category));
static cl::opt<std::string>
    dtype("dtype",
          cl::desc("Element type the weight matrices are kept in: f32, "
                   "f16, bf16 or int8 (blocks of 32 input features with an "
                   "f16 scale). Default: the checkpoint's"),
          cl::init(""), cl::cat(category));
static mlir::kf::KVCacheTypeOption kvCache;
static cl::opt<std::string>
    device("device",
           cl::desc("cpu (default); cuda: weights and KV cache resident on "
                    "the GPU; gpu-emulator: cuda's kernels run as CPU loops "
                    "(checks them without a GPU)"),
           cl::init("cpu"), cl::cat(category));
static cl::opt<std::string>
    logitsOut("logits-out",
              cl::desc("Write the prompt's logits, float32 [T, vocab]"),
              cl::init(""), cl::cat(category));
static cl::opt<std::string> decodeLogitsOut(
    "decode-logits-out",
    cl::desc("Write the logits each new token was chosen from, [n, vocab]"),
    cl::init(""), cl::cat(category));
static cl::opt<bool> encodeOnly(
    "encode-only",
    cl::desc("Print the prompt's token ids (BOS included) and stop"),
    cl::init(false), cl::cat(category));
static cl::opt<std::string> emitStage(
    "emit",
    cl::desc("Write the compiled graph at a stage (linalg, llvm-mlir, "
             "llvm-ir, asm; ptx or cubin with --device cuda) to -o and stop"),
    cl::init(""), cl::cat(category));
static cl::opt<std::string> emitFile("o", cl::init("-"),
                                     cl::desc("Where --emit writes"),
                                     cl::cat(category));
static mlir::kf::PrefillBucketOption prefillBucket;
static cl::opt<std::string> saveLibrary(
    "save-library",
    cl::desc("Copy the compiled library here (kernelforge-gpt2-run runs it "
             "without MLIR)"),
    cl::init(""), cl::cat(category));
static mlir::kf::SaveWeightsOption saveWeights;
static cl::opt<bool> json("json",
                          cl::desc("Print metrics as JSON on stdout (the text "
                                   "goes to stderr)"),
                          cl::init(false), cl::cat(category));
static cl::opt<int64_t>
    repeat("repeat",
           cl::desc("Generate this many times; report median timings (the "
                    "first run's text and logits; exit 1 if a run's tokens "
                    "differ)"),
           cl::init(1), cl::cat(category));

/// The model directory's tokenizer, checked against the vocabulary.
static std::unique_ptr<rt::Tokenizer>
loadTokenizer(const models::DecoderFamily &family) {
  std::string error;
  std::unique_ptr<rt::Tokenizer> tokenizer =
      rt::loadTokenizer({modelDir}, error);
  if (!error.empty())
    fail(error);
  if (tokenizer && tokenizer->vocabSize() > family.vocabSize)
    fail("the tokenizer in '" + modelDir + "' has " +
         std::to_string(tokenizer->vocabSize()) +
         " tokens but the model's vocab_size is " +
         std::to_string(family.vocabSize));
  return tokenizer;
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  mlir::kf::parseToolOptions(argc, argv,
                             "KernelForge: generate text with a decoder "
                             "(GPT-2 or LLaMA family) from a Hugging Face "
                             "directory\n");
  saveWeights.checkLoaded(encodeOnly           ? "--encode-only"
                          : !emitStage.empty() ? "--emit"
                                               : "");
  std::string config = configPath;
  std::string checkpoint;
  if (!modelDir.empty()) {
    if (!llvm::sys::fs::is_directory(modelDir))
      fail("--model-dir '" + modelDir + "' is not a directory");
    if (config.empty())
      config = pathIn(modelDir, "config.json");
    if (randomSeed < 0) {
      checkpoint = pathIn(modelDir, "model.safetensors");
      if (!llvm::sys::fs::exists(checkpoint))
        fail("no model.safetensors in '" + modelDir + "'");
    }
  } else if (config.empty() || randomSeed < 0) {
    fail("give --model-dir DIR, or --config FILE with --random-weights SEED");
  }
  llvm::Expected<models::DecoderFamily> found =
      models::loadDecoderFamily(config);
  if (!found)
    fail(llvm::toString(found.takeError()));
  models::DecoderFamily family = std::move(*found);
  std::unique_ptr<rt::Tokenizer> tokenizer = loadTokenizer(family);

  // The prompt: ids, or text after the model's BOS.
  std::vector<int64_t> ids(promptTokens.begin(), promptTokens.end());
  if (!ids.empty() && !prompt.empty())
    fail("give --prompt or --tokens, not both");
  if (ids.empty()) {
    if (family.bos >= 0 && !noBos)
      ids.push_back(family.bos);
    if (!prompt.empty()) {
      if (!tokenizer)
        fail("a text prompt needs a tokenizer in the model directory; give "
             "--tokens");
      std::string error;
      if (!tokenizer->encode(prompt, ids, error))
        fail("cannot encode the prompt: " + error);
    }
  }
  if (encodeOnly) {
    llvm::outs() << llvm::join(llvm::map_range(ids,
                                               [](int64_t id) {
                                                 return std::to_string(id);
                                               }),
                               ",")
                 << "\n";
    return 0;
  }
  if (ids.empty())
    fail("empty prompt: give --prompt TEXT or --tokens 1,2,3");
  for (int64_t id : ids)
    if (id < 0 || id >= family.vocabSize)
      fail(llvm::formatv("token id {0} is outside the vocabulary [0, {1})", id,
                         family.vocabSize));
  int64_t promptLength = ids.size();
  if (promptLength > family.maxPositions)
    fail(llvm::formatv("the prompt has {0} tokens, more than the model's {1} "
                       "positions",
                       promptLength, family.maxPositions));
  if (newTokens < 0 || temperature < 0 || topP <= 0 || topP > 1 || topK < 0)
    fail("expected -n >= 0, --temperature >= 0, 0 < --top-p <= 1 and "
         "--top-k >= 0");
  if (repeat < 1)
    fail(llvm::formatv("expected --repeat >= 1, got {0}", repeat.getValue()));

  std::string error;
  std::string storage = rt::weightStorageFor(dtype, checkpoint, error);
  if (storage.empty())
    fail(error);
  int64_t bucket = prefillBucket.resolve(
      models::prefillBucket(promptLength, family.maxPositions),
      family.maxPositions);
  mlir::DialectRegistry registry;
  mlir::kf::registerCompilerDialects(registry);
  mlir::MLIRContext context(registry);
  auto module = family.build(&context, bucket, !logitsOut.empty(), storage,
                             kvCache.checked());
  if (!module)
    fail(llvm::toString(module.takeError()));
  mlir::kf::CompileOptions options;
  std::optional<mlir::kf::Target> target = mlir::kf::parseTarget(device);
  if (!target)
    fail("unknown --device " + device +
         " (expected cpu, cuda or gpu-emulator)");
  options.target = *target;
  bool cuda = *target == mlir::kf::Target::CUDA;
  if (failed(*target != mlir::kf::Target::CPU
                 ? options.gpuPipeline.parseFromString(pipelineOptions)
                 : options.pipeline.parseFromString(pipelineOptions)))
    fail("bad --pipeline-options '" + pipelineOptions + "'");
  if (!emitMlir.empty()) {
    if (!mlir::kf::writeModuleText(**module, emitMlir, error))
      fail(error);
  }
  if (!emitStage.empty()) {
    auto kind = mlir::kf::parseEmitKind(emitStage);
    if (!kind || *kind == mlir::kf::EmitKind::Shared ||
        *kind == mlir::kf::EmitKind::Obj)
      fail("--emit expects linalg, llvm-mlir, llvm-ir, asm, ptx or cubin, "
           "got '" +
           emitStage + "'");
    bool device = *kind == mlir::kf::EmitKind::PTX ||
                  *kind == mlir::kf::EmitKind::Cubin;
    if (device != cuda)
      fail("--emit=" + emitStage +
           (device ? " needs --device cuda" : " is a host stage: not with --device cuda"));
    options.emit = *kind;
    return failed(mlir::kf::compileModule(**module, options, emitFile));
  }
  bool terminal = llvm::errs().is_displayed() && !json;
  auto compiled = mlir::kf::compileCached(
      **module, options, device + " " + pipelineOptions, cacheDir,
      family.name,
      llvm::formatv("the {0} graph ({1} layers, prefill bucket {2})",
                    family.name, family.numLayers, bucket)
          .str(),
      terminal ? &llvm::errs() : nullptr);
  if (mlir::failed(compiled))
    fail("compiling the graph failed");
  if (!compiled->cached)
    if (std::string tuned = mlir::kf::describeTuning(**module); !tuned.empty())
      llvm::errs() << "tuning: " << tuned << "\n";

  if (!saveLibrary.empty())
    if (std::error_code ec =
            llvm::sys::fs::copy_file(compiled->path, saveLibrary))
      fail("cannot write --save-library '" + saveLibrary +
           "': " + ec.message());
  auto library = rt::CompiledLibrary::load(compiled->path, error);
  if (!library)
    fail(error);
  auto generator = rt::Generator::create(*library, cuda, error);
  if (!generator)
    fail("'" + compiled->path + "': " + error);
  if (!generator->loadWeights(checkpoint, randomSeed, error))
    fail(error);
  if (!saveWeights.dir.empty())
    saveWeights.report(rt::saveModelDirectory(saveWeights.dir, modelDir, config,
                                              generator->prefillEntry(),
                                              generator->boundWeights(), error),
                       error);

  rt::GenerationOptions generation;
  generation.newTokens = newTokens;
  generation.sampler.temperature = temperature;
  generation.sampler.topK = topK;
  generation.sampler.topP = topP;
  generation.sampler.seed = seed;
  generation.stopToken = stopToken == -2 ? family.eos : int64_t(stopToken);
  generation.keepDecodeLogits = !decodeLogitsOut.empty();
  llvm::raw_ostream &textOut = json ? llvm::errs() : llvm::outs();
  std::vector<rt::GenerationResult> runs = rt::generateRuns(
      *generator, ids, generation, repeat, tokenizer.get(),
      [&](const std::string &text) {
        textOut << text;
        textOut.flush();
      });
  const rt::GenerationResult &result = runs.front();
  if (result.truncated)
    llvm::errs() << llvm::formatv("stopped at the model's {0} positions\n",
                                  family.maxPositions);
  if (!logitsOut.empty() &&
      !rt::writeLogitsNpy(logitsOut, result.promptLogits, family.vocabSize,
                          error))
    fail(error);
  if (!decodeLogitsOut.empty() &&
      !rt::writeLogitsNpy(decodeLogitsOut, result.decodeLogits,
                          family.vocabSize, error))
    fail(error);
  rt::GenerationSummary summary = rt::summarize(runs, promptLength, bucket);
  llvm::errs() << family.name << ": " << rt::describe(summary)
               << "; compile: "
               << (compiled->cached
                       ? std::string("cached")
                       : llvm::formatv("{0:F1} s", compiled->compileSeconds)
                             .str())
               << "\n";
  if (json)
    llvm::outs() << "{\"model_type\": \"" << family.name << "\", "
                 << rt::jsonMembers(summary) << "}\n";
  return summary.consistent ? 0 : 1;
}
