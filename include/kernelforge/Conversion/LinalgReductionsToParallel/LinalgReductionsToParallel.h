//===- LinalgReductionsToParallel.h - reductions -> scf.parallel -*- C++ -*-===//

#ifndef KERNELFORGE_CONVERSION_LINALGREDUCTIONSTOPARALLEL_H
#define KERNELFORGE_CONVERSION_LINALGREDUCTIONSTOPARALLEL_H

#include "mlir/IR/PatternMatch.h"

namespace mlir::kf {

/// linalg.generic reductions on buffers -> scf.parallel over the parallel
/// dimensions around an scf.parallel + scf.reduce over the reduced one.
/// With `skipContractions`, matrix products are left for other lowerings.
void populateLinalgReductionsToParallelPatterns(RewritePatternSet &patterns,
                                                bool skipContractions = false);

} // namespace mlir::kf

#endif // KERNELFORGE_CONVERSION_LINALGREDUCTIONSTOPARALLEL_H
