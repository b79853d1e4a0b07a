//===- JSONNumbers.h - Integers from JSON, without overflow -----*- C++ -*-===//
//
// llvm::json::Value::getAsInteger converts a double equal to 2^63 (what
// 9223372036854775807.1 parses to) to int64_t, which is undefined behaviour
// (found by fuzz/config under UBSan). Every integer read from a file a user
// gives goes through `jsonInteger` instead.
//
//===----------------------------------------------------------------------===//

#ifndef KERNELFORGE_SUPPORT_JSONNUMBERS_H
#define KERNELFORGE_SUPPORT_JSONNUMBERS_H

#include "llvm/Support/JSON.h"

#include <optional>

namespace mlir::kf {

/// The value as an int64_t: an integer, or a double with no fractional part
/// that an int64_t holds; nothing otherwise.
inline std::optional<int64_t> jsonInteger(const llvm::json::Value &value) {
  // Integers (signed or not) are range-checked by LLVM without converting.
  if (value.getAsUINT64())
    return value.getAsInteger();
  std::optional<double> number = value.getAsNumber();
  if (!number || !(*number >= -0x1p63 && *number < 0x1p63))
    return std::nullopt;
  return value.getAsInteger();
}

/// `object[key]` as an int64_t (see above); nothing when absent.
inline std::optional<int64_t> jsonInteger(const llvm::json::Object &object,
                                          llvm::StringRef key) {
  const llvm::json::Value *value = object.get(key);
  return value ? jsonInteger(*value) : std::nullopt;
}

} // namespace mlir::kf

#endif // KERNELFORGE_SUPPORT_JSONNUMBERS_H
