//===- kf-parser.cpp - Fuzz parsing and verifying kf programs ------------===//
//
// Any bytes as MLIR text with the kf dialect (and func, arith, tensor):
// parsed and verified as kernelforge-opt does, every op's verifier and
// result type inference (instrumented: compiled into the target) run on
// whatever parses. A program either verifies or gets diagnostics; nothing
// may crash. Programs that verify are printed and parsed again: the
// round trip must verify too.

#include "UpstreamCrashes.h"

#include "kernelforge/Dialect/Transformer/IR/TransformerDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"

#include "llvm/Support/raw_ostream.h"

#include <cstdlib>

using namespace mlir;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static DialectRegistry registry = [] {
    DialectRegistry r;
    r.insert<kf::TransformerDialect, func::FuncDialect, arith::ArithDialect,
             tensor::TensorDialect>();
    return r;
  }();
  // A context serves 256 inputs: making one (its dialects loaded) costs more
  // than parsing a small program, and what it keeps (uniqued types and
  // attributes) stays bounded.
  static std::unique_ptr<MLIRContext> shared;
  static int uses = 0;
  if (!shared || ++uses == 256) {
    shared = std::make_unique<MLIRContext>(registry,
                                           MLIRContext::Threading::DISABLED);
    shared->loadAllAvailableDialects();
    uses = 0;
  }
  MLIRContext &context = *shared;
  // Diagnostics are expected; they go nowhere.
  ScopedDiagnosticHandler quiet(&context, [](Diagnostic &) { return success(); });
  // MLIR's lexer stops at the terminating NUL that files read through
  // MemoryBuffer have: give the bytes one, as kernelforge-opt's input has.
  std::string text(reinterpret_cast<const char *>(data), size);
  if (kernelforge::fuzz::crashesMLIRParser(text))
    return 0;
  OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(text, &context);
  if (!module || failed(verify(*module)))
    return 0;
  std::string printed;
  llvm::raw_string_ostream os(printed);
  module->print(os);
  OwningOpRef<ModuleOp> again = parseSourceString<ModuleOp>(printed, &context);
  if (!again || failed(verify(*again)))
    std::abort();
  return 0;
}
