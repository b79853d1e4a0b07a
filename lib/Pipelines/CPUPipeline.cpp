//===- CPUPipeline.cpp - kf -> vectorized, OpenMP-parallel LLVM dialect ---===//

#include "PipelineStages.h"

#include "kernelforge/Codegen/CPU/Passes.h"
#include "kernelforge/Conversion/Passes.h"
#include "kernelforge/Pipelines/Pipelines.h"
#include "kernelforge/Transforms/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/SCF/Transforms/Passes.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/Triple.h"

using namespace mlir;

bool mlir::kf::parseCPUStage(StringRef name, CPUStage &stage) {
  std::optional<CPUStage> parsed =
      llvm::StringSwitch<std::optional<CPUStage>>(name)
          .Case("linalg", CPUStage::Linalg)
          .Case("vector", CPUStage::Vector)
          .Case("bufferized", CPUStage::Bufferized)
          .Case("loops", CPUStage::Loops)
          .Case("llvm", CPUStage::LLVM)
          .Default(std::nullopt);
  if (!parsed)
    return false;
  stage = *parsed;
  return true;
}

using mlir::kf::detail::addCleanup;

void mlir::kf::buildCPUPipeline(OpPassManager &pm,
                                const CPUPipelineOptions &options) {
  CPUStage stop = CPUStage::LLVM;
  // An unknown stage was rejected when the options were parsed by the
  // driver; from the textual pipeline it runs everything.
  (void)parseCPUStage(options.stopAfter, stop);

  // 0. The target and the schedule it calls for, recorded on the module
  // (every tile size below reads it from there).
  CPUTargetPassOptions target;
  target.triple = options.targetTriple;
  target.cpu = options.targetCPU;
  target.features = options.targetFeatures;
  target.vectorWidth = options.vectorWidth;
  target.registerRows = options.registerRows;
  target.registerCols = options.registerCols;
  target.kTile = options.kTile;
  target.threadTile = options.threadTile;
  target.packWeights = options.packWeights;
  target.columnsOuter = options.columnsOuter;
  target.splitReduction = options.splitReduction;
  pm.addPass(createCPUTargetPass(target));

  // 1. kf -> linalg on tensors; fused attention with its measured tiles
  // (kernelforge-tune), which shape the loops the lowering builds.
  ApplyTuningPassOptions tuning;
  tuning.cache = options.tuningCache;
  tuning.bf16Products = options.bf16Products;
  if (options.vectorize)
    pm.addPass(createApplyTuningPass(tuning));
  detail::addLowerToLinalg(pm, options.decomposeAttention);
  if (stop == CPUStage::Linalg)
    return;

  // 2. Thread / register tiles and vectors, still on tensors; measured
  // schedules (kernelforge-tune) first.
  if (options.vectorize) {
    pm.addPass(createApplyTuningPass(tuning));
    TileAndVectorizePassOptions tiling;
    tiling.threads = options.threads;
    tiling.bf16Products = options.bf16Products;
    pm.addNestedPass<func::FuncOp>(createTileAndVectorizePass(tiling));
    addCleanup(pm);
  }
  if (stop == CPUStage::Vector)
    return;

  // 3. Buffers, results as out-parameters; temporaries are freed.
  detail::addBufferizeToOutParams(pm);
  bufferization::BufferDeallocationPipelineOptions dealloc;
  bufferization::buildBufferDeallocationPipeline(pm, dealloc);
  pm.addPass(createConvertBufferizationToMemRefPass());
  if (stop == CPUStage::Bufferized)
    return;

  // 4. Loops: what was not vectorized becomes parallel loops (reductions as
  // scf.parallel + scf.reduce); vectors and math are lowered; OpenMP takes
  // the outermost parallel level and inner parallel loops run sequentially.
  pm.addNestedPass<func::FuncOp>(createLowerStridedCopiesPass());
  pm.addNestedPass<func::FuncOp>(createConvertLinalgReductionsToParallelPass());
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToParallelLoopsPass());
  pm.addNestedPass<func::FuncOp>(createLowerVectorOpsPass());
  pm.addNestedPass<func::FuncOp>(createApproximateMathPass());
  VectorTransferToSCFOptions vectorToSCF;
  vectorToSCF.enableFullUnroll();
  pm.addNestedPass<func::FuncOp>(createConvertVectorToSCFPass(vectorToSCF));
  // Decode attention's scores: each tile's keys' lanes summed by one tree.
  pm.addNestedPass<func::FuncOp>(createRowSumTreesPass());
  pm.addNestedPass<func::FuncOp>(createFactorBlockScalesPass());
  pm.addNestedPass<func::FuncOp>(createWidenBytesByWordsPass());
  PrefetchStridedReadsPassOptions prefetch;
  prefetch.distance = options.prefetchDistance;
  pm.addNestedPass<func::FuncOp>(createPrefetchStridedReadsPass(prefetch));
  pm.addNestedPass<func::FuncOp>(createPrefetchNextKeyTilePass());
  // Packed panels written by the first row tile that reads them.
  pm.addNestedPass<func::FuncOp>(createFusePanelCopiesPass());
  detail::addParallelLoopsToOpenMP(pm, options.threads,
                                   options.minParallelWork);
  // After the cleanup there: rows against i8 [n, k] blocks in integer
  // pairs, the row quantised once outside the parallel region.
  pm.addNestedPass<func::FuncOp>(createIntegerBlockDotsPass());
  // And on AVX2, rows against i8 [k, n] blocks in 16-bit row pairs.
  pm.addNestedPass<func::FuncOp>(createIntegerRowPairsPass());
  // Temporaries freed inside loops: a stack slot per thread, not a malloc
  // per iteration.
  pm.addNestedPass<func::FuncOp>(createStackTemporariesPass());
  if (stop == CPUStage::Loops)
    return;

  // 5. LLVM dialect.
  std::string triple = options.targetTriple.empty()
                           ? llvm::sys::getDefaultTargetTriple()
                           : std::string(options.targetTriple);
  // Temporaries from the runtime's allocator when it loads the library.
  detail::addLowerToLLVM(pm,
                         options.x86Vector && llvm::Triple(triple).isX86(),
                         /*allocatorHook=*/true);
}

void mlir::kf::registerKernelForgePipelines() {
  PassPipelineRegistration<CPUPipelineOptions>(
      "kf-cpu-pipeline",
      "kf or linalg on tensors to the LLVM dialect: tiled, vectorized, "
      "OpenMP-parallel CPU code",
      buildCPUPipeline);
  PassPipelineRegistration<GPUPipelineOptions>(
      "kf-gpu-pipeline",
      "kf or linalg on tensors to GPU kernels lowered through NVVM to PTX "
      "(or cubin), with a host side that launches them",
      buildGPUPipeline);
  PassPipelineRegistration<GPUPipelineOptions>(
      "kf-gpu-emulator-pipeline",
      "kf-gpu-pipeline's kernels run as CPU loops (thread phases between "
      "barriers and shuffles) and lowered to the LLVM dialect: checks GPU "
      "kernels where there is no GPU",
      buildGPUEmulatorPipeline);
}
