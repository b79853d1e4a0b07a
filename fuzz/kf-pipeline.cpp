//===- kf-pipeline.cpp - Fuzz the CPU pipeline on kf programs -------------===//
//
// Any bytes as MLIR text with the kf dialect (and func, arith, tensor): what
// parses and verifies goes through kf-cpu-pipeline to the LLVM dialect, as
// kernelforge-compile does before code generation. The pipeline either
// succeeds, with a module that verifies, or fails with an error diagnostic;
// a crash, a sanitizer report or a silent failure is a bug. The compiler is
// instrumented for coverage (the sanitizer build with
// LLVM_USE_SANITIZE_COVERAGE), so inputs that reach new lowering code are
// kept.

#include "UpstreamCrashes.h"

#include "kernelforge/Dialect/Transformer/IR/TransformerDialect.h"
#include "kernelforge/Pipelines/Pipelines.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"

#include <cstdlib>

using namespace mlir;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  // Programs far larger than a test's only slow the search down.
  if (size > 8192)
    return 0;
  static DialectRegistry registry = [] {
    DialectRegistry r;
    registerAllDialects(r);
    registerAllExtensions(r);
    r.insert<kf::TransformerDialect>();
    return r;
  }();
  // A context and the pipeline built in it serve 256 inputs: making them
  // costs more than most inputs (which do not parse), and what a context
  // keeps (uniqued types and attributes) stays bounded.
  static std::unique_ptr<MLIRContext> shared;
  static std::unique_ptr<PassManager> pipeline;
  static int uses = 0;
  if (!shared || ++uses == 256) {
    pipeline.reset();
    shared = std::make_unique<MLIRContext>(registry,
                                           MLIRContext::Threading::DISABLED);
    shared->getOrLoadDialect<kf::TransformerDialect>();
    shared->getOrLoadDialect<func::FuncDialect>();
    shared->getOrLoadDialect<arith::ArithDialect>();
    shared->getOrLoadDialect<tensor::TensorDialect>();
    pipeline = std::make_unique<PassManager>(shared.get());
    kf::buildCPUPipeline(*pipeline, kf::CPUPipelineOptions());
    uses = 0;
  }
  MLIRContext &context = *shared;
  bool error = false;
  ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diagnostic) {
    error |= diagnostic.getSeverity() == DiagnosticSeverity::Error;
    return success();
  });
  std::string text(reinterpret_cast<const char *>(data), size);
  if (kernelforge::fuzz::crashesMLIRParser(text))
    return 0;
  OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(text, &context);
  if (!module || failed(verify(*module)))
    return 0;
  // Only the dialects a kf program is written in: the pipeline's own
  // intermediate ops are not input.
  bool foreign = false;
  module->walk([&](Operation *op) {
    StringRef ns = op->getDialect() ? op->getDialect()->getNamespace() : "";
    if (!llvm::is_contained({"kf", "func", "arith", "tensor", "builtin"}, ns))
      foreign = true;
  });
  if (foreign)
    return 0;
  error = false;
  if (failed(pipeline->run(*module))) {
    if (!error)
      std::abort(); // failed without saying why
    return 0;
  }
  if (failed(verify(*module)))
    std::abort();
  return 0;
}
