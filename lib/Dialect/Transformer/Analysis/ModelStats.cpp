//===- ModelStats.cpp - parameter and FLOP counts of kf graphs ------------===//

#include "kernelforge/Dialect/Transformer/Analysis/ModelStats.h"
#include "kernelforge/Dialect/Transformer/IR/TransformerOps.h"

#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::kf;

int64_t ModelStats::totalFlops() const {
  int64_t total = 0;
  for (const auto &entry : ops)
    total += entry.second.flops;
  return total;
}

static int64_t byteSize(RankedTensorType type) {
  return type.getNumElements() *
         static_cast<int64_t>(type.getElementTypeBitWidth()) / 8;
}

/// 2 * multiply-adds of a contraction op (all shapes static).
static int64_t contractionFlops(Operation *op) {
  auto shape = [](Value v) { return cast<RankedTensorType>(v.getType()); };
  return llvm::TypeSwitch<Operation *, int64_t>(op)
      .Case<LinearOp, MatmulOp>([&](Operation *contraction) {
        // Every output element is a dot product over the last dimension of
        // the first operand (the input features, or K).
        auto input = shape(contraction->getOperand(0));
        return 2 * shape(contraction->getResult(0)).getNumElements() *
               input.getDimSize(input.getRank() - 1);
      })
      .Case([&](AttentionOp attention) {
        // Q K^T gives [B, H, Sq, Sk] dot products of length D; P V gives
        // [B, H, Sq, Dv] dot products of length Sk.
        auto q = shape(attention.getQuery());
        auto k = shape(attention.getKey());
        auto v = shape(attention.getValue());
        int64_t rows = q.getDimSize(0) * q.getDimSize(1) * q.getDimSize(2);
        int64_t keys = k.getDimSize(2);
        return 2 * rows * keys * (q.getDimSize(3) + v.getDimSize(3));
      })
      .Default([](Operation *) { return int64_t(0); });
}

namespace {
/// Accumulates op statistics over a function and its callees.
class StatsCollector {
public:
  explicit StatsCollector(SymbolTableCollection &symbols) : symbols(symbols) {}

  LogicalResult collect(func::FuncOp fn, ModelStats &stats) {
    if (!active.insert(fn).second)
      return fn.emitError("cannot count a recursive call of @")
             << fn.getSymName();
    WalkResult result = fn.walk([&](Operation *op) {
      return failed(visit(op, stats)) ? WalkResult::interrupt()
                                      : WalkResult::advance();
    });
    active.erase(fn);
    return failure(result.wasInterrupted());
  }

private:
  LogicalResult visit(Operation *op, ModelStats &stats) {
    if (auto call = dyn_cast<func::CallOp>(op)) {
      auto callee = symbols.lookupNearestSymbolFrom<func::FuncOp>(
          call, call.getCalleeAttr());
      if (!callee || callee.isExternal())
        return call.emitError("cannot count the ops of external callee @")
               << call.getCallee();
      return collect(callee, stats);
    }
    if (!isa<TransformerDialect>(op->getDialect()))
      return success();
    for (Value value : llvm::concat<Value>(op->getOperands(), op->getResults())) {
      auto tensor = dyn_cast<RankedTensorType>(value.getType());
      if (tensor && !tensor.hasStaticShape())
        return op->emitError("cannot count the cost of an op with the dynamic "
                             "shape ")
               << tensor;
    }
    OpKindStats &kind = stats.ops[op->getName().getStringRef().str()];
    ++kind.count;
    kind.flops += contractionFlops(op);
    for (Value result : op->getResults())
      kind.resultBytes += byteSize(cast<RankedTensorType>(result.getType()));
    return success();
  }

  SymbolTableCollection &symbols;
  llvm::SmallPtrSet<Operation *, 4> active;
};
} // namespace

FailureOr<ModelStats> mlir::kf::computeModelStats(func::FuncOp fn,
                                                  SymbolTableCollection &symbols) {
  ModelStats stats;
  for (unsigned i = 0, e = fn.getNumArguments(); i < e; ++i) {
    auto name = fn.getArgAttrOfType<StringAttr>(
        i, TransformerDialect::getParamAttrName());
    if (!name)
      continue;
    auto type = cast<RankedTensorType>(fn.getArgument(i).getType());
    stats.params.push_back({name.str(), type});
    stats.numParameters += type.getNumElements();
    stats.parameterBytes += byteSize(type);
  }
  if (failed(StatsCollector(symbols).collect(fn, stats)))
    return failure();
  return stats;
}
