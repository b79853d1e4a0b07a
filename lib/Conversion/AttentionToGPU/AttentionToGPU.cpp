//===- AttentionToGPU.cpp - kf.attention as one fused GPU kernel ----------===//
//
// Flash-attention style: one warp per query row, a block of kRows warps per
// group of consecutive rows of one (batch, head). The block walks the keys in
// tiles of 32 staged in workgroup memory, only as far as the last key its
// rows may see (causal) and from the first key its rows' sliding window
// shows, and each warp keeps an online softmax: lane j scores key j of the
// tile (soft-capped when the op says so), the warp's max and sum come from
// xor shuffles,
// and the probabilities go through workgroup memory to the lanes that own
// the output features. Scores and probabilities never reach global memory.
//
// The kernel is built on buffers of the op's tensors (to_buffer / to_tensor)
// so the rest of the GPU pipeline bufferizes around it. Heads split from a
// [batch, rows, heads * dim] tensor (kf.split_heads) are read from it in
// place, and an output only merged back (kf.merge_heads) is written merged,
// so neither transposition is a kernel of its own.
//
//===----------------------------------------------------------------------===//

#include "kernelforge/Conversion/AttentionToGPU/AttentionToGPU.h"

#include "kernelforge/Conversion/GPUKernelUtils.h"
#include "kernelforge/Conversion/Passes.h"
#include "kernelforge/Dialect/Transformer/IR/TransformerOps.h"

#include "mlir/Dialect/Bufferization/IR/BufferizableOpInterface.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <cmath>
#include <limits>

namespace mlir::kf {
#define GEN_PASS_DEF_CONVERTATTENTIONTOGPUPASS
#include "kernelforge/Conversion/Passes.h.inc"
} // namespace mlir::kf

using namespace mlir;
using namespace mlir::kf;

namespace {

constexpr int64_t kWarp = kf::kWarpSize, kRows = 4;
/// Few row blocks (decode: one per head) split the keys over more blocks,
/// to reach about this many, each taking at least kMinSplitKeys keys.
constexpr int64_t kMinBlocks = 128, kMinSplitKeys = 128;

struct AttentionShape {
  int64_t batch, heads, kvHeads, queries, keys, headDim, valueDim;
  /// The query is read from, and the output written to, [batch, rows,
  /// heads * dim] buffers (else [batch, heads, rows, dim]).
  bool mergedQuery = false, mergedOutput = false;
  /// Key ranges of `splitKeys` keys (a multiple of 32) per block; partial
  /// results are combined by a second kernel when there is more than one.
  int64_t splits = 1, splitKeys = 0;
  /// The sliding window (keys older than `window` positions are hidden) and
  /// the logit soft-cap (cap * tanh(s / cap)); 0: none.
  int64_t window = 0;
  double softcap = 0;
};

/// Splits of the keys for a shape: enough blocks for a large GPU when the
/// rows alone give few, with at least kMinSplitKeys keys each.
void chooseSplits(AttentionShape &s) {
  int64_t blocks = llvm::divideCeil(s.queries, kRows) * s.heads * s.batch;
  int64_t wanted = llvm::divideCeil(kMinBlocks, blocks);
  int64_t most = std::max<int64_t>(1, s.keys / kMinSplitKeys);
  s.splits = std::clamp<int64_t>(wanted, 1, most);
  s.splitKeys = llvm::alignTo(llvm::divideCeil(s.keys, s.splits), kWarp);
  s.splits = llvm::divideCeil(s.keys, s.splitKeys);
}

/// Per split: unnormalised outputs [splits, batch, heads, rows, dim], and the
/// running max and sum [splits, batch, heads, rows].
struct Partials {
  Value acc, max, sum;
};

/// Indices of (batch, head, row, d) in a [batch, heads, rows, dim] buffer,
/// or in a [batch, rows, heads * dim] one.
SmallVector<Value> headIndices(KernelBuilder &kb, bool merged, int64_t dim,
                               Value batch, Value head, Value row, Value d) {
  if (!merged)
    return {batch, head, row, d};
  return {batch, row, kb.add(kb.mul(head, kb.idx(dim)), d)};
}

/// Why the fused kernel does not take this op (then it is decomposed).
std::optional<StringRef> unsupported(AttentionOp op) {
  auto types = {op.getQuery().getType(), op.getKey().getType(),
                op.getValue().getType()};
  for (Type type : types) {
    auto tensor = cast<RankedTensorType>(type);
    if (!tensor.hasStaticShape() || !tensor.getElementType().isF32())
      return StringRef("not static f32");
  }
  if (op.getMask())
    return StringRef("an explicit mask");
  return std::nullopt;
}

/// The kernel: reads q, k, v, writes out (all [batch, heads, rows, dim]), or
/// with split keys its partial results.
void buildKernel(OpBuilder &b, Location loc, const AttentionShape &s,
                 double scale, Value offset, Value q, Value k, Value v,
                 Value out, const Partials &partials) {
  KernelBuilder kb{b, loc};
  Type f32 = b.getF32Type();
  auto shared =
      gpu::AddressSpaceAttr::get(b.getContext(), gpu::AddressSpace::Workgroup);
  // Rows padded by one against bank conflicts where lanes walk keys.
  auto kTile = MemRefType::get({kWarp, s.headDim + 1}, f32,
                               MemRefLayoutAttrInterface(), shared);
  auto vTile = MemRefType::get({kWarp, s.valueDim}, f32,
                               MemRefLayoutAttrInterface(), shared);
  auto qRows = MemRefType::get({kRows, s.headDim}, f32,
                               MemRefLayoutAttrInterface(), shared);
  auto probs =
      MemRefType::get({kRows, kWarp}, f32, MemRefLayoutAttrInterface(), shared);
  int64_t rowBlocks = llvm::divideCeil(s.queries, kRows);
  auto launch = gpu::LaunchOp::create(
      b, loc, kb.idx(rowBlocks * s.splits), kb.idx(s.heads), kb.idx(s.batch),
      kb.idx(kWarp), kb.idx(kRows), kb.idx(1), nullptr, nullptr, {},
      {kTile, vTile, qRows, probs});
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(&launch.getBody().front());
  ValueRange tiles = launch.getWorkgroupAttributions();
  Value kS = tiles[0], vS = tiles[1], qS = tiles[2], pS = tiles[3];
  Value lane = launch.getThreadIds().x, warp = launch.getThreadIds().y;
  Value head = launch.getBlockIds().y, batch = launch.getBlockIds().z;
  Value kvHead =
      arith::DivUIOp::create(b, loc, head, kb.idx(s.heads / s.kvHeads));
  // Block x: row block x / splits, key range x % splits.
  Value split =
      arith::RemUIOp::create(b, loc, launch.getBlockIds().x, kb.idx(s.splits));
  Value rowBlock =
      arith::DivUIOp::create(b, loc, launch.getBlockIds().x, kb.idx(s.splits));
  Value firstRow = kb.mul(rowBlock, kb.idx(kRows));
  Value row = kb.add(firstRow, warp);
  Value rowValid = kb.lt(row, kb.idx(s.queries));
  Value tid = kb.add(kb.mul(warp, kb.idx(kWarp)), lane);
  Value threads = kb.idx(kWarp * kRows);
  Value zero = kb.f32(0), negInf = kb.f32(-INFINITY);

  // This warp's query row, in workgroup memory (zeros past the last row).
  Value safeRow = kb.select(rowValid, row, kb.idx(0));
  kb.loop(lane, kb.idx(s.headDim), kb.idx(kWarp), [&](Value d) {
    Value x = memref::LoadOp::create(
        b, loc, q,
        headIndices(kb, s.mergedQuery, s.headDim, batch, head, safeRow, d));
    memref::StoreOp::create(b, loc, kb.select(rowValid, x, zero), qS,
                            ValueRange{warp, d});
  });

  // Keys the block's rows can see: up to the last row's position (causal).
  Value keyEnd = kb.idx(s.keys);
  if (offset) {
    Value lastRow = arith::MinUIOp::create(
        b, loc, kb.add(firstRow, kb.idx(kRows - 1)), kb.idx(s.queries - 1));
    Value lastVisible = kb.add(kb.add(lastRow, offset), kb.idx(1));
    keyEnd = arith::MinUIOp::create(b, loc, lastVisible, keyEnd);
  }
  // This block's range of them (empty for a range past the last visible
  // key: its partials are then max -inf and sums 0).
  Value keyBegin = kb.idx(0);
  if (s.splits > 1) {
    keyBegin = kb.mul(split, kb.idx(s.splitKeys));
    keyEnd = arith::MinUIOp::create(b, loc, keyEnd,
                                    kb.add(keyBegin, kb.idx(s.splitKeys)));
  }

  // With a sliding window, keys before the first row's window are hidden
  // from every row of the block: start at its first visible key.
  if (offset && s.window > 0) {
    Value reach = kb.add(kb.add(firstRow, offset), kb.idx(1));
    Value past = kb.le(kb.idx(s.window), reach);
    Value first = arith::SubIOp::create(b, loc, reach, kb.idx(s.window));
    keyBegin = arith::MaxUIOp::create(b, loc, keyBegin,
                                      kb.select(past, first, kb.idx(0)));
  }

  int64_t perLane = llvm::divideCeil(s.valueDim, kWarp);
  SmallVector<Value> init = {negInf, zero};
  init.append(perLane, zero);
  auto tileLoop =
      scf::ForOp::create(b, loc, keyBegin, keyEnd, kb.idx(kWarp), init);
  {
    OpBuilder::InsertionGuard inner(b);
    b.setInsertionPointToStart(tileLoop.getBody());
    Value t0 = tileLoop.getInductionVar();
    ValueRange carried = tileLoop.getRegionIterArgs();
    Value m = carried[0], l = carried[1];
    // Stage the tile of keys and values (zeros past the last key).
    auto stage = [&](Value from, Value to, int64_t dim) {
      kb.loop(tid, kb.idx(kWarp * dim), threads, [&](Value e) {
        Value j = arith::DivUIOp::create(b, loc, e, kb.idx(dim));
        Value d = arith::RemUIOp::create(b, loc, e, kb.idx(dim));
        Value key = kb.add(t0, j);
        Value inside = kb.lt(key, kb.idx(s.keys));
        Value x = memref::LoadOp::create(
            b, loc, from,
            ValueRange{batch, kvHead, kb.select(inside, key, kb.idx(0)), d});
        memref::StoreOp::create(b, loc, kb.select(inside, x, zero), to,
                                ValueRange{j, d});
      });
    };
    stage(k, kS, s.headDim);
    stage(v, vS, s.valueDim);
    gpu::BarrierOp::create(b, loc);

    // Lane j scores key t0 + j.
    auto dot = scf::ForOp::create(
        b, loc, kb.idx(0), kb.idx(s.headDim), kb.idx(1), ValueRange{zero},
        [&](OpBuilder &nb, Location l2, Value d, ValueRange acc) {
          KernelBuilder nk{nb, l2};
          Value qd = memref::LoadOp::create(nb, l2, qS, ValueRange{warp, d});
          Value kd = memref::LoadOp::create(nb, l2, kS, ValueRange{lane, d});
          scf::YieldOp::create(nb, l2, nk.fadd(acc[0], nk.fmul(qd, kd)));
        });
    Value score = kb.fmul(dot.getResult(0), kb.f32(scale));
    if (s.softcap > 0) {
      Value cap = kb.f32(s.softcap);
      score = kb.fmul(cap, math::TanhOp::create(
                               b, loc, arith::DivFOp::create(b, loc, score, cap)));
    }
    Value key = kb.add(t0, lane);
    Value visible =
        arith::AndIOp::create(b, loc, rowValid, kb.lt(key, kb.idx(s.keys)));
    if (offset)
      visible = arith::AndIOp::create(b, loc, visible,
                                      kb.le(key, kb.add(row, offset)));
    if (offset && s.window > 0)
      visible = arith::AndIOp::create(
          b, loc, visible,
          kb.lt(kb.add(row, offset), kb.add(key, kb.idx(s.window))));
    score = kb.select(visible, score, negInf);

    // Online softmax: the running max, rescaled sum and accumulators.
    Value mNew = arith::MaximumFOp::create(
        b, loc, m,
        kf::warpReduce(b, loc, score, gpu::AllReduceOperation::MAXIMUMF,
                       kWarp));
    Value seen =
        arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, mNew, negInf);
    Value p = kb.select(
        arith::AndIOp::create(b, loc, visible, seen),
        math::ExpOp::create(b, loc, arith::SubFOp::create(b, loc, score, mNew)),
        zero);
    Value alpha = kb.select(
        arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, m, negInf),
        math::ExpOp::create(b, loc, arith::SubFOp::create(b, loc, m, mNew)),
        zero);
    Value lNew =
        kb.fadd(kb.fmul(l, alpha),
                kf::warpReduce(b, loc, p, gpu::AllReduceOperation::ADD, kWarp));
    memref::StoreOp::create(b, loc, p, pS, ValueRange{warp, lane});
    gpu::BarrierOp::create(b, loc);

    SmallVector<Value> next = {mNew, lNew};
    for (int64_t c = 0; c < perLane; ++c) {
      // Lanes past the value width read a valid column and store nothing.
      Value d = arith::MinUIOp::create(b, loc, kb.add(lane, kb.idx(c * kWarp)),
                                       kb.idx(s.valueDim - 1));
      auto pv = scf::ForOp::create(
          b, loc, kb.idx(0), kb.idx(kWarp), kb.idx(1),
          ValueRange{kb.fmul(carried[2 + c], alpha)},
          [&](OpBuilder &nb, Location l2, Value j, ValueRange acc) {
            KernelBuilder nk{nb, l2};
            Value pj = memref::LoadOp::create(nb, l2, pS, ValueRange{warp, j});
            Value vj = memref::LoadOp::create(nb, l2, vS, ValueRange{j, d});
            scf::YieldOp::create(nb, l2, nk.fadd(acc[0], nk.fmul(pj, vj)));
          });
      next.push_back(pv.getResult(0));
    }
    // The next tile overwrites what this one read.
    gpu::BarrierOp::create(b, loc);
    scf::YieldOp::create(b, loc, next);
  }

  // out = acc / l, by the lanes that own each feature; or this range's
  // acc, max and sum for the combining kernel.
  Value total = tileLoop.getResult(1);
  if (s.splits > 1) {
    Value isLane0 = arith::AndIOp::create(
        b, loc, rowValid,
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, lane,
                              kb.idx(0)));
    scf::IfOp::create(b, loc, isLane0, [&](OpBuilder &nb, Location l2) {
      SmallVector<Value> at{split, batch, head, row};
      memref::StoreOp::create(nb, l2, tileLoop.getResult(0), partials.max, at);
      memref::StoreOp::create(nb, l2, total, partials.sum, at);
      scf::YieldOp::create(nb, l2);
    });
  }
  for (int64_t c = 0; c < perLane; ++c) {
    Value d = kb.add(lane, kb.idx(c * kWarp));
    Value store =
        arith::AndIOp::create(b, loc, rowValid, kb.lt(d, kb.idx(s.valueDim)));
    scf::IfOp::create(b, loc, store, [&](OpBuilder &nb, Location l2) {
      KernelBuilder nk{nb, l2};
      if (s.splits > 1) {
        memref::StoreOp::create(nb, l2, tileLoop.getResult(2 + c), partials.acc,
                                ValueRange{split, batch, head, row, d});
      } else {
        Value o =
            arith::DivFOp::create(nb, l2, tileLoop.getResult(2 + c), total);
        memref::StoreOp::create(
            nb, l2, o, out,
            headIndices(nk, s.mergedOutput, s.valueDim, batch, head, row, d));
      }
      scf::YieldOp::create(nb, l2);
    });
  }
  gpu::TerminatorOp::create(b, loc);
}

/// Combines the key ranges' partials: a block per (row, head, batch), a
/// thread per output feature. out = sum_s acc_s e^(m_s - m) / sum_s l_s
/// e^(m_s - m), with m the largest m_s (ranges that saw no key have
/// m_s = -inf and count for nothing).
void buildCombine(OpBuilder &b, Location loc, const AttentionShape &s,
                  const Partials &partials, Value out) {
  KernelBuilder kb{b, loc};
  int64_t threads = std::min<int64_t>(256, llvm::alignTo(s.valueDim, kWarp));
  auto launch = gpu::LaunchOp::create(b, loc, kb.idx(s.queries),
                                      kb.idx(s.heads), kb.idx(s.batch),
                                      kb.idx(threads), kb.idx(1), kb.idx(1));
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(&launch.getBody().front());
  Value row = launch.getBlockIds().x, head = launch.getBlockIds().y,
        batch = launch.getBlockIds().z;
  Value negInf = kb.f32(-INFINITY), zero = kb.f32(0);
  auto at = [&](int64_t split) {
    return SmallVector<Value>{kb.idx(split), batch, head, row};
  };
  Value m = negInf;
  for (int64_t i = 0; i < s.splits; ++i)
    m = arith::MaximumFOp::create(
        b, loc, m, memref::LoadOp::create(b, loc, partials.max, at(i)));
  // e^(m_s - m), 0 for a range that saw no key.
  SmallVector<Value> weights;
  Value l = zero;
  for (int64_t i = 0; i < s.splits; ++i) {
    Value mi = memref::LoadOp::create(b, loc, partials.max, at(i));
    Value seen =
        arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, mi, negInf);
    Value w = kb.select(
        seen, math::ExpOp::create(b, loc, arith::SubFOp::create(b, loc, mi, m)),
        zero);
    weights.push_back(w);
    l = kb.fadd(
        l, kb.fmul(w, memref::LoadOp::create(b, loc, partials.sum, at(i))));
  }
  kb.loop(launch.getThreadIds().x, kb.idx(s.valueDim), kb.idx(threads),
          [&](Value d) {
            Value acc = zero;
            for (int64_t i = 0; i < s.splits; ++i) {
              SmallVector<Value> where = at(i);
              where.push_back(d);
              acc = kb.fadd(
                  acc, kb.fmul(weights[i], memref::LoadOp::create(
                                               b, loc, partials.acc, where)));
            }
            memref::StoreOp::create(b, loc,
                                    arith::DivFOp::create(b, loc, acc, l), out,
                                    headIndices(kb, s.mergedOutput, s.valueDim,
                                                batch, head, row, d));
          });
  gpu::TerminatorOp::create(b, loc);
}

/// The fused kernel for `op` (which `unsupported` takes), replacing it, or
/// the kf.merge_heads that is its only use.
LogicalResult fuse(AttentionOp op, PatternRewriter &b) {
  Location loc = op.getLoc();
  auto qType = cast<RankedTensorType>(op.getQuery().getType());
  auto kType = cast<RankedTensorType>(op.getKey().getType());
  auto vType = cast<RankedTensorType>(op.getValue().getType());
  auto outType = cast<RankedTensorType>(op.getType());
  AttentionShape s{qType.getDimSize(0), qType.getDimSize(1),
                   kType.getDimSize(1), qType.getDimSize(2),
                   kType.getDimSize(2), qType.getDimSize(3),
                   vType.getDimSize(3)};
  s.window = op.getWindow().value_or(0);
  if (std::optional<APFloat> cap = op.getSoftcap())
    s.softcap = cap->convertToDouble();
  Value offset;
  if (op.getCausal())
    offset = op.getQueryOffset() ? op.getQueryOffset()
                                 : arith::ConstantIndexOp::create(
                                       b, loc, op.getDefaultCausalOffset())
                                       .getResult();
  auto buffer = [&](Value tensor) {
    return kf::readOnlyBuffer(b, loc, tensor);
  };
  // Read the query before its heads were split; write the output merged
  // when merging is all that is done with it.
  Value query = op.getQuery();
  if (auto split = query.getDefiningOp<SplitHeadsOp>()) {
    query = split.getInput();
    s.mergedQuery = true;
  }
  Operation *replaced = op;
  RankedTensorType resultType = outType;
  if (op->hasOneUse())
    if (auto merge = dyn_cast<MergeHeadsOp>(*op->user_begin())) {
      replaced = merge;
      resultType = cast<RankedTensorType>(merge.getType());
      s.mergedOutput = true;
    }
  Value q = buffer(query), k = buffer(op.getKey()), v = buffer(op.getValue());
  Value out = memref::AllocOp::create(
      b, loc,
      MemRefType::get(resultType.getShape(), resultType.getElementType()));
  chooseSplits(s);
  Partials partials;
  if (s.splits > 1) {
    SmallVector<int64_t> rows{s.splits, s.batch, s.heads, s.queries};
    SmallVector<int64_t> features(rows);
    features.push_back(s.valueDim);
    auto alloc = [&](ArrayRef<int64_t> shape) -> Value {
      return memref::AllocOp::create(b, loc,
                                     MemRefType::get(shape, b.getF32Type()));
    };
    partials = {alloc(features), alloc(rows), alloc(rows)};
  }
  buildKernel(b, loc, s, op.getEffectiveScale(), offset, q, k, v, out,
              partials);
  if (s.splits > 1)
    buildCombine(b, loc, s, partials, out);
  Value result = bufferization::ToTensorOp::create(
      b, loc, resultType, out, /*restrict=*/b.getUnitAttr(),
      /*writable=*/b.getUnitAttr());
  b.replaceOp(replaced, result);
  if (replaced != op)
    b.eraseOp(op);
  return success();
}

/// A static f32 attention without an explicit mask becomes the fused kernel
/// (and a combining one where the keys are split); others are decomposed
/// later.
struct AttentionToKernel : OpRewritePattern<AttentionOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(AttentionOp op,
                                PatternRewriter &rewriter) const override {
    if (std::optional<StringRef> why = unsupported(op))
      return rewriter.notifyMatchFailure(op, *why);
    return fuse(op, rewriter);
  }
};

struct ConvertAttentionToGPUPass
    : kf::impl::ConvertAttentionToGPUPassBase<ConvertAttentionToGPUPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateAttentionToGPUPatterns(patterns);
    // The attention ops only, as they are: a pattern also erases the
    // kf.merge_heads after its op, which a walk would visit next; nothing
    // else is folded or erased.
    SmallVector<Operation *> ops;
    getOperation().walk([&](AttentionOp op) { ops.push_back(op); });
    GreedyRewriteConfig config;
    config.setStrictness(GreedyRewriteStrictness::ExistingOps)
        .enableFolding(false)
        .enableConstantCSE(false);
    (void)applyOpPatternsGreedily(ops, std::move(patterns), config);
  }
};

} // namespace

void mlir::kf::populateAttentionToGPUPatterns(RewritePatternSet &patterns) {
  patterns.add<AttentionToKernel>(patterns.getContext());
}
