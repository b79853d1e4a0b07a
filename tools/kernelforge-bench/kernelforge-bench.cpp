//===- kernelforge-bench.cpp - Kernel throughput at GPT-2 shapes ----------===//
//
// Compiles kf kernels at GPT-2 124M shapes (the block's matrix products, the
// tied lm_head read as [vocab, features], attention (decode: one query over
// a KV cache of --kv-dtype at --decode-context), layer norm, softmax)
// in-process (the same driver as
// kernelforge-compile), runs them through the runtime, and prints time,
// GFLOP/s and GB/s; the matrix products also run through OpenBLAS sgemm in
// the same process, taking turns with it batch by batch (Timing.h), and the
// table shows KernelForge / OpenBLAS as the median of the turns' ratios: a
// slow stretch of a shared machine falls on both. Ratios from one run are
// what to compare: the machines are shared and noisy.
//
//   kernelforge-bench [--seq-lens 1,256] [--min-time 0.3] [--json out.json]
//                     [--pipeline-options "..."] [--baseline old.json]
//                     [--threshold 0.1] [--compare new.json]
//                     [--weights-from-memory | --weights-in-cache]
//                     [--dtype f32|bf16|f16|int8] [--layout in_out|out_in]
//
// Each kernel's result is checked on sampled rows against a float64 loop;
// the JSON report has, per kernel, min and median ms, GFLOP/s, GB/s, the
// error, the target and the schedule (tuned or derived) it ran with.
// --baseline prints the change per kernel against an earlier report and
// exits with 1 when one is slower by more than --threshold; --compare
// compares a saved report instead of running.
//
//===----------------------------------------------------------------------===//

#include "BenchReport.h"
#include "References.h"
#include "Timing.h"

#include "kernelforge/Support/ToolOptions.h"
#include "kernelforge/Driver/Compiler.h"
#include "kernelforge/Target/CPUTargetModel.h"
#include "kernelforge/Runtime/CompiledLibrary.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"

#ifdef KF_HAVE_OPENBLAS
#include <cblas.h>
// OpenBLAS's own (cblas.h declares it only where it is OpenBLAS's).
extern "C" char *openblas_get_corename(void);
#endif
#include <nlohmann/json.hpp>

#include "Bandwidth.h"
#include "kernelforge/Runtime/NumberFormats.h"
#include "kernelforge/Runtime/Weights.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <random>

#include <dlfcn.h>

using namespace mlir;
namespace cl = llvm::cl;

static cl::OptionCategory &category = mlir::kf::toolOptionCategory();

static cl::list<int64_t>
    tokens("seq-lens", cl::CommaSeparated,
           cl::desc("Token counts, 1 to 1024 (default 1,256)"),
           cl::cat(category));
static cl::opt<bool> weightsFromMemory(
    "weights-from-memory", cl::init(false),
    cl::desc("Stream every product's weights from memory, as a model's "
             "layers do, not only one-row products' (each call reads the "
             "next of copies that overflow the last-level cache)"),
    cl::cat(category));
static cl::opt<bool> weightsInCache(
    "weights-in-cache", cl::init(false),
    cl::desc("Read one-row products' weights from cache, the same copy at "
             "every call: with the memory-bound figures, this tells a kernel "
             "bound by its instructions from one bound by memory"),
    cl::cat(category));
static cl::opt<double>
    minTime("min-time", cl::init(0.3),
            cl::desc("Seconds to time each kernel for (a matrix product and "
                     "OpenBLAS's sgemm each, in turns of up to 0.1 s, five "
                     "turns at least)"),
            cl::cat(category));
static cl::opt<std::string> jsonPath("json", cl::init(""),
                                     cl::desc("Also write the results as JSON"),
                                     cl::cat(category));
static cl::opt<std::string> pipelineOptions(
    "pipeline-options", cl::init(""),
    cl::desc("Options of kf-cpu-pipeline for every kernel"), cl::cat(category));
static cl::list<std::string>
    only("kernels", cl::CommaSeparated,
         cl::desc("Run only these kernels (qkv, attn_proj, mlp_up, mlp_down, "
                  "lm_head, attention, layer_norm, softmax; linear: the "
                  "--products)"),
         cl::cat(category));
static cl::list<std::string> products(
    "products", cl::CommaSeparated,
    cl::desc("Also time matrix products of these shapes, INxOUT (e.g. "
             "1024x2816,2816x1024: another model's), as kernels named "
             "'linear INxOUT', with --dtype and --layout as the block's"),
    cl::cat(category));
static cl::opt<std::string>
    baselinePath("baseline", cl::init(""),
                 cl::desc("An earlier --json report to compare with; exits "
                          "with 1 on a regression beyond --threshold"),
                          cl::cat(category));
static cl::opt<double> threshold("threshold", cl::init(0.10),
                                 cl::desc("Slowdown that counts as a "
                                          "regression (0.10: 10%)"),
                                          cl::cat(category));
static cl::opt<std::string> weightType(
    "dtype", cl::init("f32"),
    cl::desc("Element type the matrix products' weights are stored in: f32, "
             "bf16, f16, or int8 (blocks of 32 along the reduction with an "
             "f16 scale each, as --dtype int8 of the runners; activations "
             "and sums stay f32)"),
    cl::cat(category));
static cl::opt<std::string> weightLayout(
    "layout", cl::init("in_out"),
    cl::desc("How the block's four products' weights are stored: in_out "
             "([in, out], GPT-2's Conv1D) or out_in ([out, in], nn.Linear: "
             "the LLaMA family, ViT); the tied lm_head is out_in either way"),
    cl::cat(category));
static cl::opt<std::string> kvType(
    "kv-dtype", cl::init("f32"),
    cl::desc("Element type of the KV cache decode attention (T = 1) reads: "
             "f32, bf16 or f16, as --kv-dtype of the runners"),
    cl::cat(category));
static cl::opt<int64_t> decodeContext(
    "decode-context", cl::init(256),
    cl::desc("Keys a decode attention query (T = 1) sees: its position in "
             "a cache of 1024 rows, read from memory (1..1024)"),
    cl::cat(category));
static cl::opt<std::string>
    comparePath("compare", cl::init(""),
                cl::desc("Compare this saved report with --baseline instead "
                         "of running"), cl::cat(category));

namespace {

constexpr int64_t kEmbd = 768, kHeads = 12, kHeadDim = 64, kCache = 256,
                  kPositions = 1024, kVocab = 50257;

struct Kernel {
  std::string name;
  int64_t tokens;
  std::string mlir;
  double flops;     // useful floating-point operations per call
  double bytes;     // compulsory traffic: inputs + outputs once
  // (M, N, K) of an equivalent sgemm (with bias when hasBias), when there is
  // one.
  std::optional<std::array<int64_t, 3>> gemm;
  bool hasBias = false;
  // The weight is [N, K] (out_in), as the tied lm_head reads wte.
  bool transposedWeight = false;
  // The argument holding the weight matrix (-1: none), and with int8
  // weights the one holding their scales.
  int weightArg = -1;
  int scalesArg = -1;
  // The arguments a decode step reads from memory (the weights and scales
  // of a one-row product, the KV cache of decode attention): each call
  // reads the next of copies that overflow the last-level cache.
  std::vector<int> streamedArgs;
  // The value of every index argument (a decode query's position).
  int64_t position = kCache - 1;
  // Extra report fields.
  nlohmann::json details = nlohmann::json::object();
  // Checks the output (the last buffer) against a float64 reference.
  std::function<kfbench::ErrorStats(std::vector<std::vector<float>> &)> check;
};

std::string tensor(std::initializer_list<int64_t> shape,
                   llvm::StringRef element = "f32") {
  std::string s = "tensor<";
  for (int64_t d : shape)
    s += std::to_string(d) + "x";
  return s + element.str() + ">";
}

/// Values per int8 block (one f16 scale each), as the runners quantise.
constexpr int64_t kBlock = 32;

/// Bytes per weight element of --dtype, scales included.
double weightBytes() {
  if (weightType == "int8")
    return 1.0 + 2.0 / kBlock;
  return weightType == "f32" ? 4.0 : 2.0;
}

/// A product y = x w (+ b with `bias`): GPT-2's Conv1D products have a
/// bias, the tied head has none.
Kernel linearKernel(const std::string &name, int64_t t, int64_t k, int64_t n,
                    bool outIn = false, bool bias = true) {
  bool quantized = weightType == "int8";
  llvm::StringRef element = quantized ? "i8" : llvm::StringRef(weightType);
  std::string x = tensor({t, k}),
              w = outIn ? tensor({n, k}, element) : tensor({k, n}, element),
              s = outIn ? tensor({n, k / kBlock}, "f16")
                        : tensor({k / kBlock, n}, "f16"),
              b = tensor({n}), y = tensor({t, n});
  Kernel kernel;
  kernel.name = name;
  kernel.tokens = t;
  // An i8 weight's scales come after it, as an argument and an operand.
  std::string scalesArg = quantized ? ", %s: " + s : "",
              scalesUse = quantized ? " scales(%s : " + s + ")" : "";
  std::string biasArg = bias ? ", %b: " + b : "", biasUse = bias ? ", %b" : "",
              biasType = bias ? ", " + b : "";
  kernel.mlir = llvm::formatv(
      "func.func @main(%x: {0}, %w: {1}{4}{5}) -> {2} {{\n"
      "  %y = kf.linear %x, %w{6}{7} layout({3}) : {0}, {1}{8} -> {2}\n"
      "  return %y : {2}\n}\n",
      x, w, y, outIn ? "out_in" : "in_out", scalesArg, biasArg, biasUse,
      scalesUse, biasType);
  kernel.flops = 2.0 * t * k * n;
  kernel.bytes = 4.0 * (t * k + (bias ? n : 0) + t * n) + weightBytes() * k * n;
  kernel.hasBias = bias;
  kernel.gemm = std::array<int64_t, 3>{t, n, k};
  kernel.transposedWeight = outIn;
  kernel.weightArg = 1;
  kernel.streamedArgs = {1};
  if (quantized)
    kernel.streamedArgs.push_back(2);
  // The buffers: x, w, (scales), (bias), y; checked against `weight`, the
  // weight as the kernel sees it.
  int biasAt = quantized ? 3 : 2, outAt = biasAt + (bias ? 1 : 0);
  auto check = [=](const float *weight, std::vector<std::vector<float>> &b) {
    std::vector<float> zeros(bias ? 0 : n, 0.f);
    return kfbench::checkLinear(b[0].data(), weight,
                                bias ? b[biasAt].data() : zeros.data(),
                                b[outAt].data(), t, k, n, outIn);
  };
  if (!quantized) {
    kernel.check = [=](std::vector<std::vector<float>> &b) {
      return check(b[1].data(), b);
    };
    return kernel;
  }
  // The reference reads the weight the kernel sees: each int8 value times
  // its block's scale.
  kernel.scalesArg = 2;
  kernel.check = [=](std::vector<std::vector<float>> &b) {
    std::vector<float> weight(b[1]);
    for (int64_t r = 0; r < k; ++r)
      for (int64_t c = 0; c < n; ++c)
        weight[outIn ? c * k + r : r * n + c] *=
            outIn ? b[2][c * (k / kBlock) + r / kBlock]
                  : b[2][(r / kBlock) * n + c];
    return check(weight.data(), b);
  };
  return kernel;
}

/// Bytes per element of --kv-dtype.
double kvBytes() { return kvType == "f32" ? 4.0 : 2.0; }

Kernel attentionKernel(int64_t t) {
  Kernel kernel;
  kernel.name = "attention";
  kernel.tokens = t;
  if (t == 1) {
    // Decode: one query at position decodeContext - 1 of a cache laid out
    // as the runners' (1024 rows per head, --kv-dtype), read from memory.
    int64_t keys = decodeContext;
    std::string q = tensor({1, kHeads, 1, kHeadDim}),
                kv = tensor({1, kHeads, kPositions, kHeadDim}, kvType);
    kernel.mlir = llvm::formatv(
        "func.func @main(%q: {0}, %k: {1}, %v: {1}, %pos: index) -> {0} {{\n"
        "  %o = kf.attention %q, %k, %v causal offset(%pos) : {0}, {1}, {1} "
        "-> {0}\n"
        "  return %o : {0}\n}\n",
        q, kv);
    kernel.flops = 4.0 * kHeads * keys * kHeadDim;
    kernel.bytes =
        4.0 * kHeads * kHeadDim * 2 + kvBytes() * kHeads * kHeadDim * 2 * keys;
    kernel.streamedArgs = {1, 2};
    kernel.position = keys - 1;
    kernel.details = {{"kv_dtype", std::string(kvType)}, {"context", keys}};
    kernel.check = [=](std::vector<std::vector<float>> &b) {
      return kfbench::checkAttention(b[0].data(), b[1].data(), b[2].data(),
                                     b.back().data(), kHeads, 1, kPositions,
                                     kHeadDim, keys - 1);
    };
    return kernel;
  }
  // Prefill: T queries over T keys.
  std::string q = tensor({1, kHeads, t, kHeadDim});
  kernel.mlir = llvm::formatv(
      "func.func @main(%q: {0}, %k: {0}, %v: {0}) -> {0} {{\n"
      "  %o = kf.attention %q, %k, %v causal : {0}, {0}, {0} -> {0}\n"
      "  return %o : {0}\n}\n",
      q);
  // Causal: about half of the score matrix is visible.
  double visible = t * (t + 1) / 2.0;
  kernel.flops = 4.0 * kHeads * visible * kHeadDim;
  kernel.bytes = 4.0 * kHeads * kHeadDim * 4 * t;
  kernel.check = [=](std::vector<std::vector<float>> &b) {
    return kfbench::checkAttention(b[0].data(), b[1].data(), b[2].data(),
                                   b.back().data(), kHeads, t, t, kHeadDim, 0);
  };
  return kernel;
}

Kernel layerNormKernel(int64_t t) {
  std::string x = tensor({t, kEmbd}), g = tensor({kEmbd});
  Kernel kernel;
  kernel.name = "layer_norm";
  kernel.tokens = t;
  kernel.mlir = llvm::formatv(
      "func.func @main(%x: {0}, %g: {1}, %b: {1}) -> {0} {{\n"
      "  %y = kf.layer_norm %x scale(%g : {1}) bias(%b : {1}) "
      "{{epsilon = 1.0e-05 : f64} : {0}\n"
      "  return %y : {0}\n}\n",
      x, g);
  kernel.flops = 8.0 * t * kEmbd;
  kernel.bytes = 4.0 * (2 * t * kEmbd + 2 * kEmbd);
  kernel.check = [=](std::vector<std::vector<float>> &b) {
    return kfbench::checkLayerNorm(b[0].data(), b[1].data(), b[2].data(),
                                   b[3].data(), t, kEmbd);
  };
  return kernel;
}

Kernel softmaxKernel(int64_t t) {
  int64_t keys = t == 1 ? kCache : t;
  std::string s = tensor({kHeads, t, keys});
  Kernel kernel;
  kernel.name = "softmax";
  kernel.tokens = t;
  kernel.mlir = llvm::formatv("func.func @main(%s: {0}) -> {0} {{\n"
                              "  %p = kf.softmax %s : {0}\n"
                              "  return %p : {0}\n}\n",
                              s);
  kernel.flops = 4.0 * kHeads * t * keys;
  kernel.bytes = 8.0 * kHeads * t * keys;
  kernel.check = [=](std::vector<std::vector<float>> &b) {
    return kfbench::checkSoftmax(b[0].data(), b[1].data(), kHeads * t, keys);
  };
  return kernel;
}

/// An attribute as MLIR prints it.
std::string printed(Attribute attr) {
  std::string text;
  llvm::raw_string_ostream os(text);
  if (attr)
    attr.print(os);
  return text;
}

/// Puts libomp's idle threads to sleep now rather than after their spin
/// (KMP_BLOCKTIME, 200 ms): the compiled kernels' threads would otherwise
/// share the cores with what is timed next. A no-op until a kernel has
/// loaded libomp.
void pauseOpenMP() {
  using Pause = int (*)(int);
  static Pause pause = nullptr;
  if (!pause)
    for (const char *name : {"libomp.so.5", "libomp.so"})
      if (void *omp = dlopen(name, RTLD_LAZY | RTLD_NOLOAD)) {
        pause = reinterpret_cast<Pause>(dlsym(omp, "omp_pause_resource_all"));
        break;
      }
  if (pause)
    pause(/*omp_pause_soft=*/1);
}

/// Between timed batches: no thread of the last calls still spinning.
void settle() {
  pauseOpenMP();
  kfbench::waitUntilIdle();
}

/// One call of OpenBLAS's sgemm on `kernel`'s problem, reading the float
/// values of its memref arguments at `buffers` (input, weight, ..., bias,
/// output); empty where the kernel is no matrix product or OpenBLAS is
/// absent.
std::function<void()> blasCall(const Kernel &kernel,
                               const std::vector<const float *> &buffers) {
#ifdef KF_HAVE_OPENBLAS
  if (!kernel.gemm)
    return {};
  int64_t m = (*kernel.gemm)[0], n = (*kernel.gemm)[1], k = (*kernel.gemm)[2];
  // A bias is the argument before the output.
  const float *a = buffers[0], *b = buffers[1],
              *bias = kernel.hasBias ? buffers.end()[-2] : nullptr;
  // Its output on the pages the kernel's has (a WeightTensor's).
  kernelforge::runtime::WeightTensor c("f32", {m, n});
  bool transposed = kernel.transposedWeight;
  return [=] {
    float *out = c.as<float>();
    if (bias)
      for (int64_t i = 0; i < m; ++i)
        std::copy(bias, bias + n, out + i * n);
    cblas_sgemm(CblasRowMajor, CblasNoTrans,
                transposed ? CblasTrans : CblasNoTrans, m, n, k, 1.f, a, k, b,
                transposed ? k : n, bias ? 1.f : 0.f, out, n);
  };
#else
  (void)kernel;
  (void)buffers;
  return {};
#endif
}

/// A saved report, or nothing after saying why.
std::optional<nlohmann::json> loadReport(const std::string &path) {
  std::string error;
  std::optional<nlohmann::json> report = kfbench::readReport(path, error);
  if (!report)
    llvm::errs() << "error: " << error << "\n";
  return report;
}

/// Compares --compare (or this run's report) with --baseline; the exit code.
int compareWithBaseline(const nlohmann::json &current) {
  std::optional<nlohmann::json> baseline = loadReport(baselinePath);
  if (!baseline)
    return 1;
  llvm::outs() << "\nagainst the baseline " << baselinePath << ":\n";
  int regressions =
      kfbench::compareReports(current, *baseline, threshold, llvm::outs());
  return regressions == 0 ? 0 : 1;
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  mlir::kf::parseToolOptions(argc, argv, "KernelForge kernel benchmark\n");
  std::vector<int64_t> counts(tokens.begin(), tokens.end());
  if (counts.empty())
    counts = {1, 256};
  if (!comparePath.empty()) {
    if (baselinePath.empty()) {
      llvm::errs() << "error: --compare needs --baseline\n";
      return 1;
    }
    std::optional<nlohmann::json> current = loadReport(comparePath);
    return current ? compareWithBaseline(*current) : 1;
  }
  if (threshold < 0) {
    llvm::errs() << "error: --threshold must not be negative\n";
    return 1;
  }

  if (weightType != "f32" && weightType != "bf16" && weightType != "f16" &&
      weightType != "int8") {
    llvm::errs() << "error: --dtype expects f32, bf16, f16 or int8, got '"
                 << weightType << "'\n";
    return 1;
  }
  if (weightLayout != "in_out" && weightLayout != "out_in") {
    llvm::errs() << "error: --layout expects in_out or out_in, got '"
                 << weightLayout << "'\n";
    return 1;
  }
  if (kvType != "f32" && kvType != "bf16" && kvType != "f16") {
    llvm::errs() << "error: --kv-dtype expects f32, bf16 or f16, got '"
                 << kvType << "'\n";
    return 1;
  }
  if (weightsInCache && weightsFromMemory) {
    llvm::errs() << "error: --weights-in-cache and --weights-from-memory "
                    "contradict each other\n";
    return 1;
  }
  // GPT-2's kernels: a prompt of 1 to kPositions tokens (its attention
  // is over all of them).
  for (int64_t t : counts)
    if (t < 1 || t > kPositions) {
      llvm::errs() << "error: --seq-lens takes token counts in 1.."
                   << kPositions << " (GPT-2's positions), got " << t << "\n";
      return 1;
    }
  if (decodeContext < 1 || decodeContext > kPositions) {
    llvm::errs() << "error: --decode-context must be in 1.." << kPositions
                 << ", got " << decodeContext << "\n";
    return 1;
  }
  // --products: IN x OUT pairs of positive sizes (IN in whole blocks for
  // int8 weights).
  std::vector<std::pair<int64_t, int64_t>> productShapes;
  for (const std::string &shape : products) {
    auto [in, out] = llvm::StringRef(shape).split('x');
    int64_t k = 0, n = 0;
    if (in.getAsInteger(10, k) || out.getAsInteger(10, n) || k < 1 || n < 1) {
      llvm::errs() << "error: --products expects INxOUT with positive sizes "
                      "(e.g. 1024x2816), got '"
                   << shape << "'\n";
      return 1;
    }
    if (weightType == "int8" && k % kBlock != 0) {
      llvm::errs() << "error: --products " << shape
                   << ": int8 weights need IN to be a multiple of the block ("
                   << kBlock << ")\n";
      return 1;
    }
    productShapes.emplace_back(k, n);
  }
  kf::CompileOptions options;
  if (failed(options.pipeline.parseFromString(pipelineOptions))) {
    llvm::errs() << "error: bad --pipeline-options\n";
    return 1;
  }
  DialectRegistry registry;
  kf::registerCompilerDialects(registry);

  SmallString<128> dir;
  if (llvm::sys::fs::createUniqueDirectory("kernelforge-bench", dir)) {
    llvm::errs() << "error: cannot create a temporary directory\n";
    return 1;
  }

  std::vector<Kernel> kernels;
  bool outIn = weightLayout == "out_in";
  for (int64_t t : counts) {
    kernels.push_back(linearKernel("qkv 768x2304", t, kEmbd, 3 * kEmbd, outIn));
    kernels.push_back(
        linearKernel("attn_proj 768x768", t, kEmbd, kEmbd, outIn));
    kernels.push_back(
        linearKernel("mlp_up 768x3072", t, kEmbd, 4 * kEmbd, outIn));
    kernels.push_back(
        linearKernel("mlp_down 3072x768", t, 4 * kEmbd, kEmbd, outIn));
    kernels.push_back(linearKernel("lm_head 768x50257", t, kEmbd, kVocab,
                                   /*outIn=*/true,
                                   /*bias=*/false));
    for (auto [k, n] : productShapes)
      kernels.push_back(
          linearKernel(llvm::formatv("linear {0}x{1}", k, n), t, k, n, outIn));
    kernels.push_back(attentionKernel(t));
    kernels.push_back(layerNormKernel(t));
    kernels.push_back(softmaxKernel(t));
  }

  if (!only.empty()) {
    for (const std::string &name : only)
      if (llvm::none_of(kernels, [&](const Kernel &k) {
            return llvm::StringRef(k.name).starts_with(name);
          })) {
        llvm::errs() << "error: unknown kernel '" << name << "' in --kernels\n";
        return 1;
      }
    llvm::erase_if(kernels, [&](const Kernel &k) {
      return llvm::none_of(only, [&](const std::string &name) {
        return llvm::StringRef(k.name).starts_with(name);
      });
    });
  }

  // One-row products (and with --weights-from-memory every product) stream
  // their weights from memory, as a model's layers do, and decode attention
  // its KV cache: each call reads the next of enough copies to overflow the
  // last-level cache, and is compared with what the machine can read.
  kf::CPUTargetModel host = kf::CPUTargetModel::host();
  int threads = host.cores;
  if (auto env = llvm::sys::Process::GetEnv("OMP_NUM_THREADS"))
    threads = std::max(1, std::atoi(env->c_str()));
  // Whether a kernel of `rows` rows streams its weights from memory.
  auto streamsWeights = [](int64_t rows) {
    return (rows == 1 || weightsFromMemory) && !weightsInCache;
  };
  double bandwidth = 0;
  if (llvm::any_of(counts, streamsWeights)) {
    bandwidth = kfbench::measureReadBandwidth(
        std::max<int64_t>(int64_t(512) << 20, 8 * host.l3), threads);
    llvm::outs() << llvm::formatv(
        "memory read bandwidth: {0:F1} GB/s ({1} threads); one-row products "
        "read their weights from memory\n",
        bandwidth, threads);
  }

  // Which of its kernels OpenBLAS runs: it picks by CPU model and falls
  // back to older kernels on CPUs it predates (Debian's 0.3.21 runs its
  // Haswell AVX2 kernels on a Zen 5); OPENBLAS_CORETYPE chooses others.
  std::string blasCore = "-";
#ifdef KF_HAVE_OPENBLAS
  if (const char *core = openblas_get_corename())
    blasCore = core;
  llvm::outs() << "OpenBLAS kernels: " << blasCore
               << " (OPENBLAS_CORETYPE selects others)\n";
#endif

  std::mt19937 rng(0);
  std::normal_distribution<float> normal(0.f, 1.f);
  nlohmann::json results = nlohmann::json::array();
  llvm::outs() << llvm::formatv(
      "{0,-20} {1,5} {2,10} {3,9} {4,8} {5,8} {6,12} {7,8}\n", "kernel", "T",
      "ms", "GFLOP/s", "GB/s", "of mem", "OpenBLAS", "ratio");
  for (auto [index, kernel] : llvm::enumerate(kernels)) {
    MLIRContext context(registry);
    context.loadAllAvailableDialects();
    OwningOpRef<ModuleOp> module =
        parseSourceString<ModuleOp>(kernel.mlir, &context);
    std::string path = (dir + "/kernel" + std::to_string(index) + ".so").str();
    auto compileStart = std::chrono::steady_clock::now();
    if (!module || failed(kf::compileModule(*module, options, path))) {
      llvm::errs() << "error: compiling " << kernel.name << " failed\n";
      return 1;
    }
    double compileSeconds = std::chrono::duration<double>(
                                std::chrono::steady_clock::now() - compileStart)
                                .count();
    std::string error;
    auto library = kernelforge::runtime::CompiledLibrary::load(path, error);
    kernelforge::runtime::EntryPoint entry;
    if (!library || !library->lookup("main", entry, error)) {
      llvm::errs() << "error: " << error << "\n";
      return 1;
    }
    // `buffers` hold every memref's values as float (16-bit weights rounded
    // first: the reference sees what the kernel reads); `stored` the bytes
    // the kernel reads where they differ.
    std::vector<std::vector<float>> buffers;
    std::vector<std::vector<uint16_t>> stored;
    std::vector<std::vector<int8_t>> stored8;
    std::vector<int64_t> scalars(entry.args.size(), kernel.position);
    std::vector<void *> pointers;
    for (auto [i, arg] : llvm::enumerate(entry.args)) {
      if (!arg.isMemRef()) {
        pointers.push_back(&scalars[i]);
        continue;
      }
      buffers.emplace_back(arg.numElements());
      for (float &v : buffers.back())
        v = normal(rng);
      if (static_cast<int>(i) == kernel.scalesArg)
        for (float &v : buffers.back())
          v = 0.01f * std::abs(v);
      if (arg.dtype == "i8") {
        std::uniform_int_distribution<int> value(-127, 127);
        stored8.emplace_back(arg.numElements());
        for (auto [v, q] : llvm::zip(buffers.back(), stored8.back())) {
          q = static_cast<int8_t>(value(rng));
          v = q;
        }
        pointers.push_back(stored8.back().data());
      } else if (arg.dtype == "bf16" || arg.dtype == "f16") {
        bool brain = arg.dtype == "bf16";
        stored.emplace_back(arg.numElements());
        for (auto [v, bits] : llvm::zip(buffers.back(), stored.back())) {
          bits = brain ? kernelforge::runtime::floatToBFloat16(v)
                       : kernelforge::runtime::floatToHalf(v);
          v = brain ? kernelforge::runtime::bfloat16ToFloat(bits)
                    : kernelforge::runtime::halfToFloat(bits);
        }
        pointers.push_back(stored.back().data());
      } else {
        pointers.push_back(buffers.back().data());
      }
    }
    // Copies of the weight (and its scales) that together overflow the
    // last-level cache: copies[c][a] is copy c of the a-th of `streamed`.
    // Each is laid out as the runner lays out a model's weights (2 MiB pages
    // where the kernel allows it).
    const std::vector<int> &streamed = kernel.streamedArgs;
    std::vector<std::vector<kernelforge::runtime::WeightTensor>> copies;
    bool fromMemory = streamsWeights(kernel.tokens) && !streamed.empty();
    auto argBytes = [&](int a) {
      return entry.args[a].numElements() * entry.args[a].elementBytes();
    };
    if (fromMemory) {
      int64_t bytes = 0;
      for (int a : streamed)
        bytes += argBytes(a);
      // At least 256 MiB: the cache sizes are not always known (a VM
      // without sysfs cache entries gets per-family defaults).
      int64_t total = std::max<int64_t>(int64_t(256) << 20, 4 * host.l3);
      int64_t count = std::min<int64_t>(64, 1 + total / bytes);
      for (int64_t c = 0; c < count; ++c) {
        copies.emplace_back();
        for (int a : streamed)
          copies.back().push_back(kernelforge::runtime::WeightTensor::copyOf(
              pointers[a], argBytes(a)));
      }
    }
    // Every other buffer of 256 KiB or more is laid out as the runner lays
    // out weights and temporaries, on 2 MiB pages where the kernel allows:
    // from a std::vector it would sit on 4 KiB pages, and a product that
    // reads its weight rows in place (fewer than pack_min_rows rows) would
    // cross a page every few rows (on a Zen 5, GPT-2's 64-row products took
    // 5-15% longer so). OpenBLAS's sgemm reads the same bytes where they are
    // f32; the outputs are copied back for the check.
    std::vector<kernelforge::runtime::WeightTensor> paged;
    std::vector<const float *> blasInputs;
    struct PagedOutput {
      const void *from;
      float *to;
      int64_t bytes;
    };
    std::vector<PagedOutput> pagedOutputs;
    for (auto [a, arg] : llvm::enumerate(entry.args)) {
      if (!arg.isMemRef())
        continue;
      // `buffers` holds the memrefs' float values in argument order.
      float *values = buffers[blasInputs.size()].data();
      blasInputs.push_back(values);
      int64_t bytes = argBytes(a);
      bool streamedArg = fromMemory && llvm::is_contained(streamed, int(a));
      if (bytes < kernelforge::runtime::WeightTensor::kPagedArgumentBytes ||
          streamedArg)
        continue;
      paged.push_back(
          kernelforge::runtime::WeightTensor::copyOf(pointers[a], bytes));
      void *copy = paged.back().data();
      pointers[a] = copy;
      if (arg.dtype == "f32")
        blasInputs.back() = static_cast<const float *>(copy);
      if (arg.isOutput && arg.dtype == "f32")
        pagedOutputs.push_back({copy, values, bytes});
    }
    std::vector<void *> originals = pointers;
    size_t turn = 0;
    auto callKernel = [&] {
      if (!copies.empty()) {
        turn = (turn + 1) % copies.size();
        for (auto [a, copy] : llvm::zip(streamed, copies[turn]))
          pointers[a] = copy.data();
      }
      kernelforge::runtime::call(entry, pointers);
    };
    // A matrix product takes turns with OpenBLAS's sgemm on the same
    // problem (its f32 inputs, read from cache), so that the ratio is of
    // calls made in the same seconds.
    std::function<void()> callBlas = blasCall(kernel, blasInputs);
    kfbench::Timing timing;
    std::optional<kfbench::PairedTiming> paired;
    if (callBlas) {
      paired = kfbench::timePaired(callKernel, callBlas, settle, minTime,
                                   /*minTurns=*/5,
                                   /*batchTime=*/std::min(0.1, minTime / 3));
      timing = paired->first;
    } else {
      settle();
      timing = kfbench::timeCalls(callKernel, minTime);
    }
    if (!copies.empty()) { // the checked output comes from the originals
      pointers = originals;
      kernelforge::runtime::call(entry, pointers);
    }
    for (const PagedOutput &output : pagedOutputs)
      std::memcpy(output.to, output.from, output.bytes);
    double seconds = timing.median;
    double gflops = kernel.flops / seconds * 1e-9;
    double gbs = kernel.bytes / seconds * 1e-9;
    kfbench::ErrorStats accuracy = kernel.check(buffers);
    std::string ofMemory = "-";
    if (fromMemory && bandwidth > 0)
      ofMemory = llvm::formatv("{0:F2}", gbs / bandwidth).str();

    // What it ran with: the module's target and schedule (kf-cpu-target),
    // and what the tuning cache gave its contractions.
    nlohmann::json row = {
        {"kernel", kernel.name},
        {"tokens", kernel.tokens},
        {"ms", seconds * 1e3},
        {"min_ms", timing.min * 1e3},
        {"gflops", gflops},
        {"gbytes_per_s", gbs},
        {"max_abs_error", accuracy.maxAbs},
        {"rel_error", accuracy.relative()},
        {"compile_s", compileSeconds},
        {"target", printed((*module)->getAttr(kf::kTargetAttrName))},
        {"schedule", printed((*module)->getAttr(kf::kScheduleAttrName))},
        {"tuning", printed((*module)->getAttr("kf.tuning"))},
        {"weights", kernel.weightArg >= 0 ? std::string(weightType) : "-"},
        {"layout", kernel.weightArg >= 0
                       ? (kernel.transposedWeight ? "out_in" : "in_out")
                       : "-"},
        {"weights_from_memory", fromMemory}};
    row.update(kernel.details);
    if (fromMemory && bandwidth > 0) {
      row["memory_gbytes_per_s"] = bandwidth;
      row["fraction_of_memory_bandwidth"] = gbs / bandwidth;
    }
    // Products in bf16 pairs round both operands to 8 significant bits
    // (each product within 2^-8 of the exact one), where f32's are exact.
    double tolerance = options.pipeline.bf16Products ? 1e-2 : 1e-3;
    if (!(accuracy.relative() <= tolerance)) {
      llvm::errs() << llvm::formatv(
          "error: {0} (T={1}) differs from the float64 reference by {2:e} "
          "(relative {3:e}, more than {4:e})\n",
          kernel.name, kernel.tokens, accuracy.maxAbs, accuracy.relative(),
          tolerance);
      return 1;
    }
    std::string blasText = "-", ratioText = "-";
    if (paired) {
      double blasGflops = kernel.flops / paired->second.median * 1e-9;
      row["openblas_gflops"] = blasGflops;
      row["openblas_min_ms"] = paired->second.min * 1e3;
      row["ratio_vs_openblas"] = paired->ratio;
      row["paired_turns"] = paired->turns;
      blasText = llvm::formatv("{0:F1}", blasGflops).str();
      ratioText = llvm::formatv("{0:F2}", paired->ratio).str();
    }
    results.push_back(row);
    llvm::outs() << llvm::formatv(
        "{0,-20} {1,5} {2,10:F3} {3,9:F1} {4,8:F1} {5,8} {6,12} {7,8}\n",
        kernel.name, kernel.tokens, seconds * 1e3, gflops, gbs, ofMemory,
        blasText, ratioText);
    llvm::outs().flush();
  }
  llvm::sys::fs::remove_directories(dir);

  if (!jsonPath.empty()) {
    std::ofstream out(jsonPath);
    out << nlohmann::json{{"cpu", host.cpu},
                          {"memory_gbytes_per_s", bandwidth},
                          {"vector_bits", host.vectorBits},
                          {"cores", host.cores},
                          {"openblas_core", blasCore},
                          {"results", results}}
               .dump(2)
        << "\n";
    if (!out) {
      llvm::errs() << "error: cannot write " << jsonPath << "\n";
      return 1;
    }
  }
  if (!baselinePath.empty())
    return compareWithBaseline(nlohmann::json{{"results", results}});
  return 0;
}
