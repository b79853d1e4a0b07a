//===- TransformerDialect.h - KernelForge transformer dialect ---*- C++ -*-===//

#ifndef KERNELFORGE_DIALECT_TRANSFORMER_IR_TRANSFORMERDIALECT_H
#define KERNELFORGE_DIALECT_TRANSFORMER_IR_TRANSFORMERDIALECT_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Dialect.h"

#include "kernelforge/Dialect/Transformer/IR/TransformerOpsDialect.h.inc"

#endif // KERNELFORGE_DIALECT_TRANSFORMER_IR_TRANSFORMERDIALECT_H
