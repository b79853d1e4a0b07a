//===- KernelForgeModule.cpp - Python bindings (kernelforge._kernelforge) -===//
//
// The compiler driver and the runtime as a Python extension: compile kf
// text to a cached shared library, call its entry points with NumPy arrays
// (checked against the library's signature), and generate text with a
// model directory of any supported family. The Python package (kernelforge/api.py) wraps these in
// the public API.
//
//===----------------------------------------------------------------------===//

#include "kernelforge/Driver/CompileCache.h"
#include "kernelforge/Driver/Compiler.h"
#include "kernelforge/Models/DecoderFamily.h"
#include "kernelforge/Models/ViT/ViTGraph.h"
#include "kernelforge/Runtime/CompiledLibrary.h"
#include "kernelforge/Runtime/DeviceMirror.h"
#include "kernelforge/Runtime/Generator.h"
#include "kernelforge/Runtime/Tokenizer.h"
#include "kernelforge/Runtime/Weights.h"
#include "kernelforge/Support/ToolOptions.h"
#include "kernelforge/Version.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <chrono>
#include <functional>
#include <map>

namespace py = pybind11;
namespace rt = kernelforge::runtime;
namespace models = kernelforge::models;
namespace vit = kernelforge::vit;

namespace {

/// Raised (as kernelforge.CompileError) with the compiler's diagnostics.
struct CompileError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// `file:line:col` of a diagnostic, as compilers print it.
std::string where(mlir::Location loc) {
  std::string text;
  llvm::raw_string_ostream os(text);
  if (auto file = mlir::dyn_cast<mlir::FileLineColLoc>(loc))
    os << file.getFilename().getValue() << ":" << file.getLine() << ":"
       << file.getColumn();
  else
    os << loc;
  return text;
}

/// Diagnostics of one compilation, as text.
class DiagnosticsCollector {
public:
  explicit DiagnosticsCollector(mlir::MLIRContext &context)
      : handler(&context, [this](mlir::Diagnostic &diag) {
          llvm::raw_string_ostream os(text);
          os << where(diag.getLocation()) << ": ";
          switch (diag.getSeverity()) {
          case mlir::DiagnosticSeverity::Error:
            os << "error: ";
            break;
          case mlir::DiagnosticSeverity::Warning:
            os << "warning: ";
            break;
          default:
            os << "note: ";
          }
          os << diag << "\n";
          for (const mlir::Diagnostic &note : diag.getNotes())
            os << where(note.getLocation()) << ": note: " << note << "\n";
          return mlir::success();
        }) {}
  std::string take(const std::string &fallback) {
    return text.empty() ? fallback : text;
  }

private:
  std::string text;
  mlir::ScopedDiagnosticHandler handler;
};

/// Fills `options` for `target`; ValueError on a bad target or options.
void parseCompileOptions(const std::string &target,
                         const std::string &pipelineOptions,
                         mlir::kf::CompileOptions &options) {
  std::optional<mlir::kf::Target> parsed = mlir::kf::parseTarget(target);
  if (!parsed)
    throw py::value_error("unknown target '" + target +
                          "' (expected cpu, cuda or gpu-emulator)");
  options.target = *parsed;
  bool gpu = *parsed != mlir::kf::Target::CPU;
  if (failed(gpu ? options.gpuPipeline.parseFromString(pipelineOptions)
                 : options.pipeline.parseFromString(pipelineOptions)))
    throw py::value_error("bad pipeline options '" + pipelineOptions + "' for " +
                          (gpu ? "kf-gpu-pipeline" : "kf-cpu-pipeline"));
}

/// Compiles kf text (named `sourceName` in diagnostics) into the cache;
/// returns (library path, whether it was cached, compile seconds).
py::tuple compileSource(const std::string &source, const std::string &sourceName,
                        const std::string &target,
                        const std::string &pipelineOptions,
                        const std::string &cacheDir, bool progress) {
  mlir::kf::CompileOptions options;
  parseCompileOptions(target, pipelineOptions, options);
  mlir::DialectRegistry registry;
  mlir::kf::registerCompilerDialects(registry);
  mlir::MLIRContext context(registry);
  DiagnosticsCollector diagnostics(context);
  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(
      llvm::MemoryBuffer::getMemBufferCopy(source, sourceName), llvm::SMLoc());
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceFile<mlir::ModuleOp>(sourceMgr, &context);
  if (!module)
    throw CompileError(diagnostics.take("cannot parse " + sourceName));
  mlir::FailureOr<mlir::kf::CachedLibrary> library;
  {
    py::gil_scoped_release release;
    library = mlir::kf::compileCached(
        *module, options, target + " " + pipelineOptions, cacheDir, "module",
        sourceName, progress ? &llvm::errs() : nullptr);
  }
  if (failed(library))
    throw CompileError(diagnostics.take("compiling " + sourceName + " failed"));
  return py::make_tuple(library->path, library->cached,
                        library->compileSeconds);
}

/// NumPy's name for an MLIR element type (bf16 travels as its bit pattern,
/// uint16: NumPy has no bfloat16).
std::string numpyType(const std::string &dtype) {
  static const std::map<std::string, std::string> names = {
      {"f32", "float32"}, {"f64", "float64"}, {"f16", "float16"},
      {"bf16", "uint16"}, {"i64", "int64"},   {"i32", "int32"},
      {"i8", "int8"},     {"index", "int64"}};
  auto it = names.find(dtype);
  return it == names.end() ? "" : it->second;
}

py::dict describeArg(const rt::ArgSpec &spec) {
  py::dict d;
  d["kind"] = spec.kind;
  d["dtype"] = spec.dtype;
  d["numpy_dtype"] = numpyType(spec.dtype);
  d["shape"] = spec.shape;
  d["param"] = spec.param;
  d["role"] = spec.role;
  d["is_output"] = spec.isOutput;
  return d;
}

/// A compiled library and its entry points.
class Library {
public:
  Library(const std::string &path, const std::string &device)
      : path(path), cuda(device == "cuda") {
    if (device != "cpu" && device != "cuda")
      throw py::value_error("unknown device '" + device +
                            "' (expected cpu or cuda)");
    std::string error;
    library = rt::CompiledLibrary::load(path, error);
    if (!library)
      throw py::value_error(error);
    rt::DeviceMirror probe;
    if (cuda && !probe.bind(*library, error))
      throw std::runtime_error("'" + path + "': " + error);
  }

  std::vector<std::string> entryPoints() const { return library->entryPoints(); }

  py::list signature(const std::string &name) const {
    py::list args;
    for (const rt::ArgSpec &spec : lookup(name).args)
      args.append(describeArg(spec));
    return args;
  }

  /// Calls `name` with its inputs (arrays and integers, in order); returns
  /// its outputs.
  py::list call(const std::string &name, const py::list &inputs) {
    rt::EntryPoint entry = lookup(name);
    size_t numInputs = 0;
    for (const rt::ArgSpec &spec : entry.args)
      numInputs += !spec.isOutput;
    if (inputs.size() != numInputs)
      throw py::value_error(name + " takes " + std::to_string(numInputs) +
                            " inputs, got " + std::to_string(inputs.size()));
    std::vector<py::array> keep;
    std::vector<int64_t> scalars(entry.args.size());
    std::vector<void *> pointers(entry.args.size());
    std::vector<size_t> bytes(entry.args.size());
    py::list outputs;
    size_t next = 0;
    py::module_ np = py::module_::import("numpy");
    for (size_t i = 0; i < entry.args.size(); ++i) {
      const rt::ArgSpec &spec = entry.args[i];
      std::string label = "argument " + std::to_string(i) +
                          (spec.param.empty() ? "" : " (" + spec.param + ")") +
                          " of " + name;
      if (spec.isOutput) {
        std::string type = numpyType(spec.dtype);
        if (type.empty())
          throw py::value_error(label + " has element type " + spec.dtype +
                                ", which NumPy cannot hold");
        py::array out = np.attr("zeros")(py::cast(spec.shape), type);
        pointers[i] = out.mutable_data();
        bytes[i] = out.nbytes();
        outputs.append(out);
        keep.push_back(out);
        continue;
      }
      py::handle input = inputs[next++];
      if (!spec.isMemRef()) {
        if (!py::isinstance<py::int_>(input) ||
            py::isinstance<py::bool_>(input))
          throw py::value_error(label + " is a scalar " + spec.dtype +
                                "; expected an int, got " +
                                std::string(py::str(input.get_type())));
        scalars[i] = input.cast<int64_t>();
        pointers[i] = &scalars[i];
        continue;
      }
      if (!py::isinstance<py::array>(input))
        throw py::value_error(label + ": expected a NumPy array " +
                              spec.describe() + ", got " +
                              std::string(py::str(input.get_type())));
      auto array = py::reinterpret_borrow<py::array>(input);
      std::string type = numpyType(spec.dtype);
      std::string given = py::str(array.dtype());
      std::vector<int64_t> shape(array.shape(), array.shape() + array.ndim());
      if (given != type || shape != spec.shape) {
        rt::ArgSpec found;
        found.kind = "memref";
        found.dtype = given;
        found.shape = shape;
        throw py::value_error(label + ": expected " + spec.describe() + " (" +
                              type + "), got " + found.describe());
      }
      // Row-major and aligned, as the library reads it (a copy otherwise).
      py::array contiguous = np.attr("ascontiguousarray")(array);
      keep.push_back(contiguous);
      pointers[i] = const_cast<void *>(contiguous.data());
      bytes[i] = contiguous.nbytes();
    }
    {
      py::gil_scoped_release release;
      // On the GPU: device copies for this call only, freed with `gpu`.
      rt::DeviceMirror gpu;
      std::vector<void *> hostPointers = pointers;
      if (cuda) {
        std::string error;
        if (!gpu.bind(*library, error))
          throw std::runtime_error(error);
        for (size_t i = 0; i < entry.args.size(); ++i)
          if (entry.args[i].isMemRef())
            pointers[i] = gpu.mirror(hostPointers[i], bytes[i],
                                     /*upload=*/!entry.args[i].isOutput);
        gpu.synchronize();
      }
      rt::call(entry, pointers);
      if (cuda)
        for (size_t i = 0; i < entry.args.size(); ++i)
          if (entry.args[i].isMemRef() && entry.args[i].isOutput)
            gpu.download(hostPointers[i]);
    }
    return outputs;
  }

  std::string path;

private:
  rt::EntryPoint lookup(const std::string &name) const {
    rt::EntryPoint entry;
    std::string error;
    if (!library->lookup(name, entry, error))
      throw py::key_error(error);
    return entry;
  }

  bool cuda;
  std::unique_ptr<rt::CompiledLibrary> library;
};

/// Builds a model graph with `build` and compiles it through the cache:
/// the library's path. CompileError with the diagnostics on failure.
using GraphBuilder = std::function<llvm::Expected<mlir::OwningOpRef<mlir::ModuleOp>>(
    mlir::MLIRContext *)>;
std::string compileGraph(const GraphBuilder &build, const std::string &device,
                         const std::string &pipelineOptions,
                         const std::string &cacheDir, const std::string &prefix,
                         const std::string &description, bool progress) {
  mlir::kf::CompileOptions options;
  parseCompileOptions(device, pipelineOptions, options);
  mlir::DialectRegistry registry;
  mlir::kf::registerCompilerDialects(registry);
  mlir::MLIRContext context(registry);
  DiagnosticsCollector diagnostics(context);
  auto module = build(&context);
  if (!module)
    throw CompileError(llvm::toString(module.takeError()));
  mlir::FailureOr<mlir::kf::CachedLibrary> compiled;
  {
    py::gil_scoped_release release;
    compiled = mlir::kf::compileCached(**module, options,
                                       device + " " + pipelineOptions, cacheDir,
                                       prefix, description,
                                       progress ? &llvm::errs() : nullptr);
  }
  if (failed(compiled))
    throw CompileError(diagnostics.take("compiling the graph failed"));
  return compiled->path;
}

/// A decoder model directory (or a config with random weights) of any
/// supported family: compiles a generation library per prefill bucket
/// (through the compile cache), binds the weights and generates.
class DecoderModel {
public:
  DecoderModel(const std::string &modelDir, const std::string &config,
               int64_t randomSeed, const std::string &dtype,
               const std::string &kvDtype, const std::string &device,
               const std::string &cacheDir,
               const std::string &pipelineOptions, bool progress,
               const std::string &bundledTokenizer)
      : randomSeed(randomSeed), kvCache(kvDtype), device(device),
        cacheDir(cacheDir), pipelineOptions(pipelineOptions),
        progress(progress) {
    if (kvCache != "f32" && kvCache != "bf16" && kvCache != "f16")
      throw py::value_error("kv_dtype expects f32, bf16 or f16, got '" +
                            kvCache + "'");
    std::string configPath = config;
    if (!modelDir.empty()) {
      if (!llvm::sys::fs::is_directory(modelDir))
        throw py::value_error("'" + modelDir + "' is not a directory");
      if (configPath.empty())
        configPath = (llvm::Twine(modelDir) + "/config.json").str();
      if (randomSeed < 0) {
        checkpoint = (llvm::Twine(modelDir) + "/model.safetensors").str();
        if (!llvm::sys::fs::exists(checkpoint))
          throw py::value_error("no model.safetensors in '" + modelDir + "'");
      }
    }
    modelDirectory = modelDir;
    configFile = configPath;
    auto loaded = models::loadDecoderFamily(configPath);
    if (!loaded)
      throw py::value_error(llvm::toString(loaded.takeError()));
    family = std::move(*loaded);
    std::string error;
    std::vector<std::string> dirs = {modelDir};
    // GPT-2's own tokenizer serves any 50257-token GPT-2.
    if (family.name == "gpt2" && family.vocabSize == 50257)
      dirs.push_back(bundledTokenizer);
    tokenizer = rt::loadTokenizer(dirs, error);
    if (!error.empty())
      throw py::value_error(error);
    storage = rt::weightStorageFor(dtype, checkpoint, error);
    if (storage.empty())
      throw py::value_error(error);
    if (!llvm::is_contained(family.storageTypes, storage))
      throw py::value_error("dtype expects " +
                            llvm::join(family.storageTypes, ", ") + " for " +
                            family.name + ", got '" + storage + "'");
    mlir::kf::CompileOptions checked; // both checked early
    parseCompileOptions(device, pipelineOptions, checked);
  }

  /// The ids of `text` (the family's BOS first, unless `bos` is false).
  std::vector<int64_t> encode(const std::string &text, bool bos) const {
    if (!tokenizer)
      throw py::value_error("the model has no tokenizer (vocab.json + "
                            "merges.txt, or tokenizer.bin); give token ids");
    std::vector<int64_t> ids;
    if (bos && family.bos >= 0)
      ids.push_back(family.bos);
    std::string error;
    if (!tokenizer->encode(text, ids, error))
      throw py::value_error("cannot encode the prompt: " + error);
    return ids;
  }

  std::string decode(const std::vector<int64_t> &ids) const {
    if (!tokenizer)
      throw py::value_error("the model has no tokenizer");
    return tokenizer->decode(ids);
  }

  py::dict generate(const std::vector<int64_t> &ids, int64_t newTokens,
                    double temperature, int64_t topK, double topP,
                    uint64_t seed, int64_t stopToken, int64_t prefillBucket) {
    if (ids.empty())
      throw py::value_error("empty prompt");
    for (int64_t id : ids)
      if (id < 0 || id >= family.vocabSize)
        throw py::value_error("token id " + std::to_string(id) +
                              " is outside the vocabulary [0, " +
                              std::to_string(family.vocabSize) + ")");
    if (int64_t(ids.size()) > family.maxPositions)
      throw py::value_error("the prompt has " + std::to_string(ids.size()) +
                            " tokens, more than the model's " +
                            std::to_string(family.maxPositions) +
                            " positions");
    if (newTokens < 0 || temperature < 0 || topP <= 0 || topP > 1 || topK < 0)
      throw py::value_error("expected n >= 0, temperature >= 0, "
                            "0 < top_p <= 1 and top_k >= 0");
    if (prefillBucket < 0 || prefillBucket > family.maxPositions)
      throw py::value_error(
          "prefill_bucket " + std::to_string(prefillBucket) + " is not in 1.." +
          std::to_string(family.maxPositions) + " (the model's positions)");
    // A prompt longer than its bucket is prefilled in chunks.
    Bucket &bucket =
        bucketFor(prefillBucket ? prefillBucket
                                : models::prefillBucket(int64_t(ids.size()),
                                                        family.maxPositions));
    rt::GenerationOptions options;
    options.newTokens = newTokens;
    options.sampler.temperature = temperature;
    options.sampler.topK = topK;
    options.sampler.topP = topP;
    options.sampler.seed = seed;
    options.stopToken = stopToken == -2 ? family.eos : stopToken;
    rt::GenerationResult result;
    {
      py::gil_scoped_release release;
      result = bucket.generator->generate(ids, options, [](int64_t) {});
    }
    std::string text;
    int64_t previous = ids.back();
    for (int64_t token : result.generated) {
      if (tokenizer)
        text += tokenizer->decodeNext(previous, token);
      previous = token;
    }
    py::dict out;
    out["tokens"] = result.generated;
    out["text"] = text;
    out["prefill_ms"] = result.prefillSeconds * 1e3;
    out["decode_ms_per_token"] =
        result.decodeSteps ? result.decodeSeconds * 1e3 / result.decodeSteps
                           : 0.0;
    out["truncated"] = result.truncated;
    out["prefill_bucket"] = bucket.generator->shapes().prefillTokens;
    out["prefill_chunks"] = result.prefillChunks;
    out["library"] = bucket.path;
    return out;
  }

  /// Writes the weights as kept (after dtype) as a model directory that
  /// loads without converting (rt::saveModelDirectory); its checkpoint's
  /// path.
  std::string saveWeights(const std::string &dir) {
    Bucket &bucket =
        buckets.empty()
            ? bucketFor(models::prefillBucket(1, family.maxPositions))
            : buckets.begin()->second;
    std::string error;
    std::string saved = rt::saveModelDirectory(
        dir, modelDirectory, configFile, bucket.generator->prefillEntry(),
        bucket.generator->boundWeights(), error);
    if (saved.empty())
      throw py::value_error(error);
    return saved;
  }

  std::string modelType() const { return family.name; }
  int64_t vocabSize() const { return family.vocabSize; }
  int64_t maxPositions() const { return family.maxPositions; }
  std::string dtype() const { return storage; }
  std::string kvDtype() const { return kvCache; }

private:
  struct Bucket {
    std::string path;
    std::unique_ptr<rt::CompiledLibrary> library;
    std::unique_ptr<rt::Generator> generator;
  };

  Bucket &bucketFor(int64_t tokens) {
    auto found = buckets.find(tokens);
    if (found != buckets.end())
      return found->second;
    std::string path = compileGraph(
        [&](mlir::MLIRContext *context) {
          return family.build(context, tokens, false, storage, kvCache);
        },
        device, pipelineOptions, cacheDir, family.name,
        "the " + family.name + " graph (" + std::to_string(family.numLayers) +
            " layers, prefill bucket " + std::to_string(tokens) + ")",
        progress);
    Bucket bucket;
    bucket.path = path;
    std::string error;
    bucket.library = rt::CompiledLibrary::load(path, error);
    if (!bucket.library)
      throw std::runtime_error(error);
    bucket.generator =
        rt::Generator::create(*bucket.library, device == "cuda", error);
    if (!bucket.generator)
      throw std::runtime_error("'" + path + "': " + error);
    if (!bucket.generator->loadWeights(checkpoint, randomSeed, error))
      throw py::value_error(error);
    return buckets.emplace(tokens, std::move(bucket)).first->second;
  }

  std::string modelDirectory, configFile, checkpoint;
  int64_t randomSeed;
  std::string kvCache, device, cacheDir, pipelineOptions;
  bool progress;
  models::DecoderFamily family;
  std::string storage;
  std::unique_ptr<rt::Tokenizer> tokenizer;
  std::map<int64_t, Bucket> buckets;
};

std::string versionText() {
  std::string text;
  llvm::raw_string_ostream os(text);
  mlir::kf::printVersion(os);
  return text;
}

} // namespace

/// A ViT image classifier: its graph compiled per batch size on first use,
/// parameters bound by kf.param from the checkpoint.
class ClassifierModel {
public:
  ClassifierModel(const std::string &modelDir, const std::string &dtype,
                  const std::string &device, const std::string &cacheDir,
                  const std::string &pipelineOptions, bool progress)
      : device(device), cacheDir(cacheDir), pipelineOptions(pipelineOptions),
        progress(progress) {
    if (!llvm::sys::fs::is_directory(modelDir))
      throw py::value_error("'" + modelDir + "' is not a directory");
    auto loaded = vit::loadViTConfig(modelDir + "/config.json");
    if (!loaded)
      throw py::value_error(llvm::toString(loaded.takeError()));
    config = std::move(*loaded);
    checkpoint = modelDir + "/model.safetensors";
    if (!llvm::sys::fs::exists(checkpoint))
      throw py::value_error("no model.safetensors in '" + modelDir + "'");
    std::string error;
    storage = rt::weightStorageFor(dtype, checkpoint, error);
    if (storage.empty())
      throw py::value_error(error);
    if (device == "cuda")
      throw py::value_error("classifiers run on cpu or gpu-emulator");
    mlir::kf::CompileOptions checked;
    parseCompileOptions(device, pipelineOptions, checked);
  }

  /// Logits [N, labels] of preprocessed pixels [N, S, S, C] (float32).
  py::array_t<float> logits(
      py::array_t<float, py::array::c_style | py::array::forcecast> pixels) {
    int64_t s = config.imageSize, c = config.numChannels;
    if (pixels.ndim() != 4 || pixels.shape(1) != s || pixels.shape(2) != s ||
        pixels.shape(3) != c || pixels.shape(0) < 1)
      throw py::value_error("expected pixels [N, " + std::to_string(s) +
                            ", " + std::to_string(s) + ", " +
                            std::to_string(c) + "] (preprocessed, channels "
                            "last)");
    int64_t n = pixels.shape(0), batch = std::min<int64_t>(n, 64);
    int64_t labels = config.labels.size(), perImage = s * s * c;
    Batch &b = batchOf(batch);
    py::array_t<float> out({n, labels});
    {
      py::gil_scoped_release release;
      for (int64_t first = 0; first < n; first += batch) {
        int64_t count = std::min(batch, n - first);
        std::fill(b.pixels.begin(), b.pixels.end(), 0.f);
        std::copy(pixels.data() + first * perImage,
                  pixels.data() + (first + count) * perImage, b.pixels.begin());
        rt::call(b.entry, b.args);
        std::copy(b.logits.begin(), b.logits.begin() + count * labels,
                  out.mutable_data() + first * labels);
      }
    }
    return out;
  }

  std::vector<std::string> labels() const { return config.labels; }
  int64_t imageSize() const { return config.imageSize; }
  int64_t channels() const { return config.numChannels; }
  std::string dtype() const { return storage; }

private:
  struct Batch {
    std::unique_ptr<rt::CompiledLibrary> library;
    rt::EntryPoint entry;
    rt::WeightMap weights;
    std::vector<float> pixels, logits;
    std::vector<void *> args;
  };

  Batch &batchOf(int64_t batch) {
    auto found = batches.find(batch);
    if (found != batches.end())
      return found->second;
    vit::ViTGraphOptions graph;
    graph.batch = batch;
    graph.weights = storage;
    std::string path = compileGraph(
        [&](mlir::MLIRContext *context) {
          return vit::buildViTClassifierGraph(context, config, graph);
        },
        device, pipelineOptions, cacheDir, "vit",
        "the ViT graph (batch " + std::to_string(batch) + ")", progress);
    Batch b;
    std::string error;
    b.library = rt::CompiledLibrary::load(path, error);
    if (!b.library)
      throw std::runtime_error(error);
    if (!b.library->lookup(vit::kClassifyEntry, b.entry, error))
      throw std::runtime_error("'" + path + "': " + error);
    if (!rt::loadCheckpointWeights(checkpoint, b.entry, b.weights, error))
      throw py::value_error(error);
    b.pixels.assign(batch * config.imageSize * config.imageSize *
                        config.numChannels,
                    0.f);
    b.logits.assign(batch * config.labels.size(), 0.f);
    for (const rt::ArgSpec &arg : b.entry.args)
      b.args.push_back(!arg.param.empty() ? b.weights.at(arg.param).data()
                       : arg.isOutput     ? static_cast<void *>(b.logits.data())
                                          : b.pixels.data());
    return batches.emplace(batch, std::move(b)).first->second;
  }

  vit::ViTConfig config;
  std::string checkpoint, storage, device, cacheDir, pipelineOptions;
  bool progress;
  std::map<int64_t, Batch> batches;
};

PYBIND11_MODULE(_kernelforge, m) {
  m.doc() = "KernelForge's compiler driver and runtime (use the kernelforge "
            "package, not this module)";
  py::register_exception<CompileError>(m, "CompileError", PyExc_RuntimeError);
  m.attr("__version__") = KF_VERSION_STRING;
  m.attr("llvm_version") = KF_LLVM_VERSION_STRING;
  m.def("version_text", &versionText);
  m.def("default_cache_dir", &mlir::kf::defaultCompileCacheDir);
  m.def("compile_source", &compileSource, py::arg("source"),
        py::arg("source_name"), py::arg("target"), py::arg("pipeline_options"),
        py::arg("cache_dir"), py::arg("progress"));
  py::class_<Library>(m, "Library")
      .def(py::init<const std::string &, const std::string &>(),
           py::arg("path"), py::arg("device") = "cpu")
      .def_readonly("path", &Library::path)
      .def("entry_points", &Library::entryPoints)
      .def("signature", &Library::signature)
      .def("call", &Library::call);
  py::class_<DecoderModel>(m, "DecoderModel")
      .def(py::init<const std::string &, const std::string &, int64_t,
                    const std::string &, const std::string &,
                    const std::string &, const std::string &,
                    const std::string &, bool, const std::string &>(),
           py::arg("model_dir"), py::arg("config"), py::arg("random_seed"),
           py::arg("dtype"), py::arg("kv_dtype"), py::arg("device"),
           py::arg("cache_dir"), py::arg("pipeline_options"),
           py::arg("progress"), py::arg("bundled_tokenizer"))
      .def("encode", &DecoderModel::encode, py::arg("text"), py::arg("bos"))
      .def("decode", &DecoderModel::decode)
      .def("generate", &DecoderModel::generate, py::arg("ids"), py::arg("n"),
           py::arg("temperature"), py::arg("top_k"), py::arg("top_p"),
           py::arg("seed"), py::arg("stop_token"), py::arg("prefill_bucket"))
      .def("save_weights", &DecoderModel::saveWeights, py::arg("dir"))
      .def_property_readonly("model_type", &DecoderModel::modelType)
      .def_property_readonly("vocab_size", &DecoderModel::vocabSize)
      .def_property_readonly("max_positions", &DecoderModel::maxPositions)
      .def_property_readonly("dtype", &DecoderModel::dtype)
      .def_property_readonly("kv_dtype", &DecoderModel::kvDtype);

  py::class_<ClassifierModel>(m, "ClassifierModel")
      .def(py::init<const std::string &, const std::string &,
                    const std::string &, const std::string &,
                    const std::string &, bool>(),
           py::arg("model_dir"), py::arg("dtype"), py::arg("device"),
           py::arg("cache_dir"), py::arg("pipeline_options"),
           py::arg("progress"))
      .def("logits", &ClassifierModel::logits, py::arg("pixels"))
      .def_property_readonly("labels", &ClassifierModel::labels)
      .def_property_readonly("image_size", &ClassifierModel::imageSize)
      .def_property_readonly("channels", &ClassifierModel::channels)
      .def_property_readonly("dtype", &ClassifierModel::dtype);
}
