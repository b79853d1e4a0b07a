//===- ModelStats.h - parameter and FLOP counts of kf graphs ----*- C++ -*-===//

#ifndef KERNELFORGE_DIALECT_TRANSFORMER_ANALYSIS_MODELSTATS_H
#define KERNELFORGE_DIALECT_TRANSFORMER_ANALYSIS_MODELSTATS_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/SymbolTable.h"

#include <map>
#include <string>
#include <vector>

namespace mlir::kf {

/// Cost of one kind of kf op in a model function.
struct OpKindStats {
  /// How many times the op runs (ops in callees count once per call).
  int64_t count = 0;
  /// Floating-point operations of its contractions: 2 per multiply-add of
  /// linear, matmul and attention (dense: causal masking is not subtracted).
  int64_t flops = 0;
  /// Bytes of the tensors it produces: the traffic of an unfused execution.
  int64_t resultBytes = 0;
};

/// A checkpoint tensor a model function is bound to (a `kf.param` argument).
struct ParamInfo {
  std::string name;
  RankedTensorType type;
};

/// Parameters, FLOPs and intermediate tensors of a model function.
struct ModelStats {
  std::vector<ParamInfo> params;
  int64_t numParameters = 0;
  int64_t parameterBytes = 0;
  /// Keyed by op name, so that printing is sorted and stable.
  std::map<std::string, OpKindStats> ops;

  int64_t totalFlops() const;
};

/// Counts the kf ops reachable from `fn` (following `func.call` into functions
/// of `symbols`). Fails with an error at the offending op for dynamic shapes
/// (FLOPs would be unknown) and for recursive calls.
FailureOr<ModelStats> computeModelStats(func::FuncOp fn,
                                        SymbolTableCollection &symbols);

} // namespace mlir::kf

#endif // KERNELFORGE_DIALECT_TRANSFORMER_ANALYSIS_MODELSTATS_H
