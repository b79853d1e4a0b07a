//===- Tuner.cpp - Measure candidate schedules, keep the fastest ----------===//

#include "kernelforge/Driver/Tuner.h"

#include "kernelforge/Driver/Compiler.h"
#include "kernelforge/Dialect/Transformer/IR/TransformerOps.h"
#include "kernelforge/Pipelines/Pipelines.h"
#include "kernelforge/Runtime/CompiledLibrary.h"
#include "kernelforge/Runtime/NumberFormats.h"
#include "kernelforge/Runtime/Weights.h"
#include "kernelforge/Transforms/Contractions.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/RegionUtils.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/xxhash.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <map>
#include <random>
#include <set>

using namespace mlir;
using namespace mlir::kf;

/// A module computing `op` alone from arguments (with `source`'s kf.target
/// and kf.schedule, without a kf.schedule of the op's own); null when the
/// op's regions read values from above that are not constants. An operand
/// dequantised from i8 blocks (dequantizingProducer) comes with its
/// dequantisation, from the blocks and scales as arguments: the product is
/// then compiled as in the model, its panels made from the blocks.
static OwningOpRef<ModuleOp> standaloneKernel(Operation *op, ModuleOp source) {
  MLIRContext *ctx = op->getContext();
  Location loc = op->getLoc();
  SetVector<Value> above;
  getUsedValuesDefinedAbove(op->getRegions(), above);
  for (Value v : above)
    if (!v.getDefiningOp() || !v.getDefiningOp()->hasTrait<::mlir::OpTrait::ConstantLike>())
      return nullptr;

  OpBuilder b(ctx);
  OwningOpRef<ModuleOp> kernel = ModuleOp::create(loc);
  for (StringRef name : {kTargetAttrName, kScheduleAttrName})
    if (Attribute attr = source->getAttr(name))
      (*kernel)->setAttr(name, attr);
  b.setInsertionPointToEnd(kernel->getBody());
  auto func = func::FuncOp::create(
      b, loc, "main", FunctionType::get(ctx, {}, op->getResultTypes()));
  Block *entry = func.addEntryBlock();
  b.setInsertionPointToStart(entry);
  IRMapping mapping;
  // An argument for `v`; within an operand's dequantisation (`chain`: the
  // collapse of its result, the dequantising op, the blocks' view and its
  // init) a clone of the op that makes it.
  std::function<Value(Value, bool)> materialize = [&](Value v,
                                                      bool chain) -> Value {
    if (Value mapped = mapping.lookupOrNull(v))
      return mapped;
    Operation *def = v.getDefiningOp();
    if (!chain || !def ||
        !(isa<tensor::CollapseShapeOp, tensor::ExpandShapeOp, tensor::EmptyOp>(
              def) ||
          def->hasAttr(kDequantizeAttrName))) {
      Value argument = entry->addArgument(v.getType(), loc);
      mapping.map(v, argument);
      return argument;
    }
    for (Value operand : def->getOperands())
      materialize(operand, /*chain=*/true);
    b.clone(*def, mapping);
    return mapping.lookup(v);
  };
  auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
  for (OpOperand &operand : op->getOpOperands())
    materialize(operand.get(), linalgOp && linalgOp.isDpsInput(&operand) &&
                                   dequantizingProducer(operand.get()));
  func.setFunctionType(
      FunctionType::get(ctx, entry->getArgumentTypes(), op->getResultTypes()));
  for (Value v : above)
    mapping.map(v, b.clone(*v.getDefiningOp())->getResult(0));
  Operation *clone = b.clone(*op, mapping);
  // Timed with the target's schedule or a candidate's, never one the
  // source op already had.
  clone->removeAttr(kScheduleAttrName);
  func::ReturnOp::create(b, loc, clone->getResults());
  return kernel;
}

TuningProblemSet::TuningProblemSet(ModuleOp module)
    : module(module),
      target(module->getAttrOfType<DictionaryAttr>(kTargetAttrName)) {
  facts.defaults = CPUSchedule::ofModule(module).value_or(CPUSchedule());
  auto read = [&](StringRef name, int64_t &field) {
    if (auto value = target ? target.getAs<IntegerAttr>(name) : nullptr)
      field = value.getInt();
  };
  read("vector_registers", facts.vectorRegisters);
  read("l3", facts.lastLevelCache);
  read("l1d", facts.l1d);
  read("cores", facts.cores);
  facts.cores = std::max<int64_t>(1, facts.cores);
}

TuningProblem *TuningProblemSet::add(Operation *op, StringRef kind,
                                     const std::string &problem) {
  auto [it, inserted] = seen.try_emplace(problem, problems.size());
  if (!inserted) {
    ++problems[it->second].uses;
    return nullptr;
  }
  OwningOpRef<ModuleOp> kernel = standaloneKernel(op, module);
  if (!kernel) {
    seen.erase(it);
    return nullptr;
  }
  TuningProblem &p = problems.emplace_back(facts);
  p.kind = kind.str();
  p.problem = problem;
  p.key = tuningKey(target, kind, problem);
  llvm::raw_string_ostream os(p.kernel);
  kernel->print(os);
  p.uses = 1;
  return &p;
}

void mlir::kf::setTarget(TuningProblem &problem, const TuningTarget &target) {
  problem.target = target;
  // Timed on this machine: operands overflow its last-level cache too.
  if (!target.isHost()) {
    static const int64_t hostCache = CPUTargetModel::host().l3;
    problem.lastLevelCache = std::max(problem.lastLevelCache, hostCache);
  }
}

FailureOr<std::vector<TuningProblem>>
mlir::kf::collectTuningProblems(ModuleOp module, StringRef tuningCache,
                                bool bf16Products, const TuningTarget &target) {
  // kf-cpu-pipeline itself up to linalg: the problems are the ops
  // kf-apply-tuning will look up.
  PassManager pm(module.getContext());
  CPUPipelineOptions pipeline;
  pipeline.stopAfter = "linalg";
  pipeline.tuningCache = tuningCache.str();
  pipeline.bf16Products = bf16Products;
  pipeline.targetCPU = target.cpu;
  pipeline.targetFeatures = target.features;
  buildCPUPipeline(pm, pipeline);
  if (failed(pm.run(module)))
    return failure();
  TuningProblemSet problems(module);
  module.walk([&](linalg::LinalgOp op) {
    if (!isTuningProblem(op))
      return;
    if (TuningProblem *p = problems.add(op, kContractionKind,
                                        describeProblem(op, bf16Products))) {
      p->bf16Products = bf16Products;
      setTarget(*p, target);
      p->ranges = llvm::to_vector(op.getStaticLoopRanges());
      p->flops = 2.0;
      for (int64_t r : p->ranges)
        p->flops *= double(r);
      // The planner packs these whatever the schedule: [n, k] weights and
      // i8 blocks, at more than one row.
      AffineExpr m, n, k;
      bindDims(op.getContext(), m, n, k);
      p->alwaysPacked = p->ranges.size() == 3 && p->ranges[0] > 1 &&
                        (hasIndexingMaps(op, {{m, k}, {n, k}, {m, n}}) ||
                         dequantizingProducer(op.getDpsInputs()[1]));
    }
  });
  return problems.take();
}

std::string mlir::kf::whyNotTunableHere(const TuningTarget &target) {
  if (target.isHost())
    return "";
  std::string error;
  FailureOr<CPUTargetModel> model =
      CPUTargetModel::get("", target.cpu, target.features, error);
  if (failed(model))
    return error;
  std::string why = model->whyNotRunnableHere();
  return why.empty()
             ? why
             : "cannot time " + model->cpu +
                   (target.features.empty() ? std::string()
                                            : " (" + target.features + ")") +
                   " code on this machine: " + why;
}

std::vector<ScheduleCandidate>
mlir::kf::generateCandidates(const TuningProblem &problem, size_t limit) {
  if (problem.isAttention())
    return generateAttentionCandidates(problem, limit);
  const CPUSchedule &defaults = problem.defaults;
  int64_t vectorRegisters = problem.vectorRegisters;
  ArrayRef<int64_t> r = problem.ranges;
  size_t numDims = r.size();
  int64_t m = numDims >= 3 ? r[numDims - 3] : 1, n = r[numDims - 2],
          k = r[numDims - 1], vw = defaults.vectorWidth;

  // Register tiles, scored by the cost model.
  struct Tile {
    int64_t rows, cols;
    double score;
  };
  auto score = [&](int64_t rows, int64_t colVectors) {
    int64_t effRows = std::min(m, rows);
    int64_t effCols = std::min(n, colVectors * vw);
    double acc = double(effRows) * std::max<int64_t>(1, effCols / vw);
    // FMAs per load (a broadcast per row, a load per column vector); two
    // loads and two FMAs issue per cycle, so beyond 1.5 it stops paying.
    double perLoad = acc / double(effRows + std::max<int64_t>(1, effCols / vw));
    double loads = std::min(perLoad, 1.5) / 1.5;
    // Independent accumulators to cover 2 pipes x 4 cycles of FMA latency.
    double latency = std::min(1.0, acc / 8.0);
    // Rows/columns left over by the tile run in a narrower one, at about
    // half the speed.
    auto edge = [](int64_t size, int64_t tile) {
      int64_t rest = size % tile;
      return (double(size - rest) + 0.5 * double(rest)) / double(size);
    };
    return loads * latency * edge(m, effRows) * edge(n, effCols);
  };
  std::vector<Tile> tiles;
  std::set<std::pair<int64_t, int64_t>> seenTiles;
  // Powers of two vectors only: LLVM splits other widths into pieces that
  // spill (CPUSchedule.cpp).
  // One row holds only accumulators and the vector being loaded: up to
  // all but two registers of columns.
  int64_t maxColVectors = m == 1 ? 16 : 4;
  for (int64_t colVectors = 1; colVectors <= maxColVectors; colVectors *= 2)
    for (int64_t rows = 1; rows <= 16; ++rows) {
      int64_t needed = m == 1 ? colVectors + 2
                              : rows * colVectors + colVectors + 1;
      if (needed > vectorRegisters)
        continue;
      int64_t cols = colVectors * vw;
      // Rows beyond m (decode) are the same tile.
      std::pair<int64_t, int64_t> effective{std::min(m, rows), cols};
      if (!seenTiles.insert(effective).second)
        continue;
      tiles.push_back({std::min(m, rows), cols, score(rows, colVectors)});
    }
  std::stable_sort(tiles.begin(), tiles.end(),
                   [](const Tile &a, const Tile &b) { return a.score > b.score; });

  std::vector<ScheduleCandidate> out;
  std::set<std::array<int64_t, 7>> seenEffective;
  // Panels are only made where rows reuse them (the planner's rule), and
  // are the only layout of weights packed whatever the schedule (i8 blocks,
  // [n, k]): no candidates of the other layout or prefetch distances there,
  // which would compile to the same code.
  bool packable = !problem.alwaysPacked && numDims == 3 &&
                  CPUSchedule::hasManyRows(m, defaults.registerRows);
  // What the default does at these rows (the planner's rule); a candidate
  // records its layout, which then holds whatever the rows.
  bool defaultPack = problem.alwaysPacked || defaults.packsWeightsAt(m);
  // A product of many rows that reads its weights in place prefetches them
  // (the planner's rule); -1 keeps the pipeline's distance.
  auto prefetches = [&](int64_t rows, bool pack) {
    return !problem.alwaysPacked && numDims >= 3 &&
           CPUSchedule::hasManyRows(m, rows) && !(packable && pack);
  };
  auto add = [&](int64_t rows, int64_t cols, int64_t kTile, int64_t threadTile,
                 double s, std::optional<bool> packOverride = std::nullopt,
                 std::optional<bool> orderOverride = std::nullopt,
                 int64_t prefetchDistance = -1) {
    bool pack = packOverride.value_or(defaultPack);
    bool columnsOuter = orderOverride.value_or(defaults.columnsOuter);
    if (prefetchDistance >= 0 && !prefetches(rows, pack))
      return;
    std::array<int64_t, 7> effective = {std::min(m, rows), std::min(n, cols),
                                        tileDividing(k, kTile),
                                        tileDividing(m, threadTile),
                                        packable && pack,
                                        m > rows && columnsOuter,
                                        prefetchDistance};
    if (out.size() >= limit || !seenEffective.insert(effective).second)
      return;
    ScheduleChoice choice{rows, cols, kTile, threadTile, pack, columnsOuter};
    choice.prefetchDistance = prefetchDistance;
    out.push_back({choice, s});
  };
  int64_t defaultRows = defaults.registerRows, defaultCols = defaults.registerCols;
  add(defaultRows, defaultCols, defaults.kTile, defaults.threadTile,
      score(defaultRows, defaultCols / vw));
  // The best register tiles with the default k and thread tiles, then their
  // k and thread tile variations, best tile first.
  size_t bestTiles = std::min<size_t>(tiles.size(), 4);
  for (size_t i = 0; i < bestTiles; ++i)
    add(tiles[i].rows, tiles[i].cols, defaults.kTile, defaults.threadTile,
        tiles[i].score);
  // The default tile with the other weight layout (packed panels or read
  // in place).
  if (packable)
    add(defaultRows, defaultCols, defaults.kTile, defaults.threadTile,
        score(defaultRows, defaultCols / vw), !defaultPack);
  // ... and with the other order of its register loops.
  add(defaultRows, defaultCols, defaults.kTile, defaults.threadTile,
      score(defaultRows, defaultCols / vw), std::nullopt,
      !defaults.columnsOuter);
  // Where the default tile reads its weights in place (either layout):
  // half and twice the pipeline's prefetch distance.
  for (bool pack : {defaultPack, !defaultPack})
    for (int64_t distance :
         {kDefaultPrefetchDistance / 2, kDefaultPrefetchDistance * 2})
      add(defaultRows, defaultCols, defaults.kTile, defaults.threadTile,
          score(defaultRows, defaultCols / vw), pack, std::nullopt, distance);
  for (size_t i = 0; i < bestTiles; ++i)
    for (int64_t kTile : {defaults.kTile * 2, defaults.kTile / 2})
      for (int64_t threadTile : {defaults.threadTile, defaults.threadTile / 2})
        if (kTile >= 16 && threadTile >= 8)
          add(tiles[i].rows, tiles[i].cols, kTile, threadTile, tiles[i].score);
  // ... and no prefetches (left to the hardware).
  for (bool pack : {defaultPack, !defaultPack})
    add(defaultRows, defaultCols, defaults.kTile, defaults.threadTile,
        score(defaultRows, defaultCols / vw), pack, std::nullopt, 0);
  return out;
}

namespace {

/// Compiles and loads one candidate; null and `error` on failure.
struct Compiled {
  std::unique_ptr<kernelforge::runtime::CompiledLibrary> library;
  kernelforge::runtime::EntryPoint entry;
};

std::optional<Compiled> compileCandidate(const TuningProblem &problem,
                                         const ScheduleCandidate &c,
                                         bool isDefault,
                                         const std::string &path,
                                         std::string &error) {
  DialectRegistry registry;
  registerCompilerDialects(registry);
  MLIRContext context(registry);
  context.loadAllAvailableDialects();
  std::string diagnostics;
  ScopedDiagnosticHandler handler(&context, [&](Diagnostic &d) {
    diagnostics += d.str() + "\n";
    return success();
  });
  OwningOpRef<ModuleOp> module =
      parseSourceString<ModuleOp>(problem.kernel, &context);
  // The default is the target's own schedule, as an untuned compile gets
  // it; any other candidate is the op's kf.schedule, exactly as
  // kf-apply-tuning will put it there, so that what is measured is what a
  // tuned compile runs (one-row products, for instance, are then not split
  // across the threads by their reduction).
  if (module && !isDefault)
    module->walk([&](Operation *op) {
      auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
      if (problem.isAttention() ? isa<AttentionOp>(op)
                                : linalgOp && isTiledContraction(linalgOp))
        op->setAttr(kScheduleAttrName, c.toAttr(&context));
    });
  CompileOptions options;
  options.pipeline.tuningCache = "none";
  options.pipeline.bf16Products = problem.bf16Products;
  options.pipeline.targetCPU = problem.target.cpu;
  options.pipeline.targetFeatures = problem.target.features;
  if (!module || failed(compileModule(*module, options, path))) {
    error = "compiling " + c.describe() + " failed: " + diagnostics;
    return std::nullopt;
  }
  Compiled compiled;
  compiled.library = kernelforge::runtime::CompiledLibrary::load(path, error);
  if (!compiled.library ||
      !compiled.library->lookup("main", compiled.entry, error))
    return std::nullopt;
  return compiled;
}

double seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since)
      .count();
}

/// Arguments' bytes, one buffer per argument.
using Arguments = std::vector<std::vector<char>>;

/// The argument buffers calls take turns over: with `streamBytes` enough
/// copies (64 at most) of the `streamed` ones to hold that many bytes, so
/// that each call reads those from memory rather than from a cache the last
/// call warmed, else one; the others are one buffer each, shared by every
/// call. Every buffer of 256 KiB or more (and every copy) is laid out as the
/// runner lays out a model's weights and temporaries (WeightTensor: 64-byte
/// aligned, 2 MiB pages where the kernel allows), as kernelforge-bench's
/// are: from malloc a large buffer starts 16 bytes past a page, and every
/// 64-byte load of a weight row then spans two cache lines (on a Zen 5,
/// GPT-2's 64-row products read in place took 1.2-1.3x as long so, which
/// made packed panels win the tuner and nothing in a model), and sits on
/// 4 KiB pages (5-15% slower again). Made once per problem; every
/// candidate runs on them.
struct RotatingArguments {
  RotatingArguments(Arguments &args, const std::vector<bool> &streamed,
                    int64_t streamBytes) {
    int64_t bytes = 0;
    for (size_t i = 0; i < args.size(); ++i)
      if (streamed[i])
        bytes += int64_t(args[i].size());
    int64_t copies = 1;
    if (streamBytes > 0 && bytes > 0)
      copies = std::clamp<int64_t>(streamBytes / bytes + 1, 1, 64);
    bool copy = streamBytes > 0;
    // A buffer laid out as the runner's are, holding `arg`'s bytes.
    auto paged = [&](const std::vector<char> &arg) {
      weights.push_back(kernelforge::runtime::WeightTensor::copyOf(
          arg.data(), int64_t(arg.size())));
      return weights.back().data();
    };
    std::vector<void *> shared;
    for (size_t i = 0; i < args.size(); ++i) {
      bool large = int64_t(args[i].size()) >=
                   kernelforge::runtime::WeightTensor::kPagedArgumentBytes;
      shared.push_back(large && !(copy && streamed[i]) ? paged(args[i])
                                                       : args[i].data());
    }
    for (int64_t c = 0; c < copies; ++c) {
      pointers.emplace_back();
      for (size_t i = 0; i < args.size(); ++i)
        pointers.back().push_back(copy && streamed[i] ? paged(args[i])
                                                      : shared[i]);
    }
  }

  std::vector<kernelforge::runtime::WeightTensor> weights;
  std::vector<std::vector<void *>> pointers;
};

/// The median of `values` (not empty); with an even count, the larger of
/// the middle two (for times and time ratios: the slower).
double upperMedian(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

/// Median seconds of calls to `entry`, each on the next of `args`' sets,
/// timed for `minTime` (at least 3 calls) after 20 ms of warm-up calls
/// (OpenMP's workers sleep between regions; the first calls pay for waking
/// them).
double medianSeconds(const kernelforge::runtime::EntryPoint &entry,
                     RotatingArguments &args, double minTime) {
  size_t turn = 0;
  auto callNext = [&] {
    kernelforge::runtime::call(entry, args.pointers[turn]);
    turn = (turn + 1) % args.pointers.size();
  };
  auto warmup = std::chrono::steady_clock::now();
  do
    callNext();
  while (seconds(warmup) < 0.02);
  std::vector<double> samples;
  auto timing = std::chrono::steady_clock::now();
  do {
    auto t0 = std::chrono::steady_clock::now();
    callNext();
    samples.push_back(seconds(t0));
  } while ((seconds(timing) < minTime || samples.size() < 3) &&
           samples.size() < 100000);
  return upperMedian(std::move(samples));
}

/// Normal random values stored as `arg`'s element type (f32, bf16 or f16;
/// i8 blocks uniform over -127..127), or an attention's query offset (an index
/// scalar); false for anything else.
bool randomArgument(const TuningProblem &problem,
                    const kernelforge::runtime::ArgSpec &arg,
                    std::mt19937 &rng, std::vector<char> &bytes) {
  if (!arg.isMemRef()) {
    if (problem.queryOffset < 0 || (arg.dtype != "index" && arg.dtype != "i64"))
      return false;
    int64_t offset = problem.queryOffset;
    bytes.assign(sizeof(offset), 0);
    std::memcpy(bytes.data(), &offset, sizeof(offset));
    return true;
  }
  std::normal_distribution<float> normal(0.f, 1.f);
  int64_t n = arg.numElements();
  // An i8 weight's blocks: values of the whole range, as a quantiser gives.
  if (arg.dtype == "i8") {
    std::uniform_int_distribution<int> byte(-127, 127);
    bytes.assign(n, 0);
    if (!arg.isOutput)
      for (int64_t i = 0; i < n; ++i)
        bytes[i] = char(byte(rng));
    return true;
  }
  if (arg.dtype == "f32") {
    bytes.assign(n * sizeof(float), 0);
    auto *values = reinterpret_cast<float *>(bytes.data());
    if (!arg.isOutput)
      for (int64_t i = 0; i < n; ++i)
        values[i] = normal(rng);
    return true;
  }
  if (arg.dtype != "bf16" && arg.dtype != "f16")
    return false;
  bool brain = arg.dtype == "bf16";
  bytes.assign(n * sizeof(uint16_t), 0);
  auto *bits = reinterpret_cast<uint16_t *>(bytes.data());
  if (!arg.isOutput)
    for (int64_t i = 0; i < n; ++i)
      bits[i] = brain ? kernelforge::runtime::floatToBFloat16(normal(rng))
                      : kernelforge::runtime::floatToHalf(normal(rng));
  return true;
}

} // namespace

FailureOr<TunedSchedule> mlir::kf::tuneProblem(const TuningProblem &problem,
                                               const TuneOptions &options,
                                               std::string &error) {
  auto started = std::chrono::steady_clock::now();
  auto report = [&](const std::string &line) {
    if (options.progress)
      options.progress(line);
  };
  std::vector<ScheduleCandidate> candidates =
      generateCandidates(problem, options.maxCandidates);

  SmallString<128> dir;
  if (llvm::sys::fs::createUniqueDirectory("kernelforge-tune", dir)) {
    error = "cannot create a temporary directory";
    return failure();
  }
  llvm::scope_exit cleanup([&] { llvm::sys::fs::remove_directories(dir); });

  Arguments inputs;
  std::optional<RotatingArguments> timed;
  std::vector<float> reference;
  size_t outputArg = 0;
  double defaultSeconds = 0, leaderSeconds = 0;
  int64_t measured = 0;
  // The default's and the leader's code stay loaded for the final
  // head-to-head.
  std::optional<Compiled> defaultCode, leaderCode;
  ScheduleChoice leader;
  for (auto [index, c] : llvm::enumerate(candidates)) {
    bool isDefault = index == 0;
    if (!isDefault &&
        seconds(started) > options.deadlineSeconds) {
      report("  time budget spent: " + std::to_string(candidates.size() - index) +
             " candidates not measured");
      break;
    }
    std::string path = (dir + "/c" + std::to_string(index) + ".so").str();
    std::string compileError;
    std::optional<Compiled> compiled =
        compileCandidate(problem, c, isDefault, path, compileError);
    if (!compiled) {
      if (isDefault) {
        error = compileError;
        return failure();
      }
      report("  " + c.describe() + ": skipped (" + compileError + ")");
      continue;
    }
    const auto &args = compiled->entry.args;
    // Same random inputs for every candidate.
    if (isDefault) {
      std::mt19937 rng(0);
      for (const auto &arg : args) {
        inputs.emplace_back();
        if (!randomArgument(problem, arg, rng, inputs.back())) {
          error = "only ops on f32, bf16, f16 and i8 buffers are tuned "
                  "(argument " +
                  arg.describe() + ")";
          return failure();
        }
      }
      size_t out = args.size() - 1;
      while (out > 0 && !args[out].isOutput)
        --out;
      if (args[out].dtype != "f32") {
        error = "only ops with f32 results are tuned";
        return failure();
      }
      outputArg = out;
      // A model's products read their weights from memory once per call
      // (each layer's are evicted by the next layers'), prefill's as well
      // as decode's, and that is where prefetch distances matter; a decode
      // step's attention reads the KV cache from memory. The first input
      // (the activations, the queries) and the results stay in cache, where
      // the ops around them in a model leave them. A block of queries finds
      // the keys it just wrote in cache.
      int64_t streamBytes =
          problem.isOneRow() || !problem.isAttention()
              ? std::max<int64_t>(int64_t(256) << 20,
                                  4 * problem.lastLevelCache)
              : 0;
      std::vector<bool> streamed(args.size(), false);
      bool firstInput = true;
      for (size_t i = 0; i < args.size(); ++i) {
        if (args[i].isOutput)
          continue;
        streamed[i] = !firstInput;
        firstInput = false;
      }
      timed.emplace(inputs, streamed, streamBytes);
    }
    Arguments buffers = inputs;
    std::vector<void *> pointers;
    for (auto &b : buffers)
      pointers.push_back(b.data());
    kernelforge::runtime::call(compiled->entry, pointers);
    const auto *result = reinterpret_cast<const float *>(buffers[outputArg].data());
    size_t resultSize = buffers[outputArg].size() / sizeof(float);
    if (isDefault) {
      reference.assign(result, result + resultSize);
    } else {
      double maxRef = 0, maxDiff = 0;
      for (size_t i = 0; i < reference.size(); ++i) {
        maxRef = std::max(maxRef, double(std::fabs(reference[i])));
        maxDiff = std::max(maxDiff, double(std::fabs(reference[i] - result[i])));
      }
      if (!(maxDiff <= 1e-4 * std::max(maxRef, 1.0))) {
        report("  " + c.describe() + ": rejected, differs from the default by " +
               llvm::formatv("{0:e}", maxDiff).str());
        continue;
      }
    }
    double median = medianSeconds(compiled->entry, *timed, options.minTime);
    ++measured;
    report(llvm::formatv("  {0,-20} {1,9:F3} ms {2,8:F1} GFLOP/s{3}",
                         c.describe(), median * 1e3,
                         problem.flops / median * 1e-9,
                         isDefault ? "  (default)" : "")
               .str());
    if (isDefault) {
      defaultSeconds = leaderSeconds = median;
      defaultCode = std::move(compiled);
    } else if (median < leaderSeconds) {
      leaderSeconds = median;
      leader = c;
      leaderCode = std::move(compiled);
    }
  }
  // Machines are noisy and the candidates were timed one after another: the
  // leader must beat the default again, timed in alternation, or the
  // default stays.
  TunedSchedule best;
  static_cast<ScheduleChoice &>(best) = candidates.front();
  best.defaultMs = best.ms = defaultSeconds * 1e3;
  best.candidates = measured;
  if (!leaderCode)
    return best;
  std::vector<double> ours, theirs;
  std::string rounds;
  for (int round = 0; round < kHeadToHeadRounds; ++round) {
    theirs.push_back(medianSeconds(defaultCode->entry, *timed, options.minTime));
    ours.push_back(medianSeconds(leaderCode->entry, *timed, options.minTime));
    rounds += llvm::formatv(" {0:F2}", ours.back() / theirs.back());
  }
  bool wins = beatsDefault(ours, theirs);
  // The leader's time as the paired rounds see it: the default's median
  // times the median round's ratio (so a winner is recorded faster).
  double theirsMs = upperMedian(theirs) * 1e3,
         oursMs = theirsMs * medianRatio(ours, theirs);
  report(llvm::formatv("  head-to-head: {0} {1:F3} ms, default {2:F3} ms "
                       "(round ratios{3}): {4}",
                       leader.describe(), oursMs, theirsMs, rounds,
                       wins ? "the leader wins" : "the default stays")
             .str());
  best.defaultMs = best.ms = theirsMs;
  if (wins) {
    static_cast<ScheduleChoice &>(best) = leader;
    best.ms = oursMs;
  }
  return best;
}

/// Each round's ours[i] / theirs[i]; empty when the times are mismatched,
/// empty or not positive.
static std::vector<double> roundRatios(ArrayRef<double> ours,
                                       ArrayRef<double> theirs) {
  if (ours.empty() || ours.size() != theirs.size())
    return {};
  std::vector<double> ratios;
  for (auto [mine, default_] : llvm::zip(ours, theirs)) {
    if (!(mine > 0) || !(default_ > 0))
      return {};
    ratios.push_back(mine / default_);
  }
  return ratios;
}

double mlir::kf::medianRatio(ArrayRef<double> ours, ArrayRef<double> theirs) {
  std::vector<double> ratios = roundRatios(ours, theirs);
  return ratios.empty() ? 1 : upperMedian(std::move(ratios));
}

bool mlir::kf::beatsDefault(ArrayRef<double> ours, ArrayRef<double> theirs,
                            double margin) {
  std::vector<double> ratios = roundRatios(ours, theirs);
  if (ratios.empty())
    return false;
  size_t lost = llvm::count_if(ratios, [](double r) { return r >= 1; });
  return lost <= ratios.size() / 4 &&
         upperMedian(std::move(ratios)) <= 1 - margin;
}

std::string mlir::kf::busyMachineWarning(double loadAverage, int64_t cores) {
  if (cores <= 0 || !(loadAverage >= 0.25 * cores))
    return "";
  return llvm::formatv(
      "this machine is busy (load average {0:F2} over the last minute, {1} "
      "core{2}): timings will be noisy; a candidate replaces a default only "
      "where it wins the head-to-head, so a busy run mostly keeps defaults "
      "that a quiet one might replace",
      loadAverage, cores, cores == 1 ? "" : "s");
}

std::optional<double> mlir::kf::lastMinuteLoadAverage() {
  double loads[1];
  if (getloadavg(loads, 1) != 1)
    return std::nullopt;
  return loads[0];
}

std::string mlir::kf::describeTuning(ModuleOp module) {
  auto tuning = module->getAttrOfType<DictionaryAttr>("kf.tuning");
  auto cache = tuning ? tuning.getAs<StringAttr>("cache") : nullptr;
  if (!cache)
    return "";
  auto count = [&](StringRef name) {
    auto value = tuning.getAs<IntegerAttr>(name);
    return value ? value.getInt() : int64_t(0);
  };
  int64_t applied = count("applied"), attentionApplied =
                                          count("attention_applied");
  if (applied == 0 && attentionApplied == 0)
    return "";
  SmallVector<std::string, 2> parts;
  if (count("contractions") > 0)
    parts.push_back(llvm::formatv("{0} of {1} contractions", applied,
                                  count("contractions")));
  if (count("attention") > 0)
    parts.push_back(llvm::formatv("{0} of {1} attention ops", attentionApplied,
                                  count("attention")));
  return llvm::join(parts, " and ") + " use measured schedules from " +
         cache.getValue().str();
}

uint64_t mlir::kf::tuningCacheFingerprint(StringRef option) {
  if (option == "none")
    return 0;
  auto buffer = llvm::MemoryBuffer::getFile(
      option.empty() ? TuningCache::defaultPath() : option.str());
  if (!buffer)
    return 0;
  return llvm::xxh3_64bits(llvm::arrayRefFromStringRef((*buffer)->getBuffer()));
}
