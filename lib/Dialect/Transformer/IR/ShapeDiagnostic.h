//===- ShapeDiagnostic.h - shape helpers for kf verifiers -------*- C++ -*-===//
//
// Private helpers shared by the kf op verifiers and type inference.
//
//===----------------------------------------------------------------------===//

#ifndef KERNELFORGE_LIB_DIALECT_TRANSFORMER_IR_SHAPEDIAGNOSTIC_H
#define KERNELFORGE_LIB_DIALECT_TRANSFORMER_IR_SHAPEDIAGNOSTIC_H

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "llvm/Support/raw_ostream.h"

#include <optional>
#include <type_traits>
#include <string>

namespace mlir::kf::detail {

/// Two dimensions agree when they are equal or at least one is dynamic.
inline bool dimsCompatible(int64_t a, int64_t b) {
  return ShapedType::isDynamic(a) || ShapedType::isDynamic(b) || a == b;
}

/// The more precise of two compatible dimensions.
inline int64_t mergeDims(int64_t a, int64_t b) {
  return ShapedType::isDynamic(a) ? b : a;
}

/// An error about an op's operand shapes, written like `emitOpError` but
/// usable from `inferReturnTypes`, where the location is optional: the message
/// is emitted only when a location is known. Converts to `failure()`.
class OpShapeError {
public:
  OpShapeError(std::optional<Location> loc, StringRef opName)
      : loc(loc), os(message) {
    os << "'" << opName << "' op ";
  }
  OpShapeError(const OpShapeError &) = delete;
  OpShapeError &operator=(const OpShapeError &) = delete;

  /// Types are quoted, as `emitOpError` does.
  template <typename T>
  OpShapeError &operator<<(const T &value) {
    if constexpr (std::is_convertible_v<T, Type>)
      os << "'" << value << "'";
    else
      os << value;
    return *this;
  }

  operator LogicalResult() const {
    if (loc)
      emitError(*loc) << message;
    return failure();
  }

private:
  std::optional<Location> loc;
  std::string message;
  llvm::raw_string_ostream os;
};

} // namespace mlir::kf::detail

#endif // KERNELFORGE_LIB_DIALECT_TRANSFORMER_IR_SHAPEDIAGNOSTIC_H
