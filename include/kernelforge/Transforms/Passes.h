//===- Passes.h - Passes both KernelForge pipelines share ------*- C++ -*-===//

#ifndef KERNELFORGE_TRANSFORMS_PASSES_H
#define KERNELFORGE_TRANSFORMS_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir::kf {

#define GEN_PASS_DECL
#include "kernelforge/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "kernelforge/Transforms/Passes.h.inc"

} // namespace mlir::kf

#endif // KERNELFORGE_TRANSFORMS_PASSES_H
