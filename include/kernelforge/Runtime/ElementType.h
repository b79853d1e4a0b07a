//===- ElementType.h - Sizes of runtime arrays ------------------*- C++ -*-===//
//
// Element types at the runtime boundary use MLIR's names (f32, f16, bf16,
// f64, i8, u8, i32, i64, index), in entry-point signatures and .npy files alike.
//
//===----------------------------------------------------------------------===//

#ifndef KERNELFORGE_RUNTIME_ELEMENTTYPE_H
#define KERNELFORGE_RUNTIME_ELEMENTTYPE_H

#include <cstdint>
#include <string>
#include <vector>

namespace kernelforge::runtime {

/// Bytes per element of `dtype`; 0 for a name not listed above.
inline int64_t elementBytes(const std::string &dtype) {
  if (dtype == "f32" || dtype == "i32")
    return 4;
  if (dtype == "f16" || dtype == "bf16")
    return 2;
  if (dtype == "i8" || dtype == "u8")
    return 1;
  if (dtype == "f64" || dtype == "i64" || dtype == "index")
    return 8;
  return 0;
}

/// The number of elements of an array of `shape` (1 for a scalar). The
/// shape must be valid; see `checkedByteCount` for one read from a file.
inline int64_t elementCount(const std::vector<int64_t> &shape) {
  int64_t n = 1;
  for (int64_t size : shape)
    n *= size;
  return n;
}

/// The bytes of an array of `shape` with `elementBytes`-byte elements, for a
/// shape read from a file: -1 when a dimension is negative or a product on
/// the way exceeds what an int64_t holds.
inline int64_t checkedByteCount(const std::vector<int64_t> &shape,
                                int64_t elementBytes) {
  int64_t bytes = elementBytes;
  for (int64_t size : shape)
    if (size < 0 || __builtin_mul_overflow(bytes, size, &bytes))
      return -1;
  return bytes;
}

} // namespace kernelforge::runtime

#endif // KERNELFORGE_RUNTIME_ELEMENTTYPE_H
