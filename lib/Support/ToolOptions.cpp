//===- ToolOptions.cpp - Command lines of the KernelForge tools -----------===//

#include "kernelforge/Support/ToolOptions.h"

#include "kernelforge/Target/CPUTargetModel.h"
#include "kernelforge/Version.h"

#include "llvm/Config/llvm-config.h"
#include "llvm/Support/Process.h"

using namespace mlir;

llvm::cl::OptionCategory &kf::toolOptionCategory() {
  static llvm::cl::OptionCategory category("KernelForge options");
  return category;
}

void kf::printVersion(llvm::raw_ostream &os) {
  CPUTargetModel host = CPUTargetModel::host();
  os << "KernelForge " << KF_VERSION_STRING << "\n"
     << "  built with LLVM/MLIR " << LLVM_VERSION_STRING << "\n"
     << "  default target: " << host.triple << ", CPU " << host.cpu << " ("
     << host.vectorBits << "-bit vectors, " << host.vectorRegisters
     << " vector registers, " << host.cores << " cores)\n";
}

void kf::addVersionPrinter() {
  llvm::cl::SetVersionPrinter(
      [](llvm::raw_ostream &os) { printVersion(os); });
}

void kf::hideForeignOptions() {
  // Hidden, not ReallyHidden as cl::HideUnrelatedOptions makes them: LLVM's
  // options stay listed by --help-hidden.
  llvm::cl::OptionCategory &own = toolOptionCategory();
  for (auto &entry : llvm::cl::getRegisteredOptions()) {
    llvm::cl::Option *option = entry.second;
    bool generic = option->ArgStr == "help" || option->ArgStr == "help-list" ||
                   option->ArgStr == "version";
    if (!generic && !llvm::is_contained(option->Categories, &own) &&
        option->getOptionHiddenFlag() == llvm::cl::NotHidden)
      option->setHiddenFlag(llvm::cl::Hidden);
  }
}

void kf::parseToolOptions(int argc, char **argv, llvm::StringRef overview) {
  hideForeignOptions();
  addVersionPrinter();
  llvm::cl::ParseCommandLineOptions(argc, argv, overview);
}
