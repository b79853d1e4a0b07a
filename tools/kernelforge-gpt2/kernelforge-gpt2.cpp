//===- kernelforge-gpt2.cpp - Compile and run GPT-2 with a KV cache -------===//
//
//   kernelforge-gpt2 --model-dir DIR --prompt "Hello" -n 32
//   kernelforge-gpt2 --config models/gpt2/configs/gpt2.json --random-weights 0
//                    --prompt "Hello" -n 32
//
// Builds the model's prefill and decode graphs (kf dialect), compiles them
// in-process through kf-cpu-pipeline into a shared library cached under
// --cache-dir (keyed by the graph and this compiler), binds the checkpoint's
// tensors by name, and generates, streaming text as it goes.
//
//===----------------------------------------------------------------------===//

#include "kernelforge/Support/ToolOptions.h"
#include "kernelforge/Driver/CompileCache.h"
#include "kernelforge/Driver/Compiler.h"
#include "kernelforge/Models/DecoderFamily.h"
#include "kernelforge/Driver/Tuner.h"
#include "kernelforge/Models/GPT2/GPT2Config.h"
#include "kernelforge/Models/GPT2/GPT2Graph.h"
#include "kernelforge/Runtime/CompiledLibrary.h"
#include "kernelforge/Runtime/Generator.h"
#include "kernelforge/Runtime/GPT2Tokenizer.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Support/FileUtilities.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/WithColor.h"

#include <chrono>
#include <cstring>

using namespace kernelforge;
using llvm::SmallString;
namespace cl = llvm::cl;
namespace rt = kernelforge::runtime;
using mlir::kf::fail;

static cl::OptionCategory &category = mlir::kf::toolOptionCategory();
static mlir::kf::CompileRunOptions compileRun;
static auto &cacheDir = compileRun.cacheDir;
static auto &pipelineOptions = compileRun.pipelineOptions;
static auto &emitMlir = compileRun.emitMlir;

static cl::opt<std::string> modelDir(
    "model-dir",
    cl::desc("Hugging Face model directory: config.json, model.safetensors, "
             "vocab.json + merges.txt (or encoder.json + vocab.bpe)"),
    cl::init(""), cl::cat(category));
static cl::opt<std::string> configPath("config",
                                       cl::desc("config.json (with "
                                                "--random-weights)"),
                                       cl::init(""), cl::cat(category));
static cl::opt<int64_t>
    randomSeed("random-weights",
               cl::desc("Deterministic random weights from this seed"),
               cl::init(-1), cl::cat(category));
static cl::opt<std::string> prompt("prompt", cl::desc("Prompt text (UTF-8)"),
                                   cl::init(""), cl::cat(category));
static cl::opt<std::string>
    promptFile("prompt-file", cl::desc("Read the prompt's bytes from a file"),
               cl::init(""), cl::cat(category));
static cl::list<int64_t> promptTokens("tokens", cl::CommaSeparated,
                                      cl::desc("Prompt token ids: 1,2,3"),
                                      cl::cat(category));
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
static cl::opt<int64_t> stopToken("stop-token",
                                  cl::desc("Stop after generating this id"),
                                  cl::init(-1), cl::cat(category));
static cl::opt<std::string>
    tokenizerDir("tokenizer",
                 cl::desc("Directory with the tokenizer files (default: the "
                          "model directory, else GPT-2's)"),
                 cl::init(""), cl::cat(category));
static cl::opt<bool>
    encodeOnly("encode-only", cl::desc("Print the prompt's token ids and stop"),
               cl::init(false), cl::cat(category));
static cl::opt<bool> decodeOnly("decode-only",
                                cl::desc("Print the text of --tokens and stop"),
                                cl::init(false), cl::cat(category));
static cl::opt<std::string> emitStage(
    "emit",
    cl::desc("Write the compiled graph at a stage (linalg, llvm-mlir, "
             "llvm-ir, asm) to -o and stop"),
    cl::init(""), cl::cat(category));
static cl::opt<std::string> emitFile("o", cl::init("-"),
                                     cl::desc("Where --emit writes"),
                                     cl::cat(category));
static cl::opt<std::string>
    logitsOut("logits-out",
              cl::desc("Write the prompt's logits, float32 [T, vocab]"),
              cl::init(""), cl::cat(category));
static cl::opt<std::string> decodeLogitsOut(
    "decode-logits-out",
    cl::desc("Write the logits each new token was chosen from, [n, vocab]"),
    cl::init(""), cl::cat(category));
static cl::opt<bool> json("json",
                          cl::desc("Print metrics as JSON on stdout "
                                   "(the text goes to stderr)"),
                          cl::init(false), cl::cat(category));
static cl::opt<int64_t>
    repeat("repeat",
           cl::desc("Generate this many times; report median timings"),
           cl::init(1), cl::cat(category));
static mlir::kf::PrefillBucketOption prefillBucket;
static cl::opt<std::string> saveLibrary(
    "save-library",
    cl::desc("Copy the compiled library here (kernelforge-gpt2-run runs it "
             "without MLIR)"),
    cl::init(""), cl::cat(category));
static mlir::kf::SaveWeightsOption saveWeights;
static cl::opt<bool> compileOnly(
    "compile-only",
    cl::desc("Compile (and --save-library), print the library's path, stop "
             "(needs no GPU for --device cuda)"),
    cl::init(false), cl::cat(category));
static cl::opt<std::string> dtype(
    "dtype",
    cl::desc("Element type the weight matrices are kept in: f32, f16, bf16 or int8 "
             "(converted once at load). Default: the checkpoint's; f32 for "
             "random weights"),
    cl::init(""), cl::cat(category));
static mlir::kf::KVCacheTypeOption kvCache;
static cl::opt<std::string>
    device("device",
           cl::desc("cpu (default); cuda: weights and KV cache resident "
                    "on the GPU; gpu-emulator: cuda's kernels run as CPU "
                    "loops (checks them without a GPU)"),
           cl::init("cpu"), cl::cat(category));

namespace {

double seconds(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
      .count();
}

std::string findFile(const std::string &dir,
                     std::initializer_list<const char *> names) {
  for (const char *name : names) {
    SmallString<128> path(dir);
    llvm::sys::path::append(path, name);
    if (llvm::sys::fs::exists(path))
      return std::string(path);
  }
  return "";
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  mlir::kf::parseToolOptions(argc, argv,
                              "KernelForge GPT-2: compile a Hugging Face GPT-2 "
                              "and generate text with a KV cache\n");
  auto started = std::chrono::steady_clock::now();

  // Model: a directory, or a config with random weights.
  std::string config = configPath, checkpoint;
  bool tokenizerOnly = encodeOnly || decodeOnly;
  saveWeights.checkLoaded(encodeOnly           ? "--encode-only"
                          : decodeOnly         ? "--decode-only"
                          : compileOnly        ? "--compile-only"
                          : !emitStage.empty() ? "--emit"
                                               : "");
  if (!modelDir.empty()) {
    if (!llvm::sys::fs::is_directory(modelDir))
      fail("--model-dir '" + modelDir + "' is not a directory");
    if (config.empty())
      config = findFile(modelDir, {"config.json"});
    if (config.empty())
      fail("no config.json in '" + modelDir + "'");
    if (randomSeed < 0 && !tokenizerOnly) {
      checkpoint = findFile(modelDir, {"model.safetensors"});
      if (checkpoint.empty())
        fail("no model.safetensors in '" + modelDir +
             "' (use --random-weights SEED for random weights)");
    }
  } else if (config.empty() && !(tokenizerOnly && !tokenizerDir.empty())) {
    fail("give --model-dir DIR, or --config FILE with --random-weights SEED");
  } else if (randomSeed < 0 && !tokenizerOnly) {
    fail("--config needs --random-weights SEED (or use --model-dir)");
  }
  gpt2::GPT2Config c;
  if (!config.empty()) {
    auto gpt2Config = gpt2::loadGPT2Config(config);
    if (!gpt2Config)
      fail(llvm::toString(gpt2Config.takeError()));
    c = *gpt2Config;
  }

  // Tokenizer: explicit, the model's, or GPT-2's own (in the source tree).
  std::unique_ptr<rt::GPT2Tokenizer> tokenizer;
  {
    std::vector<std::string> dirs = {tokenizerDir, modelDir};
    if (tokenizerDir.empty() && c.vocabSize == 50257)
      dirs.push_back(std::string(KF_SOURCE_DIR) + "/models/gpt2/tokenizer");
    std::string error;
    tokenizer = rt::GPT2Tokenizer::loadFirst(dirs, error);
    if (!error.empty())
      fail(error);
    if (!tokenizerDir.empty() && !tokenizer)
      fail("no vocab.json/merges.txt (or encoder.json/vocab.bpe) in '" +
           tokenizerDir + "'");
  }

  // Prompt.
  std::vector<int64_t> ids(promptTokens.begin(), promptTokens.end());
  std::string promptText = prompt;
  if (!promptFile.empty()) {
    auto buffer = llvm::MemoryBuffer::getFile(promptFile);
    if (!buffer)
      fail("cannot read --prompt-file '" + promptFile +
           "': " + buffer.getError().message());
    promptText = (*buffer)->getBuffer().str();
  }
  if ((!promptText.empty()) + !ids.empty() > 1 ||
      (!prompt.empty() && !promptFile.empty()))
    fail("give one of --prompt, --prompt-file or --tokens");
  if (!promptText.empty()) {
    if (!tokenizer)
      fail("a text prompt needs a tokenizer (vocab.json + merges.txt) in the "
           "model directory or --tokenizer DIR; or give --tokens");
    std::string error;
    if (!tokenizer->encode(promptText, ids, error))
      fail("cannot encode the prompt: " + error);
  }
  if (encodeOnly) {
    llvm::outs() << llvm::join(
                        llvm::map_range(
                            ids, [](int64_t t) { return std::to_string(t); }),
                        ",")
                 << "\n";
    return 0;
  }
  if (decodeOnly) {
    if (!tokenizer)
      fail("--decode-only needs a tokenizer");
    llvm::outs() << tokenizer->decode(ids);
    return 0;
  }
  if (ids.empty())
    fail("empty prompt: give --prompt TEXT or --tokens 1,2,3");
  int64_t promptLength = ids.size();
  for (int64_t id : ids)
    if (id < 0 || id >= c.vocabSize)
      fail(llvm::formatv("token id {0} is outside the vocabulary [0, {1})", id,
                         c.vocabSize));
  if (promptLength > c.maxPositions)
    fail(llvm::formatv("the prompt has {0} tokens, more than n_positions {1}",
                       promptLength, c.maxPositions));
  if (newTokens < 0)
    fail("-n must not be negative");
  if (temperature < 0 || topP <= 0 || topP > 1 || topK < 0)
    fail("expected --temperature >= 0, 0 < --top-p <= 1 and --top-k >= 0");
  if (repeat < 1)
    fail(llvm::formatv("expected --repeat >= 1, got {0}", repeat.getValue()));

  int64_t bucket = prefillBucket.resolve(
      models::prefillBucket(promptLength, c.maxPositions), c.maxPositions);

  // Weight storage: asked for, else the checkpoint's.
  std::string storageError;
  std::string storageName =
      rt::weightStorageFor(dtype, checkpoint, storageError);
  if (storageName.empty())
    fail(storageError);
  std::optional<gpt2::WeightStorage> storage =
      gpt2::parseWeightStorage(storageName);
  if (!storage)
    fail("--dtype expects f32, f16, bf16 or int8, got '" + storageName + "'");

  mlir::DialectRegistry registry;
  mlir::kf::registerCompilerDialects(registry);
  mlir::MLIRContext context(registry);
  gpt2::GPT2GenerationOptions graphOptions;
  graphOptions.prefillTokens = bucket;
  graphOptions.allLogits = !logitsOut.empty();
  graphOptions.weights = *storage;
  graphOptions.kvCache = kvCache.checked();
  auto module = gpt2::buildGPT2GenerationGraph(&context, c, graphOptions);
  if (!module)
    fail(llvm::toString(module.takeError()));
  if (!emitMlir.empty()) {
std::string error;
        if (!mlir::kf::writeModuleText(**module, emitMlir, error))
      fail(error);
  }

  mlir::kf::CompileOptions compileOptions;
  std::optional<mlir::kf::Target> target = mlir::kf::parseTarget(device);
  if (!target)
    fail("unknown --device " + device +
         " (expected cpu, cuda or gpu-emulator)");
  compileOptions.target = *target;
  bool cuda = *target == mlir::kf::Target::CUDA;
  if (failed(*target != mlir::kf::Target::CPU
                 ? compileOptions.gpuPipeline.parseFromString(pipelineOptions)
                 : compileOptions.pipeline.parseFromString(pipelineOptions)))
    fail("bad --pipeline-options '" + pipelineOptions + "'");
  if (!emitStage.empty()) {
    auto kind = mlir::kf::parseEmitKind(emitStage);
    if (!kind || *kind == mlir::kf::EmitKind::Shared ||
        *kind == mlir::kf::EmitKind::Obj)
      fail("--emit expects linalg, llvm-mlir, llvm-ir or asm, got '" +
           emitStage + "'");
    compileOptions.emit = *kind;
    return failed(mlir::kf::compileModule(**module, compileOptions, emitFile));
  }

  // The compiled library, from the cache when this graph was compiled before
  // by this compiler, with these options, for this CPU. Progress goes to a
  // terminal only.
  bool terminal = llvm::errs().is_displayed() && !json;
  mlir::FailureOr<mlir::kf::CachedLibrary> compiled = mlir::kf::compileCached(
      **module, compileOptions, pipelineOptions, cacheDir, "gpt2",
      llvm::formatv("the graph ({0} layers, prefill bucket {1})", c.numLayers,
                    bucket)
          .str(),
      terminal ? &llvm::errs() : nullptr);
  if (failed(compiled))
    fail("compiling the graph failed");
  const std::string &library = compiled->path;
  bool cached = compiled->cached;
  double compileSeconds = compiled->compileSeconds;
  if (!cached)
    if (std::string tuned = mlir::kf::describeTuning(**module); !tuned.empty())
      llvm::errs() << "tuning: " << tuned << "\n";
  if (!saveLibrary.empty()) {
    if (std::error_code ec = llvm::sys::fs::copy_file(library, saveLibrary))
      fail("cannot write --save-library '" + saveLibrary +
           "': " + ec.message());
  }
  if (compileOnly) {
    llvm::outs() << library << "\n";
    return 0;
  }
  double loadStart = seconds(started);
  std::string error;
  auto lib = rt::CompiledLibrary::load(library, error);
  if (!lib)
    fail(error);
  auto generator = rt::Generator::create(*lib, cuda, error);
  if (!generator)
    fail("'" + std::string(library) + "': " + error);

  // Weights, bound by name.
  if (!generator->loadWeights(checkpoint, randomSeed, error))
    fail(error);
  double weightsSeconds = seconds(started) - loadStart;
  if (!saveWeights.dir.empty())
    saveWeights.report(rt::saveModelDirectory(saveWeights.dir, modelDir, config,
                                              generator->prefillEntry(),
                                              generator->boundWeights(), error),
                       error);

  // Generate, streaming the text (the first run's).
  rt::GenerationOptions generation;
  generation.newTokens = newTokens;
  generation.sampler.temperature = temperature;
  generation.sampler.topK = topK;
  generation.sampler.topP = topP;
  generation.sampler.seed = seed;
  generation.stopToken = stopToken;
  generation.keepDecodeLogits = !decodeLogitsOut.empty();
  llvm::raw_ostream &textOut = json ? llvm::errs() : llvm::outs();
  std::vector<rt::GenerationResult> runs =
      rt::generateRuns(*generator, ids, generation, repeat, tokenizer.get(),
                       [&](const std::string &text) {
                         textOut << text;
                         textOut.flush();
                       });
  const rt::GenerationResult &result = runs.front();
  if (result.truncated)
    llvm::errs() << llvm::formatv("stopped at n_positions ({0})\n",
                                  c.maxPositions);
  if (!logitsOut.empty() &&
      !rt::writeLogitsNpy(logitsOut, result.promptLogits, c.vocabSize, error))
    fail(error);
  if (!decodeLogitsOut.empty() &&
      !rt::writeLogitsNpy(decodeLogitsOut, result.decodeLogits, c.vocabSize,
                          error))
    fail(error);

  rt::GenerationSummary summary = rt::summarize(runs, promptLength, bucket);
  llvm::errs() << rt::describe(summary) << "; compile: "
               << (cached ? std::string("cached")
                          : llvm::formatv("{0:F1} s", compileSeconds).str())
               << llvm::formatv("; weights {0:F2} s\n", weightsSeconds);
  if (json)
    llvm::outs() << "{" << rt::jsonMembers(summary)
                 << llvm::formatv(", \"compile_s\": {0:F3}, "
                                  "\"compile_cached\": {1}, \"library\": "
                                  "\"{2}\"}\n",
                                  compileSeconds, cached ? "true" : "false",
                                  library);
  return summary.consistent ? 0 : 1;
}
