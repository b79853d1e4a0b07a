//===- Passes.h - KernelForge conversion passes -----------------*- C++ -*-===//

#ifndef KERNELFORGE_CONVERSION_PASSES_H
#define KERNELFORGE_CONVERSION_PASSES_H

#include "kernelforge/Conversion/LinalgReductionsToParallel/LinalgReductionsToParallel.h"
#include "kernelforge/Conversion/TransformerToLinalg/TransformerToLinalg.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlow.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir::kf {

#define GEN_PASS_DECL
#include "kernelforge/Conversion/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "kernelforge/Conversion/Passes.h.inc"

} // namespace mlir::kf

#endif // KERNELFORGE_CONVERSION_PASSES_H
