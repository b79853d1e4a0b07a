//===- WidenBytesByWords.cpp - i8 rows widened four bytes per 32-bit lane -===//
//
// A row against i8 weights stored [k, n] sums, in a loop over weight rows,
//
//   p = fma(broadcast(x[j]), sitofp(q[j, n0 : n0 + N]), p)
//
// and x86 widens each 16 bytes with a sign-extending shuffle
// (vpmovsxbd) before the conversion: on AVX-512 the shuffle port, not
// memory, then bounds the loop (measured on a 2-core Zen 5: 45 GB/s of
// weights per core in cache against 61 GB/s without it). Here the row is
// read as 32-bit words instead, and byte b of every word is moved to the
// word's top by a shift and a mask:
//
//   t_b = (w << (24 - 8 b)) & 0xFF000000 = q[4 l + b] * 2^24 (two's complement)
//
// whose conversion to float is exact. The loop keeps one partial sum per
// byte position; after it, the sums are shuffled back into column order and
// multiplied by 2^-24. Every lane adds the same products in the same order,
// scaled by a power of two, so the result is the same to the bit (short of
// overflow beyond 2^103 or subnormal products).
//
//===----------------------------------------------------------------------===//

#include "Loops.h"

#include "kernelforge/Target/CPUTargetModel.h"
#include "kernelforge/Codegen/CPU/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Matchers.h"

#include "llvm/ADT/Sequence.h"

namespace mlir::kf {
#define GEN_PASS_DEF_WIDENBYTESBYWORDSPASS
#include "kernelforge/Codegen/CPU/Passes.h.inc"
} // namespace mlir::kf

using namespace mlir;

namespace {

/// Bytes per 32-bit word.
constexpr int64_t kBytes = 4;

/// What a matched iter_arg sums: fma(broadcast(scalar), sitofp(bytes), acc).
struct ByteRowSum {
  unsigned index;
  vector::FMAOp fma;
  arith::SIToFPOp widen;
  vector::BroadcastOp broadcast;
};

/// Iter_arg `index` of `loop` when it is such a sum from zero of vector<N x
/// f32>, N a multiple of 4 * `lanes`, used by nothing else.
std::optional<ByteRowSum> matchByteRowSum(scf::ForOp loop, unsigned index,
                                          int64_t lanes) {
  vector::FMAOp fma = kf::zeroStartedFmaSum(loop, index);
  if (!fma ||
      cast<VectorType>(fma.getType()).getNumElements() % (kBytes * lanes) != 0)
    return std::nullopt;
  for (unsigned side = 0; side < 2; ++side) {
    auto widen = fma->getOperand(side).getDefiningOp<arith::SIToFPOp>();
    auto broadcast =
        fma->getOperand(1 - side).getDefiningOp<vector::BroadcastOp>();
    if (!widen || !broadcast || !widen->hasOneUse() ||
        isa<VectorType>(broadcast.getSourceType()))
      continue;
    auto bytes = dyn_cast<VectorType>(widen.getIn().getType());
    if (bytes && bytes.getElementType().isInteger(8))
      return ByteRowSum{index, fma, widen, broadcast};
  }
  return std::nullopt;
}

/// Rewrites `loop` to carry four sums by byte position for every matched
/// iter_arg.
void widenByWords(scf::ForOp loop, ArrayRef<ByteRowSum> sums) {
  OpBuilder b(loop);
  Location loc = loop.getLoc();
  // The new iter_args: each matched sum's four word-lane sums, appended.
  SmallVector<Value> inits;
  for (const ByteRowSum &sum : sums) {
    auto type = cast<VectorType>(loop.getRegionIterArg(sum.index).getType());
    auto quarter = VectorType::get({type.getNumElements() / kBytes},
                                   b.getF32Type());
    Value zero = arith::ConstantOp::create(b, loc, b.getZeroAttr(quarter));
    inits.append(kBytes, zero);
  }
  // Marks for later passes (the strided reads' prefetch) carry over.
  auto newLoop = kf::moveIntoLoopWithInits(b, loop, inits);
  Block *body = newLoop.getBody();
  auto yield = cast<scf::YieldOp>(body->getTerminator());
  SmallVector<Value> yielded(yield.getOperands());

  unsigned firstNew = loop.getNumRegionIterArgs();
  for (auto [n, match] : llvm::enumerate(sums)) {
    ByteRowSum sum = match;
    b.setInsertionPoint(sum.fma);
    Location at = sum.fma.getLoc();
    auto bytes = cast<VectorType>(sum.widen.getIn().getType());
    int64_t words = bytes.getNumElements() / kBytes;
    auto wordType = VectorType::get({words}, b.getI32Type());
    auto floatType = VectorType::get({words}, b.getF32Type());
    Value row = vector::BitCastOp::create(b, at, wordType, sum.widen.getIn());
    Value x = vector::BroadcastOp::create(b, at, floatType,
                                          sum.broadcast.getSource());
    // Constants before the loop.
    OpBuilder outside(newLoop);
    auto splat = [&](int32_t value) {
      return arith::ConstantOp::create(
          outside, at,
          DenseElementsAttr::get(wordType, outside.getI32IntegerAttr(value)));
    };
    Value top = splat(int32_t(0xFF000000u));
    for (int64_t byte = 0; byte < kBytes; ++byte) {
      Value t = row;
      if (byte != kBytes - 1)
        t = arith::ShLIOp::create(b, at, t, splat(8 * (kBytes - 1 - byte)));
      if (byte != 0)
        t = arith::AndIOp::create(b, at, t, top);
      Value widened = arith::SIToFPOp::create(b, at, floatType, t);
      unsigned arg = firstNew + kBytes * n + byte;
      yielded.push_back(vector::FMAOp::create(b, at, x, widened,
                                              body->getArgument(1 + arg)));
    }
    // The old sum is dead: the loop yields its zero init instead.
    yielded[sum.index] = body->getArgument(1 + sum.index);
  }
  b.setInsertionPoint(yield);
  scf::YieldOp::create(b, yield.getLoc(), yielded);
  yield->erase();
  for (ByteRowSum sum : sums) {
    sum.fma->erase();
    sum.widen->erase();
    if (sum.broadcast->use_empty())
      sum.broadcast->erase();
  }

  // After the loop: column c = 4 l + byte sits in lane l of sum `byte`.
  b.setInsertionPointAfter(newLoop);
  for (auto [n, sum] : llvm::enumerate(sums)) {
    auto type = cast<VectorType>(loop.getResult(sum.index).getType());
    int64_t columns = type.getNumElements(), words = columns / kBytes;
    ValueRange parts = newLoop.getResults().slice(firstNew + kBytes * n,
                                                  kBytes);
    // Sums 0 and 1 joined, 2 and 3 joined, then the columns picked.
    auto joined = llvm::to_vector(llvm::seq<int64_t>(0, 2 * words));
    Value low = vector::ShuffleOp::create(b, loc, parts[0], parts[1], joined);
    Value high = vector::ShuffleOp::create(b, loc, parts[2], parts[3], joined);
    SmallVector<int64_t> order;
    for (int64_t c = 0; c < columns; ++c)
      order.push_back((c % kBytes) * words + c / kBytes);
    Value ordered = vector::ShuffleOp::create(b, loc, low, high, order);
    Value unscale = arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(type, b.getF32FloatAttr(0x1.0p-24f)));
    Value result = arith::MulFOp::create(b, loc, ordered, unscale);
    loop.getResult(sum.index).replaceAllUsesWith(result);
  }
  kf::replaceLoop(loop, newLoop);
}

/// Whether the module's target (kf-cpu-target's record) is x86 with
/// 512-bit vectors, where the rewrite was measured to pay; its float lanes.
std::optional<int64_t> wordLanes(Operation *op) {
  std::optional<int64_t> bits = kf::x86VectorBits(op);
  if (!bits || *bits < 512)
    return std::nullopt;
  return *bits / 32;
}

struct WidenBytesByWordsPass
    : kf::impl::WidenBytesByWordsPassBase<WidenBytesByWordsPass> {
  void runOnOperation() override {
    std::optional<int64_t> lanes = wordLanes(getOperation());
    if (!lanes)
      return;
    SmallVector<scf::ForOp> loops;
    getOperation()->walk([&](scf::ForOp loop) { loops.push_back(loop); });
    for (scf::ForOp loop : loops) {
      SmallVector<ByteRowSum> sums;
      for (unsigned i = 0, e = loop.getNumRegionIterArgs(); i < e; ++i)
        if (std::optional<ByteRowSum> sum = matchByteRowSum(loop, i, *lanes))
          sums.push_back(*sum);
      if (!sums.empty())
        widenByWords(loop, sums);
    }
  }
};

} // namespace
