//===- ExpandBF16Conversions.cpp - bf16 <-> f32 as integer operations -----===//
//
// Without AVX512-BF16, LLVM's x86 backend lowers `fptrunc float to bfloat`
// to a call of compiler-rt's `__truncsfbf2`, which a compiled library
// cannot resolve when it is loaded (it links no compiler runtime): a bf16 KV
// cache failed to load on every AVX2 target. Upstream's bf16 expansion
// writes both conversions as integer operations instead (round to nearest
// even, NaN kept quiet; the widening a 16-bit shift), which vectorize on
// every target.
//
//===----------------------------------------------------------------------===//

#include "kernelforge/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::kf {
#define GEN_PASS_DEF_EXPANDBF16CONVERSIONSPASS
#include "kernelforge/Transforms/Passes.h.inc"
} // namespace mlir::kf

using namespace mlir;

namespace {
struct ExpandBF16ConversionsPass
    : kf::impl::ExpandBF16ConversionsPassBase<ExpandBF16ConversionsPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    arith::populateExpandBFloat16Patterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};
} // namespace
