//===- IntegerBlockDots.cpp - i8 block dot products in integer pairs ------===//
//
// A row against i8 blocks stored [n, k] (the tied head, `nn.Linear` layouts)
// keeps a vector of partial sums per output row, one lane per column of a
// block, and dequantises every weight on the way:
//
//   acc = fma(x[c], sitofp(q[c]) * s, acc)     c: the N columns of step t
//
// Each weight costs a widening shuffle, a conversion and a multiply-add. The
// lanes are only ever added together afterwards (kf-tile-and-vectorize marks
// such loops `kf.lane_sums`), so each step's products may be summed in any
// lanes. Here the row x is quantised once, before the loops that share it:
// step t's N values to 16-bit integers with one scale,
//
//   xs[t] = max |x[c]| / 32767,   xq[t, c] = round(x[c] / xs[t]),
//
// and the step becomes products of 16-bit integers summed in pairs into N / 2
// 32-bit lanes (plain vector IR that LLVM selects as x86's vpmovsxbw and
// vpmaddwd: two instructions per 16 or 32 weights), converted once and
// scaled once:
//
//   acc2 = fma(sitofp(sum_pairs(q * xq[t])), broadcast(s * xs[t]), acc2)
//
// where s * xs[t], for all of an output row's steps, is filled into a small
// buffer by vector operations before the loop, and acc2 rotates through
// enough accumulators to keep four registers of multiply-adds in flight
// (one chain would wait on the previous step's). After the loop the
// accumulators are added into the first N / 2 lanes of the old sum.
// The quantised row has a relative error of at most 2^-16 of its step's
// largest value, next to the 2^-8 of the i8 weights; the integer sums are
// exact (|q * xq| < 2^22).
//
//===----------------------------------------------------------------------===//

#include "kernelforge/Target/CPUTargetModel.h"
#include "kernelforge/Transforms/Contractions.h"
#include "kernelforge/Codegen/CPU/Passes.h"

#include "Loops.h"
#include "Prefetch.h"
#include "RowHoisting.h"
#include "RowIterArgs.h"
#include "Views.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/OpenMP/OpenMPDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "llvm/ADT/Sequence.h"

#include <algorithm>

namespace mlir::kf {
#define GEN_PASS_DEF_INTEGERBLOCKDOTSPASS
#include "kernelforge/Codegen/CPU/Passes.h.inc"
} // namespace mlir::kf

using namespace mlir;

using kf::bufferBlock;
using kf::definedOutside;
using kf::hoistPoint;
using kf::mayWrite;

namespace {

/// The scalar every lane of `v` holds, with whether it is still to be
/// extended to f32 (`v` = arith.extf of the splat); null when `v` is not
/// visibly a splat.
std::pair<Value, bool> splatSource(Value v) {
  bool extend = false;
  if (auto ext = v.getDefiningOp<arith::ExtFOp>()) {
    v = ext.getIn();
    extend = true;
  }
  if (auto broadcast = v.getDefiningOp<vector::BroadcastOp>())
    if (!isa<VectorType>(broadcast.getSourceType()))
      return {broadcast.getSource(), extend};
  if (auto elements = v.getDefiningOp<vector::FromElementsOp>()) {
    ValueRange all = elements.getElements();
    if (!all.empty() && llvm::all_equal(all))
      return {all.front(), extend};
  }
  return {Value(), false};
}

/// What a matched iter_arg sums: fma(x, sitofp(q) * splat(s), acc).
struct BlockDot {
  unsigned index;
  vector::FMAOp fma;
  vector::LoadOp row;      // x[c], vector<N x f32>
  arith::MulFOp scaled;    // sitofp(q) * splat(s)
  arith::SIToFPOp widen;   // sitofp(q), q a vector<N x i8>
  Value scale;             // s
  bool extendScale;        // s is f16 / bf16
};

/// Whether a read of `base` at `indices` walks the last dimension with
/// `loop`'s induction variable, everything else defined outside the loop.
bool readsAlongInductionVar(Value base, ValueRange indices, scf::ForOp loop) {
  return !indices.empty() && indices.back() == loop.getInductionVar() &&
         definedOutside(base, loop) &&
         llvm::all_of(indices.drop_back(),
                      [&](Value i) { return definedOutside(i, loop); });
}

/// The number of `loop`'s step whose induction variable is `iv`:
/// (iv - lower bound) / step.
Value stepNumber(OpBuilder &b, Location loc, scf::ForOp loop, Value iv) {
  return arith::DivUIOp::create(
      b, loc, arith::SubIOp::create(b, loc, iv, loop.getLowerBound()),
      loop.getStep());
}

/// Iter_arg `index` of `loop` when it is such a sum of vector<N x f32>, N
/// even, whose row is read at indices that are the loop's induction variable
/// or defined outside it.
std::optional<BlockDot> matchBlockDot(scf::ForOp loop, unsigned index) {
  BlockArgument acc = loop.getRegionIterArg(index);
  auto type = dyn_cast<VectorType>(acc.getType());
  if (!type || type.getRank() != 1 || type.isScalable() ||
      !type.getElementType().isF32() || type.getNumElements() % 2 != 0)
    return std::nullopt;
  auto yield = cast<scf::YieldOp>(loop.getBody()->getTerminator());
  auto fma = yield.getOperand(index).getDefiningOp<vector::FMAOp>();
  if (!fma || fma.getAcc() != acc || !acc.hasOneUse() || !fma->hasOneUse())
    return std::nullopt;
  for (unsigned side = 0; side < 2; ++side) {
    auto row = fma->getOperand(side).getDefiningOp<vector::LoadOp>();
    auto scaled = fma->getOperand(1 - side).getDefiningOp<arith::MulFOp>();
    // The weight's block (`scaled`, `widen`) may be shared by several rows'
    // sums (a few rows' register tile): each is rewritten, and the block
    // goes once none reads it.
    if (!row || !scaled || !row->hasOneUse() || row.getVectorType() != type ||
        row->getBlock() != loop.getBody())
      continue;
    if (!llvm::all_of(row.getIndices(), [&](Value i) {
          return i == loop.getInductionVar() || definedOutside(i, loop);
        }) ||
        !definedOutside(row.getBase(), loop))
      continue;
    for (unsigned operand = 0; operand < 2; ++operand) {
      auto widen = scaled->getOperand(operand).getDefiningOp<arith::SIToFPOp>();
      if (!widen)
        continue;
      auto bytes = dyn_cast<VectorType>(widen.getIn().getType());
      if (!bytes || !bytes.getElementType().isInteger(8))
        continue;
      auto [scale, extend] = splatSource(scaled->getOperand(1 - operand));
      if (!scale || !isa<FloatType>(scale.getType()) ||
          (!extend && !scale.getType().isF32()))
        continue;
      return BlockDot{index, fma, row, scaled, widen, scale, extend};
    }
  }
  return std::nullopt;
}

/// The quantised rows of `dot` (`loop`'s steps): [steps, N] i16 values and
/// [steps] f32 scales, filled before `point`. Null when the loop's bounds
/// are not constants.
std::optional<std::pair<Value, Value>>
quantizeRow(scf::ForOp loop, BlockDot dot, Operation *point) {
  std::optional<int64_t> lb = getConstantIntValue(loop.getLowerBound()),
                         ub = getConstantIntValue(loop.getUpperBound()),
                         step = getConstantIntValue(loop.getStep());
  if (!lb || !ub || !step || *step <= 0 || *ub <= *lb)
    return std::nullopt;
  int64_t steps = (*ub - *lb + *step - 1) / *step;
  auto rowType = dot.row.getVectorType();
  int64_t n = rowType.getNumElements();
  Location loc = dot.row.getLoc();
  OpBuilder b(point->getContext());
  b.setInsertionPointToStart(bufferBlock(point));
  auto levelsType = MemRefType::get({steps, n}, b.getI16Type());
  auto scalesType = MemRefType::get({steps}, b.getF32Type());
  Value levels = memref::AllocaOp::create(b, loc, levelsType,
                                          b.getI64IntegerAttr(64));
  Value scales = memref::AllocaOp::create(b, loc, scalesType);

  b.setInsertionPoint(point);
  auto quantize = scf::ForOp::create(b, loc, loop.getLowerBound(),
                                     loop.getUpperBound(), loop.getStep());
  b.setInsertionPoint(quantize.getBody()->getTerminator());
  Value iv = quantize.getInductionVar();
  IRMapping map;
  map.map(loop.getInductionVar(), iv);
  Value x = b.clone(*dot.row, map)->getResult(0);
  Value t = stepNumber(b, loc, loop, iv);
  auto [q, scale] = kf::quantizeToI16(b, loc, x);
  Value c0 = arith::ConstantIndexOp::create(b, loc, 0);
  vector::StoreOp::create(b, loc, q, levels, ValueRange{t, c0});
  memref::StoreOp::create(b, loc, scale, scales, ValueRange{t});
  return std::make_pair(levels, scales);
}

/// Each step's whole scale, the weight's times the row's, as a [steps] f32
/// buffer that vector operations fill just before `loop`, rather than a
/// load, a conversion and a multiply per step inside it: where the weight's
/// scale is read (a scalar, or a one-element vector's element) at indices
/// defined outside the loop but for the last, the induction variable, which
/// steps by one along a contiguous dimension. Null otherwise.
Value stepScales(scf::ForOp loop, BlockDot dot, Value rowScales) {
  Value scale = dot.scale;
  if (auto element = scale.getDefiningOp<vector::ExtractOp>()) {
    auto one = dyn_cast<VectorType>(element.getSource().getType());
    if (!one || one.getNumElements() != 1)
      return Value();
    scale = element.getSource();
  }
  Value memref;
  ValueRange indices;
  if (auto load = scale.getDefiningOp<vector::LoadOp>()) {
    memref = load.getBase();
    indices = load.getIndices();
  } else if (auto load = scale.getDefiningOp<memref::LoadOp>()) {
    memref = load.getMemRef();
    indices = load.getIndices();
  } else {
    return Value();
  }
  auto memrefType = cast<MemRefType>(memref.getType());
  std::optional<int64_t> lb = getConstantIntValue(loop.getLowerBound()),
                         step = getConstantIntValue(loop.getStep());
  if (!readsAlongInductionVar(memref, indices, loop) || !lb || step != 1 ||
      !memrefType.isLastDimUnitStride() ||
      mayWrite(loop, kf::rootBuffer(memref)))
    return Value();

  auto type = cast<MemRefType>(rowScales.getType());
  int64_t steps = type.getDimSize(0);
  Location loc = dot.fma.getLoc();
  OpBuilder b(loop->getContext());
  // The loop's prefetches of later rows' scales, one per step, become one
  // per cache line before it.
  int64_t lineSteps = std::max<int64_t>(
      1, kf::kCacheLineBytes * 8 /
             std::max<int64_t>(8, memrefType.getElementTypeBitWidth()));
  for (auto prefetch : llvm::make_early_inc_range(
           loop.getBody()->getOps<memref::PrefetchOp>())) {
    if (kf::rootBuffer(prefetch.getMemref()) != kf::rootBuffer(memref) ||
        !readsAlongInductionVar(prefetch.getMemref(), prefetch.getIndices(),
                                loop))
      continue;
    b.setInsertionPoint(loop);
    SmallVector<int64_t> firsts;
    for (int64_t j = 0; j < steps; j += lineSteps)
      firsts.push_back(*lb + j);
    firsts.push_back(*lb + steps - 1);
    for (int64_t first : firsts) {
      IRMapping map;
      map.map(loop.getInductionVar(),
              arith::ConstantIndexOp::create(b, loc, first).getResult());
      b.clone(*prefetch, map);
    }
    prefetch->erase();
  }
  // One per thread: the loops around `loop` may be a parallel region's.
  b.setInsertionPointToStart(bufferBlock(loop));
  Value scales = memref::AllocaOp::create(b, loc, type);
  b.setInsertionPoint(loop);
  SmallVector<Value> first(indices.drop_back());
  first.push_back(loop.getLowerBound());
  Value weight = vector::LoadOp::create(
      b, loc, VectorType::get({steps}, memrefType.getElementType()), memref,
      first);
  auto f32s = VectorType::get({steps}, b.getF32Type());
  if (!memrefType.getElementType().isF32())
    weight = arith::ExtFOp::create(b, loc, f32s, weight);
  Value c0 = arith::ConstantIndexOp::create(b, loc, 0);
  Value row = vector::LoadOp::create(b, loc, f32s, rowScales, ValueRange{c0});
  vector::StoreOp::create(b, loc, arith::MulFOp::create(b, loc, weight, row),
                          scales, ValueRange{c0});
  return scales;
}

/// Rewrites `loop`'s matched sums into integer pair sums, each over
/// `chains` rotating accumulators: step t adds into the one step t - chains
/// left, so that consecutive steps' multiply-adds do not wait on each other.
void rewriteLoop(scf::ForOp loop, ArrayRef<BlockDot> dots,
                 ArrayRef<std::pair<Value, Value>> rows, unsigned chains) {
  SmallVector<Value> combined;
  for (auto [dot, row] : llvm::zip(dots, rows))
    combined.push_back(stepScales(loop, dot, row.second));
  OpBuilder b(loop);
  Location loc = loop.getLoc();
  SmallVector<Value> inits;
  for (BlockDot dot : dots) {
    int64_t n = dot.row.getVectorType().getNumElements();
    auto half = VectorType::get({n / 2}, b.getF32Type());
    Value zero = arith::ConstantOp::create(b, loc, b.getZeroAttr(half));
    inits.append(chains, zero);
  }
  // The lane-sum mark carries over.
  auto newLoop = kf::moveIntoLoopWithInits(b, loop, inits);
  Block *body = newLoop.getBody();
  auto yield = cast<scf::YieldOp>(body->getTerminator());
  SmallVector<Value> yielded(yield.getOperands());

  unsigned firstNew = loop.getNumRegionIterArgs();
  for (auto [i, match] : llvm::enumerate(dots)) {
    BlockDot dot = match;
    auto [levels, scales] = rows[i];
    b.setInsertionPoint(dot.fma);
    Location at = dot.fma.getLoc();
    int64_t n = dot.row.getVectorType().getNumElements();
    auto wide = VectorType::get({n}, b.getI32Type());
    auto pairs = VectorType::get({n / 2}, b.getI32Type());
    auto half = VectorType::get({n / 2}, b.getF32Type());
    Value iv = newLoop.getInductionVar();
    Value t = stepNumber(b, at, newLoop, iv);
    Value c0 = arith::ConstantIndexOp::create(b, at, 0);
    Value xq = vector::LoadOp::create(
        b, at, VectorType::get({n}, b.getI16Type()), levels, ValueRange{t, c0});
    Value products = arith::MulIOp::create(
        b, at, arith::ExtSIOp::create(b, at, wide, dot.widen.getIn()),
        arith::ExtSIOp::create(b, at, wide, xq));
    SmallVector<int64_t> even, odd;
    for (int64_t p = 0; p < n / 2; ++p) {
      even.push_back(2 * p);
      odd.push_back(2 * p + 1);
    }
    Value sums = arith::AddIOp::create(
        b, at, vector::ShuffleOp::create(b, at, products, products, even),
        vector::ShuffleOp::create(b, at, products, products, odd));
    assert(cast<VectorType>(sums.getType()) == pairs);
    (void)pairs;
    Value both;
    if (combined[i]) {
      both = memref::LoadOp::create(b, at, combined[i], ValueRange{t});
    } else {
      Value scale = dot.scale;
      if (dot.extendScale)
        scale = arith::ExtFOp::create(b, at, b.getF32Type(), scale);
      both = arith::MulFOp::create(b, at, scale,
                                   memref::LoadOp::create(b, at, scales,
                                                          ValueRange{t}));
    }
    // Accumulators first + 1 .. first + chains - 1 move down one; the
    // oldest takes this step's products and goes last.
    unsigned first = 1 + firstNew + i * chains;
    for (unsigned c = 1; c < chains; ++c)
      yielded.push_back(body->getArgument(first + c));
    yielded.push_back(vector::FMAOp::create(
        b, at, arith::SIToFPOp::create(b, at, half, sums),
        vector::BroadcastOp::create(b, at, half, both),
        body->getArgument(first)));
    // The old sum keeps its start.
    yielded[dot.index] = body->getArgument(1 + dot.index);
  }
  b.setInsertionPoint(yield);
  scf::YieldOp::create(b, yield.getLoc(), yielded);
  yield->erase();
  for (BlockDot dot : dots) {
    dot.fma->erase();
    dot.row->erase();
  }
  // What only the old sums read (the widened, scaled blocks, the splat
  // scales, their loads).
  for (Operation &op : llvm::make_early_inc_range(llvm::reverse(*body)))
    if (isOpTriviallyDead(&op))
      op.erase();

  // After the loop: the pair sums go into the first half of the old lanes.
  b.setInsertionPointAfter(newLoop);
  for (auto [i, dot] : llvm::enumerate(dots)) {
    auto type = cast<VectorType>(loop.getResult(dot.index).getType());
    Value zeros = arith::ConstantOp::create(b, loc, b.getZeroAttr(type));
    Value partial = newLoop.getResult(firstNew + i * chains);
    for (unsigned c = 1; c < chains; ++c)
      partial = arith::AddFOp::create(
          b, loc, partial, newLoop.getResult(firstNew + i * chains + c));
    Value spread = vector::InsertStridedSliceOp::create(
        b, loc, partial, zeros,
        ArrayRef<int64_t>{0}, ArrayRef<int64_t>{1});
    Value total = arith::AddFOp::create(
        b, loc, newLoop.getResult(dot.index), spread);
    loop.getResult(dot.index).replaceAllUsesWith(total);
  }
  kf::replaceLoop(loop, newLoop);
}

/// Independent multiply-add chains that keep x86's two FMA pipes busy
/// through a 4-cycle latency.
constexpr int64_t kChainRegisters = 4;

struct IntegerBlockDotsPass
    : kf::impl::IntegerBlockDotsPassBase<IntegerBlockDotsPass> {
  void runOnOperation() override {
    // x86: the pair sums become pmaddwd (vpdpwssd with VNNI).
    std::optional<int64_t> bits = kf::x86VectorBits(getOperation());
    if (!bits)
      return;
    SmallVector<scf::ForOp> loops;
    getOperation()->walk([&](scf::ForOp loop) {
      if (loop->hasAttr(kf::kLaneSumsAttrName))
        loops.push_back(loop);
    });
    for (scf::ForOp &loop : loops)
      loop = kf::splitRows(loop);
    for (scf::ForOp loop : loops) {
      SmallVector<BlockDot> dots;
      SmallVector<std::pair<Value, Value>> rows;
      for (unsigned i = 0, e = loop.getNumRegionIterArgs(); i < e; ++i) {
        std::optional<BlockDot> dot = matchBlockDot(loop, i);
        // The row is quantised before the loop: the loop must not write it.
        if (!dot || mayWrite(loop, kf::rootBuffer(dot->row.getBase())))
          continue;
        SmallVector<Value> invariant = {dot->row.getBase(),
                                        loop.getLowerBound(),
                                        loop.getUpperBound(), loop.getStep()};
        for (Value index : dot->row.getIndices())
          if (index != loop.getInductionVar())
            invariant.push_back(index);
        Operation *point =
            hoistPoint(loop, invariant, kf::rootBuffer(dot->row.getBase()));
        std::optional<std::pair<Value, Value>> row =
            quantizeRow(loop, *dot, point);
        if (!row)
          continue;
        dots.push_back(*dot);
        rows.push_back(*row);
      }
      if (dots.empty())
        continue;
      // Rotating accumulators for at least kChainRegisters registers in
      // all (a few rows' sums are chains of their own), no more than the
      // loop has steps.
      int64_t halfBits = dots.front().row.getVectorType().getNumElements() / 2 * 32;
      int64_t registers = std::max<int64_t>(1, halfBits / *bits) *
                          static_cast<int64_t>(dots.size());
      std::optional<APInt> trip = loop.getStaticTripCount();
      int64_t steps = trip ? trip->getSExtValue() : 1;
      unsigned chains = std::clamp<int64_t>(kChainRegisters / registers, 1, steps);
      rewriteLoop(loop, dots, rows, chains);
    }
  }
};

} // namespace
