//===- CudaToolkit.cpp - Finding a usable CUDA toolkit --------------------===//

#include "kernelforge/Driver/CudaToolkit.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"

#include <cstdlib>

using namespace llvm;

static constexpr const char *kToolkitVariables[] = {"CUDA_ROOT", "CUDA_HOME",
                                                    "CUDA_PATH"};

/// `ptxas --version` exits 0 (output discarded).
static bool ptxasRuns(StringRef ptxas) {
  if (!sys::fs::can_execute(ptxas))
    return false;
  std::optional<StringRef> quiet[] = {StringRef(), StringRef(), StringRef()};
  StringRef args[] = {ptxas, "--version"};
  return sys::ExecuteAndWait(ptxas, args, std::nullopt, quiet,
                             /*SecondsToWait=*/60) == 0;
}

static bool isUsableToolkit(StringRef home) {
  if (home.empty())
    return false;
  SmallString<256> ptxas(home), libdevice(home);
  sys::path::append(ptxas, "bin", "ptxas");
  sys::path::append(libdevice, "nvvm", "libdevice");
  return sys::fs::is_directory(libdevice) && ptxasRuns(ptxas);
}

std::optional<std::string> mlir::kf::findCudaToolkit(StringRef configuredHome) {
  static const std::optional<std::string> found =
      [&]() -> std::optional<std::string> {
    for (const char *variable : kToolkitVariables)
      if (const char *home = std::getenv(variable);
          home && isUsableToolkit(home))
        return std::string(home);
    if (isUsableToolkit(configuredHome))
      return configuredHome.str();
    // ptxas on PATH, resolved through symlinks: <home>/bin/ptxas.
    if (ErrorOr<std::string> onPath = sys::findProgramByName("ptxas")) {
      SmallString<256> real;
      if (!sys::fs::real_path(*onPath, real)) {
        StringRef home = sys::path::parent_path(sys::path::parent_path(real));
        if (isUsableToolkit(home))
          return home.str();
      }
    }
    return std::nullopt;
  }();
  return found;
}

void mlir::kf::useCudaToolkit(const std::optional<std::string> &home) {
  for (const char *variable : kToolkitVariables)
    ::unsetenv(variable);
  if (home)
    ::setenv("CUDA_HOME", home->c_str(), /*overwrite=*/1);
}
