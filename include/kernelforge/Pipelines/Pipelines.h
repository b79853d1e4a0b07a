//===- Pipelines.h - KernelForge pass pipelines -----------------*- C++ -*-===//

#ifndef KERNELFORGE_PIPELINES_PIPELINES_H
#define KERNELFORGE_PIPELINES_PIPELINES_H

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"

namespace mlir::kf {

/// Element operations below which a loop runs on one thread: about what one
/// core does in the time an OpenMP team takes to start and join (measured in
/// a GPT-2 decode step, see kf-serialize-nested-parallel).
constexpr int64_t kDefaultMinParallelWork = 32768;

/// Reduction steps ahead that a prefill register tile prefetches the weight
/// rows it walks (kf-prefetch-strided-reads). Measured on a Zen 5 with
/// GPT-2's 64-token products, weights streamed from memory: 8 steps 3%
/// faster than none, 64 and 128 11%, 256 no better than none.
constexpr int64_t kDefaultPrefetchDistance = 64;

/// Options of `kf-cpu-pipeline`.
struct CPUPipelineOptions : public PassPipelineOptions<CPUPipelineOptions> {
  PassOptions::Option<std::string> targetTriple{
      *this, "target-triple",
      llvm::cl::desc("LLVM target triple (empty: the host's)"),
      llvm::cl::init("")};
  PassOptions::Option<std::string> targetCPU{
      *this, "target-cpu",
      llvm::cl::desc("LLVM CPU name, e.g. znver3 (empty: the host's)"),
      llvm::cl::init("")};
  PassOptions::Option<std::string> targetFeatures{
      *this, "target-features",
      llvm::cl::desc("LLVM features, e.g. +avx2,-avx512f (empty: the CPU's)"),
      llvm::cl::init("")};
  PassOptions::Option<int64_t> vectorWidth{
      *this, "vector-width",
      llvm::cl::desc("Floats per vector register (0: the target's)"),
      llvm::cl::init(0)};
  PassOptions::Option<int64_t> registerRows{
      *this, "register-rows",
      llvm::cl::desc("Rows of a contraction's register tile (0: derived "
                     "from the target's registers)"),
      llvm::cl::init(0)};
  PassOptions::Option<int64_t> registerCols{
      *this, "register-cols",
      llvm::cl::desc("Columns of a contraction's register tile (0: derived "
                     "from the target's registers)"),
      llvm::cl::init(0)};
  PassOptions::Option<int64_t> kTile{
      *this, "k-tile",
      llvm::cl::desc("Largest reduction tile (0: derived from L1)"),
      llvm::cl::init(0)};
  PassOptions::Option<int64_t> threadTile{
      *this, "thread-tile",
      llvm::cl::desc("Largest row tile of a thread (0: derived from L2)"),
      llvm::cl::init(0)};
  PassOptions::Option<std::string> packWeights{
      *this, "pack-weights",
      llvm::cl::desc("Copy each thread's weight block into contiguous "
                     "column panels in prefill (true/false; empty: the "
                     "schedule's)"),
      llvm::cl::init("")};
  PassOptions::Option<std::string> columnsOuter{
      *this, "columns-outer",
      llvm::cl::desc("Register tiles walk columns outside and rows inside "
                     "(true/false; empty: the schedule's)"),
      llvm::cl::init("")};
  PassOptions::Option<std::string> splitReduction{
      *this, "split-reduction",
      llvm::cl::desc("One-row products against [k, n] weights: each thread "
                     "a contiguous block of weight rows, parts added "
                     "(true/false; empty: the schedule's)"),
      llvm::cl::init("")};
  PassOptions::Option<int64_t> prefetchDistance{
      *this, "prefetch-distance",
      llvm::cl::desc("Reduction steps ahead that a register tile prefetches "
                     "its strided weight reads (kf-prefetch-strided-reads; "
                     "0: none)"),
      llvm::cl::init(kDefaultPrefetchDistance)};
  PassOptions::Option<std::string> tuningCache{
      *this, "tuning-cache",
      llvm::cl::desc("kernelforge-tune's cache of measured schedules (empty: "
                     "$KF_TUNING_CACHE or ~/.cache/kernelforge/tuning.json; "
                     "none: the target's defaults only)"),
      llvm::cl::init("")};
  PassOptions::Option<bool> threads{
      *this, "threads",
      llvm::cl::desc("Parallelise the outer tiles with OpenMP"),
      llvm::cl::init(true)};
  PassOptions::Option<int64_t> minParallelWork{
      *this, "min-parallel-work",
      llvm::cl::desc("Loops with fewer element operations than this run on "
                     "one thread: starting the team costs more (0: every "
                     "outermost parallel loop gets threads)"),
      llvm::cl::init(kDefaultMinParallelWork)};
  PassOptions::Option<bool> vectorize{
      *this, "vectorize",
      llvm::cl::desc("Tile and vectorize (off: plain parallel loops)"),
      llvm::cl::init(true)};
  PassOptions::Option<bool> bf16Products{
      *this, "bf16-products",
      llvm::cl::desc("Prefill's matrix products of 64 rows or more (8 "
                     "register tiles) against f32, bf16 or int8 weights "
                     "(int8 stored [n, k]: 256 rows) round both operands to "
                     "bf16 and multiply them in pairs, summing in f32, where "
                     "the target has a bf16 dot product (AVX-512 BF16); off: "
                     "f32 products"),
      llvm::cl::init(false)};
  PassOptions::Option<bool> decomposeAttention{
      *this, "decompose-attention",
      llvm::cl::desc("Lower attention unfused (QK^T, softmax, PV)"),
      llvm::cl::init(false)};
  PassOptions::Option<bool> x86Vector{
      *this, "x86vector",
      llvm::cl::desc("Allow x86-specific vector intrinsics (x86 targets "
                     "only)"),
      llvm::cl::init(true)};
  PassOptions::Option<std::string> stopAfter{
      *this, "stop-after",
      llvm::cl::desc("Stop after a stage: linalg, vector, bufferized, loops, "
                     "or llvm (the default, the whole pipeline)"),
      llvm::cl::init("llvm")};
};

/// The stages of the CPU pipeline, in order.
enum class CPUStage { Linalg, Vector, Bufferized, Loops, LLVM };
/// Parses a stage name; false for an unknown one.
bool parseCPUStage(StringRef name, CPUStage &stage);

/// kf (or linalg on tensors) -> LLVM dialect with OpenMP and vector ops:
/// kf-cpu-target (the target and its schedule on the module);
/// convert-kf-to-linalg; tile-and-vectorize; one-shot bufferization with
/// results turned into out-parameters; remaining linalg -> parallel loops;
/// vector and math lowering; scf.forall/parallel -> OpenMP (one level);
/// LLVM dialect conversion. Stops after `stopAfter`.
void buildCPUPipeline(OpPassManager &pm, const CPUPipelineOptions &options);

/// Options of `kf-gpu-pipeline`.
struct GPUPipelineOptions : public PassPipelineOptions<GPUPipelineOptions> {
  PassOptions::Option<std::string> chip{
      *this, "chip", llvm::cl::desc("GPU architecture, e.g. sm_80, sm_90"),
      llvm::cl::init("sm_90")};
  PassOptions::Option<std::string> features{
      *this, "features", llvm::cl::desc("PTX features, e.g. +ptx80"),
      llvm::cl::init("+ptx80")};
  PassOptions::Option<std::string> format{
      *this, "format",
      llvm::cl::desc("Device code format: isa (PTX), bin (cubin) or fatbin"),
      llvm::cl::init("isa")};
  PassOptions::Option<int64_t> reductionBlockSize{
      *this, "reduction-block-size",
      llvm::cl::desc("Threads per block of a row reduction"),
      llvm::cl::init(256)};
  PassOptions::Option<int64_t> threadsPerBlock{
      *this, "threads-per-block",
      llvm::cl::desc("Threads per block of other kernels, along their "
                     "innermost dimension"),
      llvm::cl::init(256)};
  PassOptions::Option<bool> contractionKernels{
      *this, "contraction-kernels",
      llvm::cl::desc("Matrix products as tiled kernels (workgroup-memory "
                     "k-tiles; mat-vec kernels for one row); off: one "
                     "output per thread"),
      llvm::cl::init(true)};
  PassOptions::Option<bool> fusedAttention{
      *this, "fused-attention",
      llvm::cl::desc("Attention as one fused kernel (online softmax over "
                     "key tiles in workgroup memory); off: QK^T, softmax "
                     "and PV kernels"),
      llvm::cl::init(true)};
  PassOptions::Option<bool> fusedNorms{
      *this, "fused-norms",
      llvm::cl::desc("Layer and RMS norm as one kernel each (a block per "
                     "row); off: statistics and normalisation kernels"),
      llvm::cl::init(true)};
  PassOptions::Option<bool> hostLowering{
      *this, "host-lowering",
      llvm::cl::desc("Also lower the host code to the LLVM dialect"),
      llvm::cl::init(true)};
};

/// kf (or linalg on tensors) -> gpu.launch kernels -> NVVM -> PTX/cubin:
/// row reductions as one block per row (gpu.all_reduce: warp shuffles and
/// workgroup memory), matrix products as tiled kernels staging k-tiles in
/// workgroup memory (mat-vec kernels at one row), other loops tiled onto
/// blocks and threads, buffers
/// allocated on the device. Attention lowers decomposed.
void buildGPUPipeline(OpPassManager &pm, const GPUPipelineOptions &options);

/// The GPU pipeline's kernels run on the CPU, for checking them without a
/// GPU: the same stages up to gpu.launch, then convert-gpu-launch-to-loops
/// and the CPU pipeline's lowering to the LLVM dialect.
void buildGPUEmulatorPipeline(OpPassManager &pm,
                              const GPUPipelineOptions &options);

/// Registers `kf-cpu-pipeline` and `kf-gpu-pipeline`.
void registerKernelForgePipelines();

} // namespace mlir::kf

#endif // KERNELFORGE_PIPELINES_PIPELINES_H
