//===- kernelforge-opt.cpp - mlir-opt with the KernelForge dialects -------===//
//
// Every upstream dialect, extension and pass (so upstream passes can be mixed
// with ours in a pipeline), plus the kf dialect and the KernelForge passes.
//
//===----------------------------------------------------------------------===//

#include "kernelforge/Codegen/CPU/Passes.h"
#include "kernelforge/Codegen/GPU/Passes.h"
#include "kernelforge/Conversion/Passes.h"
#include "kernelforge/Dialect/Transformer/IR/TransformerDialect.h"
#include "kernelforge/Dialect/Transformer/Transforms/Passes.h"
#include "kernelforge/Pipelines/Pipelines.h"
#include "kernelforge/Support/ToolOptions.h"
#include "kernelforge/Transforms/Passes.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::kf::addVersionPrinter();
  // LLVM's code generation options are not this tool's: --help lists the
  // passes and mlir-opt's options (--help-hidden still has LLVM's).
  mlir::kf::hideForeignOptions();
  mlir::registerAllPasses();
  mlir::kf::registerTransformerPasses();
  mlir::kf::registerKernelForgeConversionPasses();
  mlir::kf::registerKernelForgeTransformsPasses();
  mlir::kf::registerKernelForgeCPUCodegenPasses();
  mlir::kf::registerKernelForgeGPUCodegenPasses();
  mlir::kf::registerKernelForgePipelines();

  mlir::DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  registry.insert<mlir::kf::TransformerDialect>();
  // gpu-module-to-binary translates device code to LLVM IR in-process.
  mlir::registerAllToLLVMIRTranslations(registry);

  return mlir::asMainReturnCode(mlir::MlirOptMain(
      argc, argv, "KernelForge optimizer driver\n", registry));
}
