//===- ToolOptions.cpp - Command lines of the KernelForge tools -----------===//

#include "kernelforge/Support/ToolOptions.h"

#include "kernelforge/Target/CPUTargetModel.h"
#include "kernelforge/Version.h"

#include "llvm/Config/llvm-config.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/WithColor.h"

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

/// The running tool's name, for its error messages.
static std::string &toolName() {
  static std::string name = "kernelforge";
  return name;
}

void kf::fail(const llvm::Twine &message) {
  llvm::WithColor::error(llvm::errs(), toolName()) << message << "\n";
  std::exit(1);
}

std::string kf::pathIn(llvm::StringRef dir, llvm::StringRef name) {
  llvm::SmallString<128> path(dir);
  llvm::sys::path::append(path, name);
  return std::string(path);
}

void kf::parseToolOptions(int argc, char **argv, llvm::StringRef overview) {
  if (argc > 0)
    toolName() = llvm::sys::path::filename(argv[0]).str();
  hideForeignOptions();
  addVersionPrinter();
  llvm::cl::ParseCommandLineOptions(argc, argv, overview);
}
