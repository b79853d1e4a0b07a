//===- PipelineStages.cpp - Stages both pipelines share -------------------===//

#include "PipelineStages.h"

#include "kernelforge/Conversion/Passes.h"
#include "kernelforge/Transforms/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/SCF/Transforms/Passes.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

void mlir::kf::detail::addCleanup(OpPassManager &pm) {
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
}

void mlir::kf::detail::addLowerToLinalg(OpPassManager &pm,
                                        bool decomposeAttention) {
  ConvertTransformerToLinalgPassOptions lowering;
  lowering.decomposeAttention = decomposeAttention;
  pm.addPass(createConvertTransformerToLinalgPass(lowering));
  addCleanup(pm);
}

void mlir::kf::detail::addBufferizeToOutParams(OpPassManager &pm) {
  // An op whose result is inserted into a slice writes into that slice.
  pm.addPass(createPlaceInDestinationsPass());
  // Each result its own buffer, so each can become an out-parameter (after
  // the placement above, which would write the copied value into the copy).
  pm.addNestedPass<func::FuncOp>(createCopyRepeatedResultsPass());
  bufferization::OneShotBufferizePassOptions bufferize;
  bufferize.bufferizeFunctionBoundaries = true;
  bufferize.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferize));
  pm.addPass(bufferization::createDropEquivalentBufferResultsPass());
  bufferization::BufferResultsToOutParamsPassOptions outParams;
  outParams.hoistStaticAllocs = true;
  outParams.modifyPublicFunctions = true;
  outParams.addResultAttribute = true;
  pm.addPass(bufferization::createBufferResultsToOutParamsPass(outParams));
  addCleanup(pm);
  // A slice written back where it was read from (a tile, the KV cache after
  // its update) leaves a copy of a view onto an identical view: CSE above
  // makes it a self-copy, which this folds.
  pm.addPass(createCanonicalizerPass());
}

void mlir::kf::detail::addLowerToLLVM(OpPassManager &pm, bool x86Vector,
                                      bool allocatorHook) {
  // bf16 conversions as integer operations: no compiler-rt call where the
  // target has no bf16 instructions.
  pm.addNestedPass<func::FuncOp>(createExpandBF16ConversionsPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  FinalizeMemRefToLLVMConversionPassOptions memrefToLLVM;
  memrefToLLVM.useGenericFunctions = allocatorHook;
  pm.addPass(createFinalizeMemRefToLLVMConversionPass(memrefToLLVM));
  ConvertVectorToLLVMPassOptions vectorToLLVM;
  vectorToLLVM.x86Vector = x86Vector;
  pm.addPass(createConvertVectorToLLVMPass(vectorToLLVM));
  pm.addPass(createUBToLLVMConversionPass());
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertOpenMPToLLVMPass());
  pm.addPass(createConvertControlFlowToLLVMPass());
  pm.addPass(createConvertFuncToLLVMPass());
  pm.addPass(createConvertIndexToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
  if (allocatorHook)
    pm.addPass(createAllocatorHookPass());
}

void mlir::kf::detail::addParallelLoopsToOpenMP(OpPassManager &pm,
                                                bool threads,
                                                int64_t minWork) {
  pm.addPass(createForallToParallelLoopPass());
  SerializeNestedParallelPassOptions serialize;
  serialize.minWork = threads ? minWork : 0;
  pm.addNestedPass<func::FuncOp>(createSerializeNestedParallelPass(serialize));
  if (threads)
    pm.addPass(createConvertSCFToOpenMPPass());
  addCleanup(pm);
  pm.addNestedPass<func::FuncOp>(createLoopInvariantCodeMotionPass());
}
