//===- NormsToGPU.h - kf norms -> one GPU kernel each -----------*- C++ -*-===//

#ifndef KERNELFORGE_CONVERSION_NORMSTOGPU_H
#define KERNELFORGE_CONVERSION_NORMSTOGPU_H

#include "mlir/IR/PatternMatch.h"

namespace mlir::kf {

/// kf.layer_norm and kf.rms_norm on static f32 tensors -> one gpu.launch
/// each (a block per row, block reductions for the statistics), built on the
/// tensors' buffers. Other norms do not match and are left to the linalg
/// lowering.
void populateNormsToGPUPatterns(RewritePatternSet &patterns);

} // namespace mlir::kf

#endif // KERNELFORGE_CONVERSION_NORMSTOGPU_H
