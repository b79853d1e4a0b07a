//===- GPUPipeline.cpp - kf -> GPU kernels -> NVVM -> PTX -----------------===//

#include "PipelineStages.h"

#include "kernelforge/Codegen/GPU/Passes.h"
#include "kernelforge/Conversion/Passes.h"
#include "kernelforge/Pipelines/Pipelines.h"
#include "kernelforge/Transforms/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/Pipelines/Passes.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/SCF/Transforms/Passes.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;
using namespace mlir::kf;

/// Steps 1-3, shared with the emulator: kernels as gpu.launch regions,
/// temporaries on the device.
static void addKernelStages(OpPassManager &pm,
                            const GPUPipelineOptions &options,
                            bool inlineCalls) {
  // 1. Attention and norms as one fused kernel each (their state in
  // workgroup memory and registers), then the rest of kf -> linalg on tensors;
  // attention the kernel does not take is decomposed.
  if (options.fusedAttention)
    pm.addNestedPass<func::FuncOp>(createConvertAttentionToGPUPass());
  if (options.fusedNorms)
    pm.addNestedPass<func::FuncOp>(createConvertNormsToGPUPass());
  kf::detail::addLowerToLinalg(pm, /*decomposeAttention=*/true);

  // 2. Buffers, results as out-parameters. For the GPU, one host function
  // per entry point (the blocks inlined): its temporaries can then be freed
  // after their last use, and nothing makes the host wait between layers.
  kf::detail::addBufferizeToOutParams(pm);
  if (inlineCalls)
    pm.addPass(createInlinerPass());

  // 3. Kernels: row reductions to one block per row; everything else to
  // tiled parallel loops mapped onto blocks and threads.
  pm.addNestedPass<func::FuncOp>(createLowerStridedCopiesPass());
  // Ops with no parallel loop (on rank-0 buffers, a vector's argmax) get
  // one of one iteration: no loads on the host.
  pm.addNestedPass<func::FuncOp>(createUnitParallelLoopPass());
  // Row statistics become block reductions; matrix products become tiled
  // kernels of their own (or, with contraction-kernels=0, loops with one
  // output per thread and the k loop inside).
  ConvertLinalgReductionsToParallelPassOptions rowReductions;
  rowReductions.skipContractions = true;
  pm.addNestedPass<func::FuncOp>(
      createConvertLinalgReductionsToParallelPass(rowReductions));
  ConvertParallelReductionsToGPUPassOptions reductions;
  reductions.blockSize = options.reductionBlockSize;
  pm.addNestedPass<func::FuncOp>(
      createConvertParallelReductionsToGPUPass(reductions));
  if (options.contractionKernels)
    pm.addNestedPass<func::FuncOp>(createConvertContractionsToGPUPass());
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToParallelLoopsPass());
  // Adjacent independent loops over the same space share a kernel (the new
  // K and V rows, written into the cache).
  pm.addNestedPass<func::FuncOp>(createParallelLoopFusionPass());
  pm.addNestedPass<func::FuncOp>(createDropKernelAssertsPass());
  TileLoopsForGPUPassOptions tiling;
  tiling.threads = options.threadsPerBlock;
  pm.addNestedPass<func::FuncOp>(createTileLoopsForGPUPass(tiling));
  pm.addNestedPass<func::FuncOp>(createGpuMapParallelLoopsPass());
  pm.addNestedPass<func::FuncOp>(createConvertParallelLoopToGpuPass());
  pm.addNestedPass<func::FuncOp>(createDeviceBuffersPass());
}

void mlir::kf::buildGPUPipeline(OpPassManager &pm,
                                const GPUPipelineOptions &options) {
  addKernelStages(pm, options, /*inlineCalls=*/true);
  // Argument checks first: nothing then stops the launches from queueing
  // back to back, and the host waits once, at the end. Identical kernels (a
  // block's, once per layer) are compiled once, all in one module.
  pm.addNestedPass<func::FuncOp>(createHoistHostAssertsPass());
  // Constants go into the kernels (immediates, not parameters).
  pm.addPass(createGpuLaunchSinkIndexComputationsPass());
  pm.addPass(createGpuKernelOutliningPass());
  pm.addPass(createMergeGPUModulesPass());
  // Launches, allocations and copies become asynchronous operations chained
  // on one stream (the host waits only where it must).
  pm.addNestedPass<func::FuncOp>(createGpuAsyncRegionPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createCanonicalizerPass());

  // 4. NVVM and PTX / cubin (libdevice and ptxas from CUDA_HOME).
  gpu::GPUToNVVMPipelineOptions nvvm;
  nvvm.cubinChip = options.chip;
  nvvm.cubinFeatures = options.features;
  nvvm.cubinFormat = options.format;
  nvvm.optLevel = 3;
  if (options.hostLowering) {
    gpu::buildLowerToNVVMPassPipeline(pm, nvvm);
    return;
  }
  GpuNVVMAttachTargetOptions target;
  target.chip = options.chip;
  target.features = options.features;
  target.optLevel = 3;
  pm.addPass(createGpuNVVMAttachTarget(target));
}

void mlir::kf::buildGPUEmulatorPipeline(OpPassManager &pm,
                                        const GPUPipelineOptions &options) {
  addKernelStages(pm, options, /*inlineCalls=*/false);
  // The same kernels as CPU loops (blocks in parallel under OpenMP, threads
  // in phases between synchronisation points), then the CPU's lowering.
  pm.addNestedPass<func::FuncOp>(createConvertGPULaunchToLoopsPass());
  pm.addNestedPass<func::FuncOp>(createApproximateMathPass());
  kf::detail::addParallelLoopsToOpenMP(pm, /*threads=*/true);
  kf::detail::addLowerToLLVM(pm, /*x86Vector=*/false);
}
