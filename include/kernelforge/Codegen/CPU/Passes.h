//===- Passes.h - KernelForge CPU code generation passes --------*- C++ -*-===//

#ifndef KERNELFORGE_CODEGEN_CPU_PASSES_H
#define KERNELFORGE_CODEGEN_CPU_PASSES_H

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/X86Vector/X86VectorDialect.h"
#include "mlir/Pass/Pass.h"

namespace mlir::kf {

#define GEN_PASS_DECL
#include "kernelforge/Codegen/CPU/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "kernelforge/Codegen/CPU/Passes.h.inc"

} // namespace mlir::kf

#endif // KERNELFORGE_CODEGEN_CPU_PASSES_H
