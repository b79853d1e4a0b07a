//===- GraphBuilder.h - What every model family's graph builder uses -*- C++ -*-===//
//
// The pieces the LLaMA and ViT builders share: a builder with f32 and
// weight-matrix tensor types, name locations, a parameter list entry, the
// storage types a family's matrices may have, and errors.
//
//===----------------------------------------------------------------------===//

#ifndef KERNELFORGE_MODELS_GRAPHBUILDER_H
#define KERNELFORGE_MODELS_GRAPHBUILDER_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"

#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/Error.h"

#include <string>
#include <utility>

namespace kernelforge::models {

/// A `kf.param` argument: its checkpoint name and type.
using Param = std::pair<std::string, mlir::Type>;

/// Input features per f16 scale of an int8 matrix (llama.cpp's Q8_0
/// block).
inline constexpr int64_t kQuantBlock = 32;

/// The f16 block scales of an int8 matrix of `shape`: one per kQuantBlock
/// values along dimension `blockDim`, the one its products reduce over
/// (the input features: rows of GPT-2's Conv1D weights, columns of
/// `nn.Linear`'s and of a tied head's table).
inline mlir::RankedTensorType blockScalesType(mlir::Builder &b,
                                              llvm::ArrayRef<int64_t> shape,
                                              unsigned blockDim) {
  llvm::SmallVector<int64_t> scales(shape);
  scales[blockDim] /= kQuantBlock;
  return mlir::RankedTensorType::get(scales, b.getF16Type());
}

struct GraphBuilderBase {
  GraphBuilderBase(mlir::MLIRContext *context, mlir::Type weightType)
      : b(context), weightType(weightType) {}

  mlir::RankedTensorType f32(llvm::ArrayRef<int64_t> shape) {
    return mlir::RankedTensorType::get(shape, b.getF32Type());
  }
  /// A weight matrix [out, in] in the storage type.
  mlir::RankedTensorType matrix(int64_t out, int64_t in) {
    return mlir::RankedTensorType::get({out, in}, weightType);
  }
  /// A location named after the checkpoint's module path.
  mlir::Location at(const llvm::Twine &name) {
    return mlir::NameLoc::get(b.getStringAttr(name));
  }

  mlir::OpBuilder b;
  mlir::Type weightType;
};

inline llvm::Error graphError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 message.str());
}

/// The 16- or 32-bit float type `name` (f32, f16, bf16) names; null for
/// any other name.
inline mlir::Type floatTypeNamed(mlir::MLIRContext *context,
                                 llvm::StringRef name) {
  mlir::Builder types(context);
  return llvm::StringSwitch<mlir::Type>(name)
      .Case("f32", types.getF32Type())
      .Case("f16", types.getF16Type())
      .Case("bf16", types.getBF16Type())
      .Default(mlir::Type());
}

/// The 16- or 32-bit float type `name` (f32, f16, bf16) names, or an error
/// naming the family.
inline llvm::Expected<mlir::Type> floatStorageType(mlir::MLIRContext *context,
                                                   llvm::StringRef name,
                                                   llvm::StringRef family) {
  mlir::Type type = floatTypeNamed(context, name);
  if (!type)
    return graphError("weights in '" + name + "' are not supported for " +
                      family + " (f32, f16 or bf16)");
  return type;
}

} // namespace kernelforge::models

#endif // KERNELFORGE_MODELS_GRAPHBUILDER_H
