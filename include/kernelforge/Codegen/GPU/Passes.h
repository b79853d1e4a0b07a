//===- Passes.h - KernelForge GPU code generation passes --------*- C++ -*-===//

#ifndef KERNELFORGE_CODEGEN_GPU_PASSES_H
#define KERNELFORGE_CODEGEN_GPU_PASSES_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Pass/Pass.h"

namespace mlir::kf {

#define GEN_PASS_DECL
#include "kernelforge/Codegen/GPU/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "kernelforge/Codegen/GPU/Passes.h.inc"

} // namespace mlir::kf

#endif // KERNELFORGE_CODEGEN_GPU_PASSES_H
