//===- kf-consumer-opt.cpp - An out-of-tree tool using KernelForge --------===//
//
// mlir-opt with the builtin dialects, the kf dialect and KernelForge's
// passes and pipelines, built against an installed KernelForge:
//
//   kf-consumer-opt model.mlir --kf-cpu-pipeline
//
//===----------------------------------------------------------------------===//

#include "kernelforge/Dialect/Transformer/IR/TransformerDialect.h"
#include "kernelforge/Dialect/Transformer/Transforms/Passes.h"
#include "kernelforge/Pipelines/Pipelines.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::kf::registerTransformerPasses();
  mlir::kf::registerKernelForgePipelines();
  mlir::DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  registry.insert<mlir::kf::TransformerDialect>();
  return mlir::asMainReturnCode(mlir::MlirOptMain(
      argc, argv, "An out-of-tree tool with the kf dialect\n", registry));
}
