//===- ToolOptions.h - Command lines of the KernelForge tools ---*- C++ -*-===//
//
// What every KernelForge tool does with its command line: its own options in
// one category, shown by --help without LLVM's internal ones (which
// --help-hidden still lists), and a --version naming KernelForge, the
// LLVM/MLIR it was built with and the default target.
//
//===----------------------------------------------------------------------===//

#ifndef KERNELFORGE_SUPPORT_TOOLOPTIONS_H
#define KERNELFORGE_SUPPORT_TOOLOPTIONS_H

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/raw_ostream.h"

#include <string>

namespace mlir::kf {

/// The category a tool puts its own options in ("<tool> options").
llvm::cl::OptionCategory &toolOptionCategory();

/// Prints the versions and the default target, as --version does.
void printVersion(llvm::raw_ostream &os);

/// Installs the --version printer: KernelForge's lines after LLVM's.
void addVersionPrinter();

/// Hides (from --help, not from --help-hidden) every option registered so
/// far outside the tool's category, but --help and --version: LLVM's
/// internal options, when called before a driver such as MlirOptMain
/// registers its own.
void hideForeignOptions();

/// Parses the command line: hides every option outside the tool's
/// category (and --help/--version), then parses; exits on errors as
/// llvm::cl does.
void parseToolOptions(int argc, char **argv, llvm::StringRef overview);

/// Prints "<tool>: error: <message>" as LLVM's tools do (the tool named by
/// the argv[0] parseToolOptions was given) and exits with 1.
[[noreturn]] void fail(const llvm::Twine &message);

/// `name` in the folder `dir` (a model directory's file).
std::string pathIn(llvm::StringRef dir, llvm::StringRef name);

/// The options of the runners that build a graph and compile it through
/// the library cache (kernelforge-gpt2, -generate, -classify): one
/// definition, instantiated once per tool (`static CompileRunOptions
/// compileRun;`).
struct CompileRunOptions {
  llvm::cl::opt<std::string> cacheDir{
      "cache-dir",
      llvm::cl::desc("Compiled-library cache (default: $KF_CACHE_DIR, else "
                     "~/.cache/kernelforge)"),
      llvm::cl::init(""), llvm::cl::cat(toolOptionCategory())};
  llvm::cl::opt<std::string> pipelineOptions{
      "pipeline-options",
      llvm::cl::desc("Options of kf-cpu-pipeline (kf-gpu-pipeline with "
                     "--device cuda or gpu-emulator)"),
      llvm::cl::init(""), llvm::cl::cat(toolOptionCategory())};
  llvm::cl::opt<std::string> emitMlir{
      "emit-mlir", llvm::cl::desc("Write the kf graph it compiles"),
      llvm::cl::init(""), llvm::cl::cat(toolOptionCategory())};
};

/// --save-weights of the runners (kernelforge-gpt2, -generate, -classify):
/// one definition, instantiated once per tool.
struct SaveWeightsOption {
  llvm::cl::opt<std::string> dir{
      "save-weights",
      llvm::cl::desc(
          "Write the weights as they are kept (after --dtype: int8 blocks "
          "with their scales, bf16, ...) to DIR/model.safetensors, with the "
          "model directory's config and tokenizer files, so that "
          "--model-dir DIR loads them without converting"),
      llvm::cl::value_desc("DIR"), llvm::cl::init(""),
      llvm::cl::cat(toolOptionCategory())};
  /// fail()s when asked for together with an option that stops before the
  /// weights are loaded (`stopping`: its name, "" for none).
  void checkLoaded(llvm::StringRef stopping) const {
    if (!dir.empty() && !stopping.empty())
      fail("--save-weights needs the weights loaded, which " + stopping +
           " stops before (generate with -n 0 instead)");
  }
  /// Says where the weights went (`saved`, the checkpoint's path), or
  /// fail()s with `error` when `saved` is empty.
  void report(const std::string &saved, const std::string &error) const {
    if (saved.empty())
      fail("--save-weights: " + error);
    llvm::errs() << "saved the weights to " << saved << "\n";
  }
};

/// --kv-dtype of the generation runners (kernelforge-gpt2, -generate): one
/// definition, instantiated once per tool.
struct KVCacheTypeOption {
  llvm::cl::opt<std::string> kvDtype{
      "kv-dtype",
      llvm::cl::desc("Element type the KV cache is kept in: f32 (default), "
                     "bf16 or f16 (keys and values rounded to it when "
                     "written, widened when attention reads them)"),
      llvm::cl::init("f32"), llvm::cl::cat(toolOptionCategory())};
  /// The type asked for; fail()s naming the allowed ones otherwise.
  const std::string &checked() const {
    const std::string &type = kvDtype;
    if (type != "f32" && type != "bf16" && type != "f16")
      fail("--kv-dtype expects f32, bf16 or f16, got '" + type + "'");
    return type;
  }
};

/// --prefill-bucket of the generation runners (kernelforge-gpt2, -generate):
/// one definition, instantiated once per tool.
struct PrefillBucketOption {
  llvm::cl::opt<int64_t> tokens{
      "prefill-bucket",
      llvm::cl::desc(
          "Prompt tokens one prefill call takes (default: the prompt's length "
          "rounded up to a power of two). A longer prompt is prefilled in "
          "chunks of this many, a shorter one padded: a library kept with "
          "--save-library takes prompts of any length"),
      llvm::cl::value_desc("N"), llvm::cl::init(0),
      llvm::cl::cat(toolOptionCategory())};
  /// The bucket asked for, else `automatic`; fail()s unless it is in
  /// [1, maxPositions].
  int64_t resolve(int64_t automatic, int64_t maxPositions) const {
    if (tokens.getNumOccurrences() == 0)
      return automatic;
    if (tokens < 1 || tokens > maxPositions)
      fail("--prefill-bucket " + std::to_string(tokens) + " is not in 1.." +
           std::to_string(maxPositions) + " (the model's positions)");
    return tokens;
  }
};

} // namespace mlir::kf

#endif // KERNELFORGE_SUPPORT_TOOLOPTIONS_H
