//===- kernelforge-tune.cpp - The autotuner -------------------------------===//
//
// kernelforge-tune model.mlir                      # a module's attention and
// contractions kernelforge-tune --model-dir DIR [--seq-lens 64,256]  # a
// decoder's graphs (GPT-2, LLaMA family) kernelforge-tune --config config.json
// # the same from a config alone
//   [--budget SECONDS] [--tuning-cache PATH] [--max-candidates N] [--retune]
//   [--bf16-products] [--dry-run]
//
// Measures candidate schedules of each distinct fused attention, then of each
// distinct contraction (the attention's tiles decide the products inside it),
// on this machine (lib/Driver/Tuner.cpp and AttentionTuning.cpp say how they
// are chosen) and records the fastest in the tuning cache, which
// kernelforge-compile, kernelforge-gpt2 and kf-cpu-pipeline read. Problems
// already in the cache are not measured again.
//
//===----------------------------------------------------------------------===//

#include "kernelforge/Support/ToolOptions.h"
#include "kernelforge/Driver/Compiler.h"
#include "kernelforge/Driver/Tuner.h"
#include "kernelforge/Models/DecoderFamily.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Support/FileUtilities.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"

#include <chrono>
#include <set>
#include <thread>

using namespace mlir;
namespace cl = llvm::cl;
using mlir::kf::fail;

static cl::OptionCategory &category = mlir::kf::toolOptionCategory();
static cl::opt<std::string> inputFile(cl::Positional,
                                      cl::desc("[<input.mlir>]"), cl::init(""),
                                      cl::cat(category));
static cl::opt<std::string> modelDir(
    "model-dir",
    cl::desc("Model directory (its config.json): GPT-2 or the LLaMA family "
             "(llama, mistral, qwen2), as kernelforge-gpt2 and "
             "kernelforge-generate run them"),
    cl::init(""), cl::cat(category));
static cl::opt<std::string> weightType(
    "dtype",
    cl::desc("Element type the model's weight matrices are kept in, as the "
             "runners' --dtype: f32 (default), f16, bf16 or int8; each "
             "type's products are tuned apart"),
    cl::init("f32"), cl::cat(category));
static mlir::kf::KVCacheTypeOption kvCache;
static cl::opt<std::string>
    configPath("config", cl::desc("A model's config.json (as --model-dir)"),
               cl::init(""), cl::cat(category));
static cl::list<int64_t>
    tokens("seq-lens", cl::CommaSeparated,
           cl::desc("Prompt lengths whose prefill buckets are tuned with "
                    "--model-dir/--config (default 64,256,1024, up to the "
                    "model's positions; decode is always tuned)"),
           cl::cat(category));
static cl::opt<double> budget("budget", cl::init(600),
                              cl::desc("Seconds of tuning at most (default "
                                       "600); each problem measures at least "
                                       "the default"),
                              cl::cat(category));
static cl::opt<std::string>
    cachePath("tuning-cache",
              cl::desc("Tuning cache (default $KF_TUNING_CACHE or "
                       "~/.cache/kernelforge/tuning.json)"),
              cl::init(""), cl::cat(category));
static cl::opt<unsigned> maxCandidates("max-candidates", cl::init(10),
                                       cl::desc("Candidates per problem"),
                                       cl::cat(category));
static cl::opt<double> minTime("min-time", cl::init(0.1),
                               cl::desc("Seconds of timing per candidate"),
                               cl::cat(category));
static cl::opt<bool> retune("retune", cl::init(false),
                            cl::desc("Measure problems the cache already has"),
                            cl::cat(category));
static cl::opt<bool> bf16Products(
    "bf16-products", cl::init(false),
    cl::desc("Tune the products as --pipeline-options bf16-products=1 "
             "compiles them (on a CPU with AVX-512 BF16: prefill's in bf16 "
             "pairs); they are tuned apart from f32 panels' and used only by "
             "compiles with that option"),
    cl::cat(category));
static cl::opt<std::string>
    targetCPU("mcpu",
              cl::desc("CPU the tuned code is for, as kernelforge-compile's "
                       "--mcpu and --pipeline-options target-cpu= (default: "
                       "this machine's); it is timed here, so this machine "
                       "must run it (x86-64-v3 or znver3 on an AVX-512 host)"),
              cl::init(""), cl::cat(category));
static cl::opt<std::string>
    targetFeatures("mattr",
                   cl::desc("Target features, as kernelforge-compile's --mattr "
                            "and --pipeline-options target-features= (e.g. "
                            "-avx512f)"),
                   cl::init(""), cl::cat(category));
static cl::opt<bool> dryRun("dry-run", cl::init(false),
                            cl::desc("List the problems and candidates only"),
                            cl::cat(category));

/// The modules to tune: the input, or a GPT-2's generation graphs.
static std::vector<OwningOpRef<ModuleOp>> loadModules(MLIRContext &context,
                                                      llvm::SourceMgr &sources) {
  std::vector<OwningOpRef<ModuleOp>> modules;
  int given = !inputFile.empty() + !modelDir.empty() + !configPath.empty();
  if (given != 1)
    fail("give one of <input.mlir>, --model-dir or --config");
  if (!inputFile.empty()) {
    std::string error;
    auto file = openInputFile(inputFile, &error);
    if (!file)
      fail(error);
    sources.AddNewSourceBuffer(std::move(file), llvm::SMLoc());
    OwningOpRef<ModuleOp> module = parseSourceFile<ModuleOp>(sources, &context);
    if (!module)
      std::exit(1);
    modules.push_back(std::move(module));
    return modules;
  }
  std::string config = configPath;
  if (!modelDir.empty()) {
    SmallString<128> path(modelDir);
    llvm::sys::path::append(path, "config.json");
    config = std::string(path);
  }
  auto family = kernelforge::models::loadDecoderFamily(config);
  if (!family)
    fail(llvm::toString(family.takeError()));
  if (!llvm::is_contained(family->storageTypes, weightType.getValue()))
    fail("--dtype " + weightType + " is not one of " +
         llvm::join(family->storageTypes, ", "));
  const std::string &kvType = kvCache.checked();
  std::vector<int64_t> lengths(tokens.begin(), tokens.end());
  // By default 64, 256 and 1024 tokens, as far as the model's positions go.
  if (lengths.empty())
    for (int64_t length : {64, 256, 1024})
      lengths.push_back(std::min(length, family->maxPositions));
  // The runners compile a prompt for its bucket (the next power of two from
  // 16): that is the graph to tune.
  std::vector<int64_t> buckets;
  for (int64_t length : lengths) {
    if (length < 1 || length > family->maxPositions)
      fail(llvm::formatv("--seq-lens {0} is not in 1..{1} (the positions of "
                         "{2})",
                         length, family->maxPositions, config));
    int64_t bucket =
        kernelforge::models::prefillBucket(length, family->maxPositions);
    if (bucket != length)
      llvm::errs() << llvm::formatv("prompts of {0} tokens run in the {1}-token "
                                    "prefill graph; tuning that\n",
                                    length, bucket);
    if (!llvm::is_contained(buckets, bucket))
      buckets.push_back(bucket);
  }
  for (int64_t bucket : buckets) {
    auto module = family->build(&context, bucket, /*allLogits=*/false,
                                weightType, kvType);
    if (!module)
      fail(llvm::toString(module.takeError()));
    modules.push_back(std::move(*module));
  }
  return modules;
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  mlir::kf::parseToolOptions(
      argc, argv,
      "KernelForge autotuner: measures schedules of a module's or a model's "
      "fused attention and matrix products on this machine and caches the "
      "fastest\n");
  auto started = std::chrono::steady_clock::now();
  auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                         started)
        .count();
  };

  DialectRegistry registry;
  kf::registerCompilerDialects(registry);
  MLIRContext context(registry);
  context.loadAllAvailableDialects();
  llvm::SourceMgr sources;
  SourceMgrDiagnosticHandler handler(sources, &context);

  kf::TuningTarget target{targetCPU, targetFeatures};
  if (std::string why = kf::whyNotTunableHere(target); !why.empty())
    fail(why);
  std::vector<OwningOpRef<ModuleOp>> modules = loadModules(context, sources);
  if (!target.isHost())
    llvm::errs() << "tuning code for "
                 << (target.cpu.empty() ? std::string("this CPU") : target.cpu)
                 << (target.features.empty() ? "" : " with " + target.features)
                 << ", timed on this machine\n";
  std::string path = cachePath.empty() ? kf::TuningCache::defaultPath()
                                       : std::string(cachePath);
  std::string problem;
  kf::TuningCache cache = kf::TuningCache::load(path, problem);
  if (!problem.empty())
    llvm::errs() << "warning: " << problem
                 << "; it will be replaced by this run's results\n";
  llvm::errs() << llvm::formatv("tuning cache {0} ({1} entries); budget {2} s\n",
                                path, cache.size(), budget.getValue());
  // Checked before any measurement: the tuner's own threads count in the
  // load average once it runs.
  if (std::optional<double> load = kf::lastMinuteLoadAverage(); load && !dryRun)
    if (std::string busy = kf::busyMachineWarning(
            *load, std::max(1u, std::thread::hardware_concurrency()));
        !busy.empty())
      llvm::errs() << "warning: " << busy << "\n";

  int64_t measuredProblems = 0, cachedProblems = 0, failedProblems = 0;
  bool saved = false;
  // Measures (or finds in the cache) each problem, saving after each.
  auto tune = [&](std::vector<kf::TuningProblem> &problems) {
    for (auto [index, p] : llvm::enumerate(problems)) {
      std::string shape;
      llvm::raw_string_ostream os(shape);
      if (p.isAttention())
        os << p.problem;
      else
        llvm::interleave(p.ranges, os, "x");
      std::string header =
          llvm::formatv("[{0}/{1}] {2} {3} ({4:F1} MFLOP, {5} use{6})",
                        index + 1, problems.size(), p.kind, shape,
                        p.flops * 1e-6, p.uses, p.uses == 1 ? "" : "s");
      std::string entryProblem;
      std::optional<kf::TunedSchedule> known =
          cache.lookup(p.key, entryProblem);
      if (known && !retune) {
        ++cachedProblems;
        llvm::errs() << header
                     << llvm::formatv(": cached {0} ({1:F3} ms, default "
                                      "{2:F3} ms)\n",
                                      known->describe(), known->ms,
                                      known->defaultMs);
        continue;
      }
      if (!entryProblem.empty())
        llvm::errs() << "warning: " << entryProblem << "\n";
      llvm::errs() << header << "\n";
      if (dryRun) {
        for (const kf::ScheduleCandidate &c :
             kf::generateCandidates(p, maxCandidates))
          llvm::errs() << llvm::formatv("  {0,-20} score {1:F2}\n",
                                        c.describe(), c.score);
        continue;
      }
      kf::TuneOptions options;
      options.minTime = minTime;
      options.maxCandidates = maxCandidates;
      options.deadlineSeconds = budget - elapsed();
      options.progress = [](const std::string &line) {
        llvm::errs() << line << "\n";
      };
      std::string error;
      FailureOr<kf::TunedSchedule> best = kf::tuneProblem(p, options, error);
      if (failed(best)) {
        ++failedProblems;
        llvm::errs() << "  not tuned: " << error << "\n";
        continue;
      }
      ++measuredProblems;
      llvm::errs() << llvm::formatv(
          "  -> {0}: {1:F3} ms ({2:F2}x the default)\n", best->describe(),
          best->ms, best->defaultMs / best->ms);
      cache.record(p.key, *best);
      // Saved after every problem: an interrupted run keeps what it
      // measured.
      if (failed(cache.save(error)))
        fail(error);
      saved = true;
    }
  };

  // Attention first: its tiles decide the shapes of the products inside it,
  // which the contractions' lowering (with this cache) then has.
  auto distinct = [](std::vector<kf::TuningProblem> &into,
                     std::set<std::string> &keys,
                     std::vector<kf::TuningProblem> &found) {
    for (kf::TuningProblem &p : found)
      if (keys.insert(p.key).second)
        into.push_back(std::move(p));
  };
  std::vector<kf::TuningProblem> attention;
  std::set<std::string> attentionKeys;
  for (OwningOpRef<ModuleOp> &module : modules) {
    OwningOpRef<ModuleOp> copy = module->clone();
    auto found = kf::collectAttentionProblems(*copy, target);
    if (failed(found))
      fail("finding the module's attention failed");
    distinct(attention, attentionKeys, *found);
  }
  llvm::errs() << attention.size() << " distinct attention ops\n";
  tune(attention);

  std::vector<kf::TuningProblem> contractions;
  std::set<std::string> contractionKeys;
  // (A file that was unreadable and not yet rewritten was warned about.)
  std::string lowering = problem.empty() || saved ? path : "none";
  for (OwningOpRef<ModuleOp> &module : modules) {
    auto found =
        kf::collectTuningProblems(*module, lowering, bf16Products, target);
    if (failed(found))
      fail("lowering the module to find its contractions failed");
    distinct(contractions, contractionKeys, *found);
  }
  llvm::errs() << contractions.size() << " distinct contractions\n";
  tune(contractions);

  llvm::errs() << llvm::formatv(
      "{0} measured, {1} from the cache, {2} failed, in {3:F1} s; cache {4}\n",
      measuredProblems, cachedProblems, failedProblems, elapsed(), path);
  return failedProblems == 0 ? 0 : 1;
}
