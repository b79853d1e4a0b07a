//===- CudaToolkit.h - Finding a usable CUDA toolkit ------------*- C++ -*-===//
//
// GPU code compiles without a GPU, but assembling PTX into cubin needs the
// CUDA toolkit's ptxas (and linking math calls needs its libdevice). A
// toolkit counts only when its ptxas runs: a wrapper script or symlink left
// where the toolkit itself is gone does not.
//
//===----------------------------------------------------------------------===//

#ifndef KERNELFORGE_DRIVER_CUDATOOLKIT_H
#define KERNELFORGE_DRIVER_CUDATOOLKIT_H

#include "llvm/ADT/StringRef.h"

#include <optional>
#include <string>

namespace mlir::kf {

/// The root of a usable CUDA toolkit (`bin/ptxas` runs, `nvvm/libdevice`
/// exists), looked for in $CUDA_ROOT, $CUDA_HOME, $CUDA_PATH, then
/// `configuredHome`, then beside the ptxas found on PATH. Computed once.
std::optional<std::string> findCudaToolkit(llvm::StringRef configuredHome);

/// Points the NVVM serializer (which reads $CUDA_ROOT, $CUDA_HOME and
/// $CUDA_PATH) at `home`, or, with none, unsets those variables so that a
/// stale one cannot send it to a missing directory.
void useCudaToolkit(const std::optional<std::string> &home);

} // namespace mlir::kf

#endif // KERNELFORGE_DRIVER_CUDATOOLKIT_H
