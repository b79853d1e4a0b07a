//===- kernelforge-gpt2-run.cpp - Generate with a compiled decoder library ===//
//
//   kernelforge-gpt2 --model-dir DIR --prompt "x" --save-library gpt2.so
//   kernelforge-gpt2-run gpt2.so --model-dir DIR --prompt "Hello" -n 32
//
// Runs a library kernelforge-gpt2 compiled (its @prefill / @decode pair) on
// a checkpoint or on the same random weights kernelforge-gpt2 makes. The
// model's shapes come from the library's signatures. Built on the KernelForge
// runtime only: no MLIR or LLVM at run time, so the library, this runner
// and (for --device cuda) libkernelforge_cuda_runtime.so are all a machine
// needs.
//
//===----------------------------------------------------------------------===//

#include "kernelforge/Runtime/CompiledLibrary.h"
#include "kernelforge/Runtime/Generator.h"
#include "kernelforge/Runtime/Tokenizer.h"
#include "kernelforge/Version.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <sys/stat.h>

using namespace kernelforge::runtime;

namespace {

const char *usageText =
    "usage: kernelforge-gpt2-run LIB (--model-dir DIR | --checkpoint FILE | "
    "--random-weights SEED)\n"
    "         (--tokens 1,2,3 | --prompt TEXT | --prompt-file FILE) "
    "[--tokenizer DIR]\n"
    "         [-n N] [--temperature T] [--top-k K] [--top-p P] [--seed S] "
    "[--stop-token ID]\n"
    "         [--device cpu|cuda] [--repeat R] [--logits-out F.npy] "
    "[--decode-logits-out F.npy] [--json]\n";

[[noreturn]] void fail(const std::string &message) {
  std::cerr << "kernelforge-gpt2-run: error: " << message << "\n";
  std::exit(1);
}

bool exists(const std::string &path) {
  struct stat info;
  return stat(path.c_str(), &info) == 0;
}

std::string findFile(const std::string &dir,
                     std::initializer_list<const char *> names) {
  for (const char *name : names)
    if (exists(dir + "/" + name))
      return dir + "/" + name;
  return "";
}

/// A whole decimal number, or fail naming the option.
int64_t parseInt(const std::string &option, const std::string &text) {
  char *end = nullptr;
  long long value = std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || *end)
    fail(option + " expects an integer, got '" + text + "'");
  return value;
}

double parseReal(const std::string &option, const std::string &text) {
  char *end = nullptr;
  double value = std::strtod(text.c_str(), &end);
  if (text.empty() || *end)
    fail(option + " expects a number, got '" + text + "'");
  return value;
}

} // namespace

int main(int argc, char **argv) {
  std::string library, modelDir, checkpoint, tokenizerDir, prompt, promptFile,
      tokens, device = "cpu", logitsOut, decodeLogitsOut;
  int64_t randomSeed = -1, repeat = 1;
  bool json = false;
  GenerationOptions options;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc)
        fail("missing value after " + arg);
      return argv[++i];
    };
    if (arg == "--model-dir")
      modelDir = value();
    else if (arg == "--checkpoint")
      checkpoint = value();
    else if (arg == "--random-weights")
      randomSeed = parseInt(arg, value());
    else if (arg == "--tokenizer")
      tokenizerDir = value();
    else if (arg == "--prompt")
      prompt = value();
    else if (arg == "--prompt-file")
      promptFile = value();
    else if (arg == "--tokens")
      tokens = value();
    else if (arg == "-n")
      options.newTokens = parseInt(arg, value());
    else if (arg == "--temperature")
      options.sampler.temperature = parseReal(arg, value());
    else if (arg == "--top-k")
      options.sampler.topK = parseInt(arg, value());
    else if (arg == "--top-p")
      options.sampler.topP = parseReal(arg, value());
    else if (arg == "--seed")
      options.sampler.seed = parseInt(arg, value());
    else if (arg == "--stop-token")
      options.stopToken = parseInt(arg, value());
    else if (arg == "--device")
      device = value();
    else if (arg == "--repeat")
      repeat = parseInt(arg, value());
    else if (arg == "--logits-out")
      logitsOut = value();
    else if (arg == "--decode-logits-out")
      decodeLogitsOut = value();
    else if (arg == "--json")
      json = true;
    else if (arg == "--help" || arg == "-h") {
      std::cout << usageText;
      return 0;
    } else if (arg == "--version") {
      std::cout << "KernelForge " KF_VERSION_STRING " (runtime only: no compiler; "
                   "libraries built with LLVM/MLIR " KF_LLVM_VERSION_STRING ")\n";
      return 0;
    } else if (arg.rfind("-", 0) == 0)
      fail("unknown option " + arg + "\n" + usageText);
    else if (library.empty())
      library = arg;
    else
      fail("more than one library: '" + library + "' and '" + arg + "'");
  }
  if (library.empty())
    fail(std::string("no library given\n") + usageText);
  if (device != "cpu" && device != "cuda")
    fail("unknown --device " + device + " (expected cpu or cuda)");
  if (!modelDir.empty() && checkpoint.empty() && randomSeed < 0) {
    checkpoint = findFile(modelDir, {"model.safetensors"});
    if (checkpoint.empty())
      fail("no model.safetensors in '" + modelDir + "'");
  }
  if (checkpoint.empty() == (randomSeed < 0))
    fail("give --model-dir DIR, --checkpoint FILE or --random-weights SEED");
  if (options.newTokens < 0 || repeat < 1)
    fail("-n must not be negative and --repeat must be at least 1");
  if (options.sampler.temperature < 0 || options.sampler.topP <= 0 ||
      options.sampler.topP > 1 || options.sampler.topK < 0)
    fail("expected --temperature >= 0, 0 < --top-p <= 1 and --top-k >= 0");

  std::string error;
  auto lib = CompiledLibrary::load(library, error);
  if (!lib)
    fail(error);
  auto generator = Generator::create(*lib, device == "cuda", error);
  if (!generator)
    fail("'" + library + "': " + error);
  const ModelShapes &shapes = generator->shapes();

  // Tokenizer: explicit, else the model directory's, if any.
  std::unique_ptr<Tokenizer> tokenizer =
      loadTokenizer({tokenizerDir, modelDir}, error);
  if (!error.empty())
    fail(error);
  if (!tokenizerDir.empty() && !tokenizer)
    fail("no tokenizer (tokenizer.bin, or vocab.json + merges.txt) in '" +
         tokenizerDir + "'");

  // Prompt.
  if (!promptFile.empty()) {
    std::ifstream in(promptFile, std::ios::binary);
    if (!in)
      fail("cannot read --prompt-file '" + promptFile + "'");
    std::stringstream text;
    text << in.rdbuf();
    prompt = text.str();
  }
  if (!prompt.empty() + !tokens.empty() != 1)
    fail("give one of --prompt, --prompt-file or --tokens");
  std::vector<int64_t> ids;
  if (!tokens.empty()) {
    std::stringstream list(tokens);
    for (std::string item; std::getline(list, item, ',');)
      ids.push_back(parseInt("--tokens", item));
  } else {
    if (!tokenizer)
      fail("a text prompt needs --tokenizer DIR (or a model directory with "
           "vocab.json + merges.txt, or tokenizer.bin); or give --tokens");
    if (tokenizer->bos() >= 0)
      ids.push_back(tokenizer->bos());
    if (!tokenizer->encode(prompt, ids, error))
      fail("cannot encode the prompt: " + error);
  }
  std::string bad = generator->checkPrompt(ids);
  if (!bad.empty())
    fail("'" + library + "': " + bad);

  // Weights, bound by name, then generation.
  if (!generator->loadWeights(checkpoint, randomSeed, error))
    fail(error);
  options.keepDecodeLogits = !decodeLogitsOut.empty();

  std::ostream &textOut = json ? std::cerr : std::cout;
  std::vector<GenerationResult> runs = generateRuns(
      *generator, ids, options, repeat, tokenizer.get(),
      [&](const std::string &text) { textOut << text << std::flush; });
  const GenerationResult &result = runs.front();
  if (result.truncated)
    std::cerr << "stopped at n_positions (" << shapes.maxPositions << ")\n";
  if (!logitsOut.empty()) {
    if (!shapes.allPromptLogits)
      fail("--logits-out needs a library built with every position's logits "
           "(kernelforge-gpt2 --logits-out)");
    if (!writeLogitsNpy(logitsOut, result.promptLogits, shapes.vocabSize,
                        error))
      fail(error);
  }
  if (!decodeLogitsOut.empty() &&
      !writeLogitsNpy(decodeLogitsOut, result.decodeLogits, shapes.vocabSize,
                      error))
    fail(error);

  GenerationSummary summary = summarize(runs, ids.size(), shapes.prefillTokens);
  std::cerr << describe(summary) << "\n";
  if (json)
    std::cout << "{" << jsonMembers(summary) << ", \"device\": \"" << device
              << "\", \"library\": \"" << library << "\"}" << std::endl;
  if (!summary.consistent)
    fail("the runs generated different tokens");
  return 0;
}
