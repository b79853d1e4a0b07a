//===- AttentionToGPU.h - kf.attention -> a fused GPU kernel ----*- C++ -*-===//

#ifndef KERNELFORGE_CONVERSION_ATTENTIONTOGPU_H
#define KERNELFORGE_CONVERSION_ATTENTIONTOGPU_H

#include "mlir/IR/PatternMatch.h"

namespace mlir::kf {

/// kf.attention on static f32 tensors without an explicit mask -> one fused
/// gpu.launch (online softmax over key tiles in workgroup memory; with few
/// row blocks, the keys split over blocks and a combining kernel), reading
/// the query before its heads were split and writing the output merged where
/// a kf.merge_heads is its only use. Other attention ops do not match and
/// are decomposed later.
void populateAttentionToGPUPatterns(RewritePatternSet &patterns);

} // namespace mlir::kf

#endif // KERNELFORGE_CONVERSION_ATTENTIONTOGPU_H
