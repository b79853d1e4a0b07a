//===- StepRoles.h - The roles of a generation step's arguments -*- C++ -*-===//
//
// Every family's @prefill/@decode take (token ids, position, KV cache,
// parameters...): the first three carry `kf.role`, which the compiled
// library's signature keeps, so the runtime binds them by role.
//
//===----------------------------------------------------------------------===//

#ifndef KERNELFORGE_MODELS_STEPROLES_H
#define KERNELFORGE_MODELS_STEPROLES_H

#include "kernelforge/Dialect/Transformer/IR/TransformerDialect.h"
#include "kernelforge/Runtime/LibraryABI.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

namespace kernelforge::models {

/// Marks arguments 0, 1 and 2 of a generation step as its token ids,
/// position and KV cache.
inline void markGenerationStepRoles(mlir::func::FuncOp step) {
  const char *roles[] = {abi::kTokenIds, abi::kPosition, abi::kKVCache};
  for (unsigned i = 0; i < 3; ++i)
    step.setArgAttr(i, mlir::kf::TransformerDialect::getRoleAttrName(),
                    mlir::StringAttr::get(step.getContext(), roles[i]));
}

} // namespace kernelforge::models

#endif // KERNELFORGE_MODELS_STEPROLES_H
