//===- Compiler.h - Ahead-of-time compilation of kf modules -----*- C++ -*-===//
//
// The library behind kernelforge-compile (and the tools that compile
// in-process): runs the CPU pipeline, translates to LLVM IR, optimises and
// emits code with LLVM's TargetMachine, and links a shared library.
//
//===----------------------------------------------------------------------===//

#ifndef KERNELFORGE_DRIVER_COMPILER_H
#define KERNELFORGE_DRIVER_COMPILER_H

#include "kernelforge/Pipelines/Pipelines.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"

#include <string>

namespace mlir::kf {

/// What kernelforge-compile writes.
enum class EmitKind { Linalg, LLVMMLIR, LLVMIR, Asm, Obj, Shared, PTX, Cubin };
/// Parses `linalg`, `llvm-mlir`, `llvm-ir`, `asm`, `obj`, `shared` or `ptx`.
std::optional<EmitKind> parseEmitKind(StringRef name);

/// cpu; cuda (NVVM/PTX kernels, a host side calling the CUDA runtime shim);
/// gpu-emulator (cuda's kernels run as CPU loops, for checking them without
/// a GPU: same ABI as cpu).
enum class Target { CPU, CUDA, GPUEmulator };
/// Parses `cpu`, `cuda` or `gpu-emulator`.
std::optional<Target> parseTarget(StringRef name);

struct CompileOptions {
  EmitKind emit = EmitKind::Shared;
  Target target = Target::CPU;
  /// 0-3, the LLVM optimisation level.
  unsigned optLevel = 3;
  /// Target triple, CPU and features (LLVM's names); empty: the host's.
  /// Another architecture's code can be emitted as obj or asm.
  std::string triple, cpu, features;
  CPUPipelineOptions pipeline;
  GPUPipelineOptions gpuPipeline;
};

/// Dialects and translations the compiler needs, for the tools' contexts.
void registerCompilerDialects(DialectRegistry &registry);

/// Compiles `module` (kf, or linalg on tensors) and writes `outputPath`.
/// Diagnostics go through the module's context, at the input's locations.
/// Writes `module` as MLIR text to `path` ("-": stdout); false with
/// `error` when the file cannot be written.
bool writeModuleText(ModuleOp module, StringRef path, std::string &error);

LogicalResult compileModule(ModuleOp module, const CompileOptions &options,
                            StringRef outputPath);

} // namespace mlir::kf

#endif // KERNELFORGE_DRIVER_COMPILER_H
