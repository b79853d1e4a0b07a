//===- MachineCode.h - LLVM modules to objects and libraries ----*- C++ -*-===//
//
// The back end of kernelforge-compile: a TargetMachine for the target the
// schedule was derived for, LLVM's optimisation pipeline, assembly or object
// code, and a shared library linked against the OpenMP (or CUDA) runtime.
//
//===----------------------------------------------------------------------===//

#ifndef KERNELFORGE_LIB_DRIVER_MACHINECODE_H
#define KERNELFORGE_LIB_DRIVER_MACHINECODE_H

#include "kernelforge/Driver/Compiler.h"

#include "mlir/IR/Location.h"

#include <memory>

namespace llvm {
class Module;
class TargetMachine;
class raw_pwrite_stream;
} // namespace llvm

namespace mlir::kf {

/// Writes `outputPath` ("-": stdout) with `write`; a located error if it
/// cannot be opened.
LogicalResult writeOutputFile(
    StringRef outputPath, Location loc, bool text,
    llvm::function_ref<LogicalResult(llvm::raw_pwrite_stream &)> write);

/// A TargetMachine for `triple`, `cpu` and `features` (empty: the host's,
/// resolved as kf-cpu-target resolves them) at optimisation level
/// `optLevel` (0-3), writing assembly as llc does (spills and reloads
/// commented); null after an error at `loc`.
std::unique_ptr<llvm::TargetMachine>
createTargetMachine(StringRef triple, StringRef cpu, StringRef features,
                    unsigned optLevel, Location loc);

/// LLVM's default module pipeline at `optLevel` (vectorizers from 2).
void optimizeModule(llvm::Module &module, llvm::TargetMachine &tm,
                    unsigned optLevel);

/// Writes `module` as assembly or an object file to `path`.
LogicalResult emitMachineCode(llvm::Module &module, llvm::TargetMachine &tm,
                              bool assembly, StringRef path, Location loc);

/// Links an object into a shared library with the system's clang (found
/// beside LLVM, or on PATH), against the LLVM OpenMP runtime, or for
/// `Target::CUDA` the CUDA runtime shim.
LogicalResult linkSharedLibrary(StringRef object, StringRef output,
                                Target target, Location loc);

} // namespace mlir::kf

#endif // KERNELFORGE_LIB_DRIVER_MACHINECODE_H
