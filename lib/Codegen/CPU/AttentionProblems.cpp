//===- AttentionProblems.cpp - Fused attention as a tuning problem --------===//

#include "kernelforge/Codegen/CPU/AttentionProblems.h"

#include "llvm/Support/raw_ostream.h"

using namespace mlir;

std::string mlir::kf::describeAttentionProblem(AttentionOp op) {
  std::string text;
  llvm::raw_string_ostream os(text);
  auto shape = [&](StringRef name, Value v) {
    auto type = cast<RankedTensorType>(v.getType());
    os << name;
    llvm::interleave(type.getShape(), os, "x");
    os << "x" << type.getElementType();
  };
  shape("q", op.getQuery());
  shape(";k", op.getKey());
  shape(";v", op.getValue());
  if (op.getCausal())
    os << ";causal";
  if (op.getQueryOffset())
    os << ";offset";
  if (Value mask = op.getMask())
    shape(";mask", mask);
  if (std::optional<uint64_t> window = op.getWindow())
    os << ";window=" << *window;
  if (op.getSoftcap())
    os << ";softcap";
  return text;
}

int64_t mlir::kf::representativeQueryOffset(AttentionOp op) {
  auto query = cast<RankedTensorType>(op.getQuery().getType());
  auto key = cast<RankedTensorType>(op.getKey().getType());
  if (query.getDimSize(2) > 1)
    return 0;
  return key.getDimSize(2) / 2;
}
