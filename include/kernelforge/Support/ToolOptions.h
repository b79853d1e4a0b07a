//===- ToolOptions.h - Command lines of the KernelForge tools ---*- C++ -*-===//
//
// What every KernelForge tool does with its command line: its own options in
// one category, shown by --help without LLVM's internal ones (which
// --help-hidden still lists), and a --version naming KernelForge, the
// LLVM/MLIR it was built with and the default target.
//
//===----------------------------------------------------------------------===//

#ifndef KERNELFORGE_SUPPORT_TOOLOPTIONS_H
#define KERNELFORGE_SUPPORT_TOOLOPTIONS_H

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/raw_ostream.h"

namespace mlir::kf {

/// The category a tool puts its own options in ("<tool> options").
llvm::cl::OptionCategory &toolOptionCategory();

/// Prints the versions and the default target, as --version does.
void printVersion(llvm::raw_ostream &os);

/// Installs the --version printer: KernelForge's lines after LLVM's.
void addVersionPrinter();

/// Hides (from --help, not from --help-hidden) every option registered so
/// far outside the tool's category, but --help and --version: LLVM's
/// internal options, when called before a driver such as MlirOptMain
/// registers its own.
void hideForeignOptions();

/// Parses the command line: hides every option outside the tool's
/// category (and --help/--version), then parses; exits on errors as
/// llvm::cl does.
void parseToolOptions(int argc, char **argv, llvm::StringRef overview);

} // namespace mlir::kf

#endif // KERNELFORGE_SUPPORT_TOOLOPTIONS_H
