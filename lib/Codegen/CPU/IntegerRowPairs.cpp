//===- IntegerRowPairs.cpp - i8 [k, n] block sums in 16-bit row pairs -----===//
//
// A row against i8 blocks stored [k, n] (GPT-2's Conv1D layout) sums each
// block from zero, row r of the block at a time (what kf-factor-block-scales
// leaves), widening every weight to f32:
//
//   acc = fma(broadcast(x[r]), sitofp(q[r, c]), acc)    c: N columns
//
// On AVX2 each 8 weights cost a sign-extending shuffle, a conversion and a
// multiply-add. Here the block's rows of x are quantised once, before the
// loops that share them, to 16-bit integers with one scale,
//
//   xs = max |x[r]| / 32767,   xq[r] = round(x[r] / xs),
//
// and the loop takes two rows a step: their bytes interleaved column by
// column, (q[r, c], q[r + 1, c]), multiplied by the pair (xq[r], xq[r + 1])
// and summed in adjacent pairs into N 32-bit lanes (plain vector IR that
// LLVM selects as vpunpck, vpmovsxbw and vpmaddwd), then added as integers:
// the block's sum is exact (|q * xq| < 2^22, 32 rows < 2^27) and is
// converted and scaled once after the loop, sitofp(sum) * xs. The row's
// rounding is at most 2^-16 of the block's largest value, next to the
// weights' 2^-8.
//
//===----------------------------------------------------------------------===//

#include "kernelforge/Target/CPUTargetModel.h"
#include "kernelforge/Codegen/CPU/Passes.h"

#include "Loops.h"
#include "RowHoisting.h"
#include "Views.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace mlir::kf {
#define GEN_PASS_DEF_INTEGERROWPAIRSPASS
#include "kernelforge/Codegen/CPU/Passes.h.inc"
} // namespace mlir::kf

using namespace mlir;

namespace {

/// The most rows a loop may sum in i32: 512 * 128 * 32767 would pass 2^31.
constexpr int64_t kMaxRows = 256;

/// What a matched iter_arg sums: fma(broadcast(x[r]), sitofp(q[r, c]), acc).
struct RowSum {
  unsigned index;
  vector::FMAOp fma;
  vector::BroadcastOp broadcast;
  /// x[r] and what reads it: a memref.load, or a one-element vector.load
  /// and its vector.extract.
  Operation *read;
  vector::ExtractOp element;
  arith::SIToFPOp widen;
  vector::LoadOp weight; // q[r, c], vector<N x i8>
};

/// The memref and indices `read` reads x[r] at.
std::pair<Value, ValueRange> readAddress(Operation *read) {
  if (auto load = dyn_cast<memref::LoadOp>(read))
    return {load.getMemRef(), load.getIndices()};
  auto load = cast<vector::LoadOp>(read);
  return {load.getBase(), load.getIndices()};
}

/// Whether `memref`'s last dimension is contiguous.
bool unitLastStride(Value memref) {
  auto type = cast<MemRefType>(memref.getType());
  SmallVector<int64_t> strides;
  int64_t offset;
  return type.getRank() > 0 &&
         succeeded(type.getStridesAndOffset(strides, offset)) &&
         strides.back() == 1;
}

/// Iter_arg `index` of `loop` when it is such a sum from zero: x read along
/// its contiguous last dimension at the induction variable, q at indices
/// one of which is the induction variable, everything else defined outside
/// the loop.
std::optional<RowSum> matchRowSum(scf::ForOp loop, unsigned index) {
  vector::FMAOp fma = kf::zeroStartedFmaSum(loop, index);
  if (!fma)
    return std::nullopt;
  Value iv = loop.getInductionVar();
  for (unsigned side = 0; side < 2; ++side) {
    auto broadcast = fma->getOperand(side).getDefiningOp<vector::BroadcastOp>();
    auto widen = fma->getOperand(1 - side).getDefiningOp<arith::SIToFPOp>();
    if (!broadcast || !widen || !broadcast->hasOneUse() ||
        !widen->hasOneUse() || !broadcast.getSourceType().isF32())
      continue;
    auto weight = widen.getIn().getDefiningOp<vector::LoadOp>();
    if (!weight || !weight->hasOneUse() ||
        !weight.getVectorType().getElementType().isInteger(8) ||
        !kf::definedOutside(weight.getBase(), loop) ||
        llvm::count(weight.getIndices(), iv) != 1 ||
        !llvm::all_of(weight.getIndices(), [&](Value i) {
          return i == iv || kf::definedOutside(i, loop);
        }))
      continue;
    Value scalar = broadcast.getSource();
    vector::ExtractOp element = scalar.getDefiningOp<vector::ExtractOp>();
    Operation *read =
        element ? element.getSource().getDefiningOp() : scalar.getDefiningOp();
    if (element &&
        (!element->hasOneUse() ||
         cast<VectorType>(element.getSource().getType()).getNumElements() != 1))
      continue;
    if (!read || !read->hasOneUse() ||
        !(element ? isa<vector::LoadOp>(read) : isa<memref::LoadOp>(read)))
      continue;
    auto [base, indices] = readAddress(read);
    if (indices.empty() || indices.back() != iv || !unitLastStride(base) ||
        !kf::definedOutside(base, loop) ||
        !llvm::all_of(indices.drop_back(),
                      [&](Value i) { return kf::definedOutside(i, loop); }))
      continue;
    return RowSum{index, fma, broadcast, read, element, widen, weight};
  }
  return std::nullopt;
}

/// The block's rows of x quantised before `point`: their 16-bit values in
/// pairs, one i32 per two rows, in a buffer, and their scale.
std::pair<Value, Value> quantizeRows(scf::ForOp loop, const RowSum &sum,
                                     int64_t rows, Operation *point) {
  Location loc = sum.read->getLoc();
  OpBuilder b(point->getContext());
  b.setInsertionPointToStart(kf::bufferBlock(point));
  auto pairsType = MemRefType::get({rows / 2}, b.getI32Type());
  Value pairs = memref::AllocaOp::create(b, loc, pairsType);

  b.setInsertionPoint(point);
  auto [base, indices] = readAddress(sum.read);
  SmallVector<Value> first(indices.drop_back());
  first.push_back(loop.getLowerBound());
  auto rowType = VectorType::get({rows}, b.getF32Type());
  Value x = vector::LoadOp::create(b, loc, rowType, base, first);
  auto [q, scale] = kf::quantizeToI16(b, loc, x);
  Value packed = vector::BitCastOp::create(
      b, loc, VectorType::get({rows / 2}, b.getI32Type()), q);
  Value c0 = arith::ConstantIndexOp::create(b, loc, 0);
  vector::StoreOp::create(b, loc, packed, pairs, ValueRange{c0});
  return {pairs, scale};
}

/// Rewrites `loop` (every iter_arg a matched sum, `rows` steps) into a loop
/// over row pairs with i32 sums, and each old result into the converted,
/// scaled sum.
void rewriteLoop(scf::ForOp loop, ArrayRef<RowSum> sums,
                 ArrayRef<std::pair<Value, Value>> quantized, int64_t rows) {
  OpBuilder b(loop);
  Location loc = loop.getLoc();
  SmallVector<Value> inits;
  for (RowSum sum : sums) {
    int64_t n = sum.weight.getVectorType().getNumElements();
    inits.push_back(arith::ConstantOp::create(
        b, loc, b.getZeroAttr(VectorType::get({n}, b.getI32Type()))));
  }
  Value c0 = arith::ConstantIndexOp::create(b, loc, 0);
  Value c1 = arith::ConstantIndexOp::create(b, loc, 1);
  Value c2 = arith::ConstantIndexOp::create(b, loc, 2);
  Value half = arith::ConstantIndexOp::create(b, loc, rows / 2);
  auto pairLoop = scf::ForOp::create(b, loc, c0, half, c1, inits);
  // The marks (discardable attributes) carry over.
  pairLoop->setDiscardableAttrs(loop->getDiscardableAttrDictionary());

  // What the pairs replace: per sum, the fma and what only it reads.
  llvm::SmallPtrSet<Operation *, 16> replaced;
  for (RowSum sum : sums) {
    replaced.insert({sum.fma, sum.broadcast, sum.read, sum.widen});
    if (sum.element)
      replaced.insert(sum.element);
  }
  Block *body = pairLoop.getBody();
  b.setInsertionPointToStart(body);
  Value p = pairLoop.getInductionVar();
  Value r0 = arith::AddIOp::create(b, loc, loop.getLowerBound(),
                                   arith::MulIOp::create(b, loc, p, c2));
  Value r1 = arith::AddIOp::create(b, loc, r0, c1);
  // The body's other ops (index arithmetic, prefetches, the weight loads)
  // once for each of the two rows.
  IRMapping rowMaps[2];
  Value pairRows[2] = {r0, r1};
  for (auto [map, row] : llvm::zip(rowMaps, pairRows)) {
    map.map(loop.getInductionVar(), row);
    for (Operation &op : loop.getBody()->without_terminator())
      if (!replaced.contains(&op))
        b.clone(op, map);
  }
  SmallVector<Value> yielded;
  for (auto [i, match] : llvm::enumerate(sums)) {
    RowSum sum = match;
    Location at = sum.fma.getLoc();
    int64_t n = sum.weight.getVectorType().getNumElements();
    auto wide = VectorType::get({2 * n}, b.getI32Type());
    SmallVector<int64_t> interleaved, even, odd;
    for (int64_t c = 0; c < n; ++c) {
      interleaved.append({c, n + c});
      even.push_back(2 * c);
      odd.push_back(2 * c + 1);
    }
    Value bytes = vector::ShuffleOp::create(
        b, at, rowMaps[0].lookup(sum.weight.getResult()),
        rowMaps[1].lookup(sum.weight.getResult()), interleaved);
    Value pair = memref::LoadOp::create(b, at, quantized[i].first, p);
    Value xPairs = vector::BitCastOp::create(
        b, at, VectorType::get({2 * n}, b.getI16Type()),
        vector::BroadcastOp::create(b, at, VectorType::get({n}, b.getI32Type()),
                                    pair));
    Value products =
        arith::MulIOp::create(b, at, arith::ExtSIOp::create(b, at, wide, bytes),
                              arith::ExtSIOp::create(b, at, wide, xPairs));
    Value sums2 = arith::AddIOp::create(
        b, at, vector::ShuffleOp::create(b, at, products, products, even),
        vector::ShuffleOp::create(b, at, products, products, odd));
    yielded.push_back(
        arith::AddIOp::create(b, at, body->getArgument(1 + i), sums2));
  }
  scf::YieldOp::create(b, loc, yielded);

  // After the loop: each block sum converted once and scaled by the row's
  // scale.
  b.setInsertionPointAfter(pairLoop);
  for (auto [i, match] : llvm::enumerate(sums)) {
    RowSum sum = match;
    auto type = cast<VectorType>(loop.getResult(sum.index).getType());
    Value converted =
        arith::SIToFPOp::create(b, loc, type, pairLoop.getResult(i));
    Value scaled = arith::MulFOp::create(
        b, loc, converted,
        vector::BroadcastOp::create(b, loc, type, quantized[i].second));
    loop.getResult(sum.index).replaceAllUsesWith(scaled);
  }
  loop->erase();
}

struct IntegerRowPairsPass
    : kf::impl::IntegerRowPairsPassBase<IntegerRowPairsPass> {
  void runOnOperation() override {
    // x86 with 256-bit vectors: 512-bit ones widen bytes by shifts instead
    // (kf-widen-bytes-by-words).
    std::optional<int64_t> bits = kf::x86VectorBits(getOperation());
    if (!bits || *bits != 256)
      return;
    SmallVector<scf::ForOp> loops;
    getOperation()->walk([&](scf::ForOp loop) { loops.push_back(loop); });
    for (scf::ForOp loop : loops) {
      std::optional<int64_t> lb = getConstantIntValue(loop.getLowerBound()),
                             step = getConstantIntValue(loop.getStep());
      std::optional<APInt> trip = loop.getStaticTripCount();
      if (!lb || !step || *step != 1 || !trip || trip->getSExtValue() < 2 ||
          trip->getSExtValue() % 2 != 0 || loop.getNumRegionIterArgs() == 0)
        continue;
      // Each product is below 2^22 in magnitude (128 * 32767): the i32 sum
      // of the rows' products must stay below 2^31.
      int64_t rows = trip->getSExtValue();
      if (rows > kMaxRows)
        continue;
      // Every iter_arg such a sum, and nothing else in the body that
      // writes memory (prefetches aside) or has regions.
      SmallVector<RowSum> sums;
      for (unsigned i = 0, e = loop.getNumRegionIterArgs(); i < e; ++i)
        if (std::optional<RowSum> sum = matchRowSum(loop, i))
          sums.push_back(*sum);
      if (sums.size() != loop.getNumRegionIterArgs() ||
          llvm::any_of(loop.getBody()->without_terminator(), [](Operation &op) {
            return op.getNumRegions() != 0 ||
                   (!isa<memref::PrefetchOp>(op) && !isMemoryEffectFree(&op) &&
                    !isa<vector::LoadOp, memref::LoadOp>(op));
          }))
        continue;
      // The rows are quantised before the loop: it must not write them.
      if (llvm::any_of(sums, [&](const RowSum &sum) {
            return kf::mayWrite(loop,
                                kf::rootBuffer(readAddress(sum.read).first));
          }))
        continue;
      // Sums that read the same rows (one row against several column
      // vectors) share their quantisation.
      SmallVector<std::pair<Value, Value>> quantized;
      for (auto [i, sum] : llvm::enumerate(sums)) {
        auto [base, indices] = readAddress(sum.read);
        const RowSum *earlier =
            llvm::find_if(ArrayRef(sums).take_front(i), [&](const RowSum &o) {
              auto [otherBase, otherIndices] = readAddress(o.read);
              return otherBase == base && llvm::equal(otherIndices, indices);
            });
        if (size_t j = earlier - sums.begin(); j != i) {
          quantized.push_back(quantized[j]);
          continue;
        }
        SmallVector<Value> invariant = {base, loop.getLowerBound()};
        llvm::append_range(invariant, indices.drop_back());
        quantized.push_back(quantizeRows(
            loop, sum, rows,
            kf::hoistPoint(loop, invariant, kf::rootBuffer(base))));
      }
      rewriteLoop(loop, sums, quantized, rows);
    }
  }
};

} // namespace
