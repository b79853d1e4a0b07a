//===- Views.h - The buffer a memref view reads ------------------*- C++ -*-===//
//
// Private to kf-lower-vector-ops and kf-fuse-panel-copies.
//
//===----------------------------------------------------------------------===//

#ifndef KERNELFORGE_LIB_TRANSFORMS_VIEWS_H
#define KERNELFORGE_LIB_TRANSFORMS_VIEWS_H

#include "mlir/IR/Value.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

namespace mlir::kf {

/// The buffer a memref view ultimately reads (through subviews, reshapes,
/// casts): two values with the same root may overlap.
inline Value rootBuffer(Value memref) {
  while (auto view = memref.getDefiningOp<ViewLikeOpInterface>())
    memref = view.getViewSource();
  return memref;
}

} // namespace mlir::kf

#endif // KERNELFORGE_LIB_TRANSFORMS_VIEWS_H
