//===- Views.h - The buffer a memref view reads, its layout ------*- C++
//-*-===//
//
// Private to the CPU code generation passes.
//
//===----------------------------------------------------------------------===//

#ifndef KERNELFORGE_LIB_TRANSFORMS_VIEWS_H
#define KERNELFORGE_LIB_TRANSFORMS_VIEWS_H

#include "mlir/IR/BuiltinTypes.h"
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

/// Whether `memref`'s innermost dimension is contiguous.
inline bool innermostContiguous(Value memref) {
  auto type = cast<MemRefType>(memref.getType());
  SmallVector<int64_t> strides;
  int64_t offset;
  return succeeded(type.getStridesAndOffset(strides, offset)) &&
         !strides.empty() && strides.back() == 1;
}

} // namespace mlir::kf

#endif // KERNELFORGE_LIB_TRANSFORMS_VIEWS_H
