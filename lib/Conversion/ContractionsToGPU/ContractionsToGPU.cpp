//===- ContractionsToGPU.cpp - Matrix products as GPU kernels -------------===//
//
// A contraction on buffers (linalg.generic: two inputs, one output, one
// reduction dimension, projected-permutation maps, static shapes) becomes a
// gpu.launch of its own kernel. The output's last dimension is n, its
// second-last (when the first input reads it and the second does not) is m,
// the reduction is k, and the other parallel dimensions are batches (grid z).
//
//  - Tiled (more than one output row): a block computes a BM x 64 tile with
//    16 x 16 threads, each owning BM/16 x 4 outputs in registers. k advances
//    16 at a time: the block stages both k-tiles in workgroup memory
//    (coalesced loads along each operand's contiguous dimension, padded rows
//    against bank conflicts), synchronises, and every thread applies the
//    generic's body in k order, so each output sees the same sequence of
//    operations as the sequential loop.
//  - Mat-vec (one output row, decode): the weights are streamed once.
//    With k contiguous in the weights, a warp per output strides k with its
//    32 lanes and reduces with xor shuffles; with n contiguous, a block of
//    256 threads takes 8 to 32 columns (as many as still give 256 blocks) and
//    32 to 8 k-groups, and combines the groups' partials through workgroup
//    memory. Partial sums reorder the additions, so this form
//    needs a body `out + f(in0, in1)`.
//
// The op filling the output before (the bias) and an elementwise op reading
// it after (GELU, a residual add) become the kernel's prologue and epilogue
// where FusedNeighbours.h allows, so a linear layer is one kernel.
//
//===----------------------------------------------------------------------===//

#include "FusedNeighbours.h"

#include "kernelforge/Conversion/GPUKernelUtils.h"
#include "kernelforge/Conversion/Passes.h"

#include "mlir/IR/IRMapping.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::kf {
#define GEN_PASS_DEF_CONVERTCONTRACTIONSTOGPUPASS
#include "kernelforge/Conversion/Passes.h.inc"
} // namespace mlir::kf

using namespace mlir;

namespace {

constexpr int64_t kTileK = 16, kThreadsX = 16, kThreadsY = 16;
/// Blocks a tiled product aims for at least (about one per multiprocessor of
/// a large GPU) before it shrinks its tiles.
constexpr int64_t kMinTiledBlocks = 128;
constexpr int64_t kWarp = 32, kWarpsPerBlock = 8;
/// Threads of an n-contiguous mat-vec block; blocks it aims for at least.
constexpr int64_t kMatVecThreads = 256, kMinBlocks = 256;

/// The roles of a contraction's loop dimensions and operands.
struct Contraction {
  mutable linalg::GenericOp op;
  SmallVector<int64_t> sizes;  // static loop ranges
  SmallVector<unsigned> batch; // batch dimensions, outermost first
  std::optional<unsigned> m;   // rows, absent for a mat-vec
  unsigned n = 0, k = 0;       // columns and reduction
  unsigned lhs = 0, rhs = 1;   // input reading m (or only k) / n

  AffineMap map(unsigned operand) const {
    return op.getIndexingMapsArray()[operand];
  }
  /// Whether `dim` is the operand's fastest-varying (last) index.
  bool contiguous(unsigned operand, unsigned dim) const {
    AffineMap m = map(operand);
    return m.getNumResults() > 0 &&
           m.getResults().back() == getAffineDimExpr(dim, op.getContext());
  }
  int64_t rows() const { return m ? sizes[*m] : 1; }
  int64_t batchCount() const {
    int64_t count = 1;
    for (unsigned d : batch)
      count *= sizes[d];
    return count;
  }
};

bool uses(AffineMap map, unsigned dim) { return map.isFunctionOfDim(dim); }

FailureOr<Contraction> matchContraction(linalg::GenericOp op) {
  if (!op.hasPureBufferSemantics() || op.getNumDpsInputs() != 2 ||
      op.getNumDpsInits() != 1 || op.getNumReductionLoops() != 1 ||
      op.hasIndexSemantics())
    return failure();
  Contraction c;
  c.op = op;
  c.sizes = op.getStaticLoopRanges();
  if (llvm::any_of(c.sizes, ShapedType::isDynamic))
    return failure();
  for (AffineMap map : op.getIndexingMapsArray())
    if (!map.isProjectedPermutation())
      return failure();
  for (auto [d, type] : llvm::enumerate(op.getIteratorTypesArray()))
    if (type == utils::IteratorType::reduction)
      c.k = d;
  AffineMap out = c.map(2);
  if (out.getNumResults() + 1 != c.sizes.size() || uses(out, c.k))
    return failure();
  c.n = cast<AffineDimExpr>(out.getResults().back()).getPosition();
  // The input reading n is the right-hand side.
  if (uses(c.map(0), c.n) == uses(c.map(1), c.n))
    return failure();
  c.rhs = uses(c.map(0), c.n) ? 0 : 1;
  c.lhs = 1 - c.rhs;
  if (!uses(c.map(c.lhs), c.k) || !uses(c.map(c.rhs), c.k))
    return failure();
  if (out.getNumResults() >= 2) {
    unsigned cand =
        cast<AffineDimExpr>(out.getResults()[out.getNumResults() - 2])
            .getPosition();
    if (uses(c.map(c.lhs), cand) && !uses(c.map(c.rhs), cand))
      c.m = cand;
  }
  for (AffineExpr e : out.getResults()) {
    unsigned d = cast<AffineDimExpr>(e).getPosition();
    if (d != c.n && (!c.m || d != *c.m))
      c.batch.push_back(d);
  }
  return c;
}

/// `out + f(in...)`: the body's yielded value is an addf with the output
/// argument on one side and a value not depending on it on the other.
bool isAccumulation(linalg::GenericOp op) {
  Block &body = op.getRegion().front();
  Value out = body.getArgument(2);
  auto add = body.getTerminator()->getOperand(0).getDefiningOp<arith::AddFOp>();
  if (!add || out.getNumUses() != 1)
    return false;
  return add.getLhs() == out || add.getRhs() == out;
}

/// Builds the kernels' index arithmetic and the generic's body.
struct KernelBuilder {
  OpBuilder &b;
  Location loc;
  const Contraction &c;
  const kf::FusedNeighbours &fused;

  Value idx(int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); }
  Value add(Value x, Value y) { return arith::AddIOp::create(b, loc, x, y); }
  Value mul(Value x, int64_t y) {
    return arith::MulIOp::create(b, loc, x, idx(y));
  }
  Value lt(Value x, int64_t bound) {
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, x,
                                 idx(bound));
  }
  Value both(Value x, Value y) {
    if (!x)
      return y;
    if (!y)
      return x;
    return arith::AndIOp::create(b, loc, x, y);
  }

  /// The operand's memref indices from values of the loop dimensions.
  SmallVector<Value> indices(unsigned operand,
                             const DenseMap<unsigned, Value> &dims) {
    SmallVector<Value> result;
    for (AffineExpr e : c.map(operand).getResults())
      result.push_back(dims.lookup(cast<AffineDimExpr>(e).getPosition()));
    return result;
  }
  Value operand(unsigned i) { return c.op->getOperand(i); }
  Type elementType(unsigned i) {
    return cast<MemRefType>(operand(i).getType()).getElementType();
  }
  Value zero(Type type) {
    return arith::ConstantOp::create(b, loc, type, b.getZeroAttr(type));
  }

  /// Loads operand `i` at `dims`, or zero where `inBounds` is false.
  Value load(unsigned i, const DenseMap<unsigned, Value> &dims,
             Value inBounds) {
    SmallVector<Value> at = indices(i, dims);
    if (!inBounds)
      return memref::LoadOp::create(b, loc, operand(i), at);
    auto ifOp = scf::IfOp::create(
        b, loc, inBounds,
        [&](OpBuilder &tb, Location l) {
          scf::YieldOp::create(
              tb, l, ValueRange{memref::LoadOp::create(tb, l, operand(i), at)});
        },
        [&](OpBuilder &eb, Location l) {
          scf::YieldOp::create(
              eb, l,
              ValueRange{arith::ConstantOp::create(
                  eb, l, elementType(i), eb.getZeroAttr(elementType(i)))});
        });
    return ifOp.getResult(0);
  }

  /// Runs `emit` where `inBounds` holds (everywhere when null).
  void guarded(Value inBounds, function_ref<void()> emit) {
    if (!inBounds)
      return emit();
    auto ifOp = scf::IfOp::create(b, loc, inBounds, /*withElse=*/false);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(ifOp.thenBlock());
    emit();
  }

  /// `op` (elementwise) at the element `opDims` (one value per loop): its
  /// inputs loaded there, except operand `given` (if any), which is `value`.
  Value evaluate(linalg::GenericOp op, ArrayRef<Value> opDims,
                 std::optional<unsigned> given = std::nullopt,
                 Value value = {}) {
    Block &block = op.getRegion().front();
    IRMapping map;
    for (OpOperand &operand : op->getOpOperands()) {
      unsigned i = operand.getOperandNumber();
      BlockArgument arg = block.getArgument(i);
      if (given && i == *given) {
        map.map(arg, value);
        continue;
      }
      if (arg.use_empty())
        continue;
      SmallVector<Value> at;
      for (AffineExpr e : op.getMatchingIndexingMap(&operand).getResults())
        at.push_back(opDims[cast<AffineDimExpr>(e).getPosition()]);
      map.map(arg, memref::LoadOp::create(b, loc, operand.get(), at));
    }
    for (Operation &inner : block.without_terminator())
      b.clone(inner, map);
    return map.lookupOrDefault(block.getTerminator()->getOperand(0));
  }

  /// The output's value before the contraction at `dims`: the prologue
  /// computed there, else loaded (zero where `inBounds` is false).
  Value initial(const DenseMap<unsigned, Value> &dims, Value inBounds) {
    if (!fused.prologue)
      return load(2, dims, inBounds);
    if (auto fill = dyn_cast<linalg::FillOp>(fused.prologue))
      return fill.getInputs()[0];
    auto prologue = cast<linalg::GenericOp>(fused.prologue);
    // Its output map is the identity: its loops are the output's indices.
    SmallVector<Value> at = indices(2, dims);
    if (!inBounds)
      return evaluate(prologue, at);
    auto ifOp = scf::IfOp::create(
        b, loc, inBounds,
        [&](OpBuilder &, Location l) {
          scf::YieldOp::create(b, l, evaluate(prologue, at));
        },
        [&](OpBuilder &eb, Location l) {
          scf::YieldOp::create(eb, l, zero(elementType(2)));
        });
    return ifOp.getResult(0);
  }

  /// Stores the finished output `value` at `dims` where `inBounds` holds:
  /// through the epilogue when it is fused.
  void finish(Value value, const DenseMap<unsigned, Value> &dims,
              Value inBounds) {
    guarded(inBounds, [&] {
      SmallVector<Value> at = indices(2, dims);
      linalg::GenericOp epilogue = fused.epilogue;
      if (!epilogue) {
        memref::StoreOp::create(b, loc, value, operand(2), at);
        return;
      }
      // The epilogue's loops from the view it reads the output through (a
      // permutation map).
      SmallVector<Value> viewAt =
          kf::viewIndices(b, loc, fused.epilogueView, at);
      SmallVector<Value> opDims(epilogue.getNumLoops());
      AffineMap map = epilogue.getIndexingMapsArray()[fused.epilogueOperand];
      for (auto [r, index] : llvm::enumerate(viewAt))
        opDims[map.getDimPosition(r)] = index;
      Value result = evaluate(epilogue, opDims, fused.epilogueOperand, value);
      OpOperand *init = epilogue.getDpsInitOperand(0);
      SmallVector<Value> out;
      for (AffineExpr e : epilogue.getMatchingIndexingMap(init).getResults())
        out.push_back(opDims[cast<AffineDimExpr>(e).getPosition()]);
      memref::StoreOp::create(b, loc, result, init->get(), out);
    });
  }

  /// The generic's body applied to (lhs, rhs, acc). Its floating-point
  /// operations may contract (a multiply and an add become one FMA, as on
  /// the CPU path).
  Value body(Value lhs, Value rhs, Value acc) {
    Block &block = c.op.getRegion().front();
    IRMapping map;
    map.map(block.getArgument(c.lhs), lhs);
    map.map(block.getArgument(c.rhs), rhs);
    map.map(block.getArgument(2), acc);
    for (Operation &op : block.without_terminator()) {
      Operation *clone = b.clone(op, map);
      if (auto fm = dyn_cast<arith::ArithFastMathInterface>(clone))
        clone->setAttr(
            fm.getFastMathAttrName(),
            arith::FastMathFlagsAttr::get(b.getContext(),
                                          fm.getFastMathFlagsAttr().getValue() |
                                              arith::FastMathFlags::contract));
    }
    return map.lookupOrDefault(block.getTerminator()->getOperand(0));
  }

  /// Batch indices from the z block id (row-major over the batch sizes).
  void batchIndices(Value z, DenseMap<unsigned, Value> &dims) {
    SmallVector<int64_t> sizes;
    for (unsigned d : c.batch)
      sizes.push_back(c.sizes[d]);
    SmallVector<Value> indices = kf::delinearize(b, loc, z, sizes);
    for (auto [d, index] : llvm::zip(c.batch, indices))
      dims[d] = index;
  }
};

int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

/// The tiled kernel: BM x BN outputs per block, k-tiles of 16 staged in
/// workgroup memory.
void buildTiled(OpBuilder &b, const Contraction &c,
                const kf::FusedNeighbours &fused) {
  Location loc = c.op.getLoc();
  int64_t M = c.sizes[*c.m], N = c.sizes[c.n], K = c.sizes[c.k];
  // Tiles of up to 64 x 64, smaller where that leaves fewer than
  // kMinTiledBlocks blocks (a 64-token prefill of a 768-wide projection
  // would be 12): rows first, down to 16, then columns, down to 32.
  int64_t tileM = M <= 16 ? 16 : M <= 32 ? 32 : 64, tileN = 64;
  auto blocks = [&] {
    return ceilDiv(N, tileN) * ceilDiv(M, tileM) * c.batchCount();
  };
  while (tileM > 16 && blocks() < kMinTiledBlocks)
    tileM /= 2;
  if (blocks() < kMinTiledBlocks)
    tileN = 32;
  int64_t perThreadM = tileM / kThreadsY, perThreadN = tileN / kThreadsX;
  KernelBuilder kb{b, loc, c, fused};
  auto workgroup =
      gpu::AddressSpaceAttr::get(b.getContext(), gpu::AddressSpace::Workgroup);
  // Rows of kTileK values, padded by one element against bank conflicts.
  auto tileType = [&](unsigned operand, int64_t rows) {
    return MemRefType::get({kTileK, rows + 1}, kb.elementType(operand),
                           MemRefLayoutAttrInterface(), workgroup);
  };
  Type lhsTile = tileType(c.lhs, tileM), rhsTile = tileType(c.rhs, tileN);
  auto launch = gpu::LaunchOp::create(
      b, loc, kb.idx(ceilDiv(N, tileN)), kb.idx(ceilDiv(M, tileM)),
      kb.idx(c.batchCount()), kb.idx(kThreadsX), kb.idx(kThreadsY), kb.idx(1),
      /*dynamicSharedMemorySize=*/nullptr, /*asyncTokenType=*/nullptr,
      /*asyncDependencies=*/{}, TypeRange{lhsTile, rhsTile});
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(&launch.getBody().front());
  Value lhsShared = launch.getWorkgroupAttributions()[0];
  Value rhsShared = launch.getWorkgroupAttributions()[1];
  Value tx = launch.getThreadIds().x, ty = launch.getThreadIds().y;
  Value row0 = kb.mul(launch.getBlockIds().y, tileM);
  Value col0 = kb.mul(launch.getBlockIds().x, tileN);
  Value tid = kb.add(kb.mul(ty, kThreadsX), tx);
  DenseMap<unsigned, Value> dims;
  kb.batchIndices(launch.getBlockIds().z, dims);

  // This thread's outputs: rows ty + 16 i, columns tx + 16 j.
  SmallVector<Value> rows, cols;
  for (int64_t i = 0; i < perThreadM; ++i)
    rows.push_back(kb.add(row0, kb.add(ty, kb.idx(i * kThreadsY))));
  for (int64_t j = 0; j < perThreadN; ++j)
    cols.push_back(kb.add(col0, kb.add(tx, kb.idx(j * kThreadsX))));
  auto outputInBounds = [&](int64_t i, int64_t j) {
    return kb.both(M % tileM ? kb.lt(rows[i], M) : Value(),
                   N % tileN ? kb.lt(cols[j], N) : Value());
  };
  SmallVector<Value> init;
  for (int64_t i = 0; i < perThreadM; ++i)
    for (int64_t j = 0; j < perThreadN; ++j) {
      dims[*c.m] = rows[i];
      dims[c.n] = cols[j];
      init.push_back(kb.initial(dims, outputInBounds(i, j)));
    }

  // Stages operand `i`'s k-tile (rows along `dim`, from `first`) in `tile`.
  auto stage = [&](unsigned operand, unsigned dim, int64_t tileRows,
                   Value first, Value k0, Value tile) {
    int64_t size = c.sizes[dim];
    bool kFastest = c.contiguous(operand, c.k);
    for (int64_t e0 = 0; e0 < kTileK * tileRows; e0 += kThreadsX * kThreadsY) {
      Value e = kb.add(tid, kb.idx(e0));
      int64_t fastExtent = kFastest ? kTileK : tileRows;
      Value fast = arith::RemUIOp::create(b, loc, e, kb.idx(fastExtent));
      Value slow = arith::DivUIOp::create(b, loc, e, kb.idx(fastExtent));
      Value kk = kFastest ? fast : slow, rr = kFastest ? slow : fast;
      dims[dim] = kb.add(first, rr);
      dims[c.k] = kb.add(k0, kk);
      Value inBounds =
          kb.both(size % tileRows ? kb.lt(dims[dim], size) : Value(),
                  K % kTileK ? kb.lt(dims[c.k], K) : Value());
      Value v = kb.load(operand, dims, inBounds);
      memref::StoreOp::create(b, loc, v, tile, ValueRange{kk, rr});
    }
  };

  // k-tiles: stage, synchronise, accumulate in k order, synchronise.
  auto kLoop =
      scf::ForOp::create(b, loc, kb.idx(0), kb.idx(K), kb.idx(kTileK), init);
  {
    OpBuilder::InsertionGuard loopGuard(b);
    b.setInsertionPointToStart(kLoop.getBody());
    Value k0 = kLoop.getInductionVar();
    stage(c.lhs, *c.m, tileM, row0, k0, lhsShared);
    stage(c.rhs, c.n, tileN, col0, k0, rhsShared);
    gpu::BarrierOp::create(b, loc);
    Value kEnd = kb.idx(kTileK);
    if (K % kTileK)
      kEnd = arith::MinUIOp::create(
          b, loc, kEnd, arith::SubIOp::create(b, loc, kb.idx(K), k0));
    auto inner = scf::ForOp::create(b, loc, kb.idx(0), kEnd, kb.idx(1),
                                    kLoop.getRegionIterArgs());
    {
      OpBuilder::InsertionGuard innerGuard(b);
      b.setInsertionPointToStart(inner.getBody());
      Value kk = inner.getInductionVar();
      ValueRange acc = inner.getRegionIterArgs();
      SmallVector<Value> lhs, rhs, next;
      for (int64_t i = 0; i < perThreadM; ++i)
        lhs.push_back(memref::LoadOp::create(
            b, loc, lhsShared,
            ValueRange{kk, kb.add(ty, kb.idx(i * kThreadsY))}));
      for (int64_t j = 0; j < perThreadN; ++j)
        rhs.push_back(memref::LoadOp::create(
            b, loc, rhsShared,
            ValueRange{kk, kb.add(tx, kb.idx(j * kThreadsX))}));
      for (int64_t i = 0; i < perThreadM; ++i)
        for (int64_t j = 0; j < perThreadN; ++j)
          next.push_back(kb.body(lhs[i], rhs[j], acc[i * perThreadN + j]));
      scf::YieldOp::create(b, loc, next);
    }
    gpu::BarrierOp::create(b, loc);
    scf::YieldOp::create(b, loc, inner.getResults());
  }

  for (int64_t i = 0; i < perThreadM; ++i)
    for (int64_t j = 0; j < perThreadN; ++j) {
      dims[*c.m] = rows[i];
      dims[c.n] = cols[j];
      kb.finish(kLoop.getResult(i * perThreadN + j), dims,
                outputInBounds(i, j));
    }
  gpu::TerminatorOp::create(b, loc);
}

/// Columns per block of the n-contiguous mat-vec: the most (at most 32, a
/// warp's 128-byte row segment) that still give kMinBlocks blocks, and at
/// least 8 (a 32-byte sector per row and warp-quarter). Decode's products
/// have few columns (768 for GPT-2's projections): 32 per block would leave
/// most multiprocessors idle.
int64_t matVecColumns(int64_t n) {
  int64_t columns = kWarp;
  while (columns > 8 && ceilDiv(n, columns) < kMinBlocks)
    columns /= 2;
  return columns;
}

/// One output row: a warp per output when k is contiguous in the weights,
/// else matVecColumns columns x the rest of 256 threads in k-groups.
void buildMatVec(OpBuilder &b, const Contraction &c,
                 const kf::FusedNeighbours &fused) {
  Location loc = c.op.getLoc();
  int64_t N = c.sizes[c.n], K = c.sizes[c.k];
  bool warpPerOutput = c.contiguous(c.rhs, c.k);
  KernelBuilder kb{b, loc, c, fused};
  Type accType = kb.elementType(2);
  auto workgroup =
      gpu::AddressSpaceAttr::get(b.getContext(), gpu::AddressSpace::Workgroup);
  // Threads (x, y): a warp per output when k is contiguous in the weights
  // (lane x, output y); else column x of `columns`, k-group y of `groups`.
  int64_t columns = warpPerOutput ? kWarp : matVecColumns(N);
  int64_t groups = kMatVecThreads / columns;
  SmallVector<Type> shared;
  if (!warpPerOutput)
    shared.push_back(MemRefType::get({groups, columns + 1}, accType,
                                     MemRefLayoutAttrInterface(), workgroup));
  int64_t perBlock = warpPerOutput ? kWarpsPerBlock : columns;
  int64_t threadsY = warpPerOutput ? kWarpsPerBlock : groups;
  auto launch = gpu::LaunchOp::create(b, loc, kb.idx(ceilDiv(N, perBlock)),
                                      kb.idx(1), kb.idx(c.batchCount()),
                                      kb.idx(columns), kb.idx(threadsY),
                                      kb.idx(1), nullptr, nullptr, {}, shared);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(&launch.getBody().front());
  Value lane = launch.getThreadIds().x, group = launch.getThreadIds().y;
  DenseMap<unsigned, Value> dims;
  kb.batchIndices(launch.getBlockIds().z, dims);
  if (c.m)
    dims[*c.m] = kb.idx(0);
  Value first = kb.mul(launch.getBlockIds().x, perBlock);
  Value column = kb.add(first, warpPerOutput ? group : lane);
  dims[c.n] = column;
  Value inBounds = N % perBlock ? kb.lt(column, N) : Value();

  // This thread's partial sum over k = start, start + stride, ...
  Value start = warpPerOutput ? lane : group;
  int64_t stride = warpPerOutput ? kWarp : groups;
  Value end = kb.idx(K);
  if (inBounds)
    end = arith::SelectOp::create(b, loc, inBounds, end, kb.idx(0));
  auto loop = scf::ForOp::create(b, loc, start, end, kb.idx(stride),
                                 ValueRange{kb.zero(accType)});
  {
    OpBuilder::InsertionGuard loopGuard(b);
    b.setInsertionPointToStart(loop.getBody());
    dims[c.k] = loop.getInductionVar();
    Value lhs = kb.load(c.lhs, dims, Value());
    Value rhs = kb.load(c.rhs, dims, Value());
    scf::YieldOp::create(b, loc,
                         kb.body(lhs, rhs, loop.getRegionIterArgs()[0]));
  }
  Value total = loop.getResult(0);
  Value isFirst;
  if (warpPerOutput) {
    total = kf::warpReduce(b, loc, total, gpu::AllReduceOperation::ADD, kWarp);
    isFirst = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, lane,
                                    kb.idx(0));
  } else {
    Value partials = launch.getWorkgroupAttributions()[0];
    memref::StoreOp::create(b, loc, total, partials, ValueRange{group, lane});
    gpu::BarrierOp::create(b, loc);
    isFirst = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, group,
                                    kb.idx(0));
  }
  auto ifOp = scf::IfOp::create(b, loc, kb.both(isFirst, inBounds),
                                /*withElse=*/false);
  b.setInsertionPointToStart(ifOp.thenBlock());
  if (!warpPerOutput) {
    Value partials = launch.getWorkgroupAttributions()[0];
    total = kb.zero(accType);
    for (int64_t g = 0; g < groups; ++g)
      total = arith::AddFOp::create(
          b, loc, total,
          memref::LoadOp::create(b, loc, partials,
                                 ValueRange{kb.idx(g), lane}));
  }
  Value before = kb.initial(dims, Value());
  kb.finish(arith::AddFOp::create(b, loc, before, total), dims, Value());
  b.setInsertionPointAfter(ifOp);
  gpu::TerminatorOp::create(b, loc);
}

struct ContractionToKernel : OpRewritePattern<linalg::GenericOp> {
  ContractionToKernel(MLIRContext *context, bool fuseNeighbours)
      : OpRewritePattern(context), fuseNeighbours(fuseNeighbours) {}
  bool fuseNeighbours;

  LogicalResult matchAndRewrite(linalg::GenericOp op,
                                PatternRewriter &rewriter) const override {
    if (op->getParentOfType<gpu::LaunchOp>())
      return rewriter.notifyMatchFailure(op, "already in a kernel");
    FailureOr<Contraction> c = matchContraction(op);
    if (failed(c))
      return rewriter.notifyMatchFailure(op, "not a static contraction");
    if (c->batchCount() > 65535)
      return rewriter.notifyMatchFailure(op, "more batches than grid z");
    if (c->rows() == 1 && !isAccumulation(op))
      return rewriter.notifyMatchFailure(op, "body is not out + f(ins)");
    kf::FusedNeighbours fused;
    if (fuseNeighbours)
      fused = kf::findFusedNeighbours(op);
    // Only views and allocations lie between the fused ops: the kernel goes
    // where the last of them was, after every buffer it uses is made.
    if (fused.epilogue)
      rewriter.setInsertionPoint(fused.epilogue);
    if (c->rows() > 1)
      buildTiled(rewriter, *c, fused);
    else
      buildMatVec(rewriter, *c, fused);
    if (fused.epilogue)
      rewriter.eraseOp(fused.epilogue);
    rewriter.eraseOp(op);
    if (fused.prologue)
      rewriter.eraseOp(fused.prologue);
    return success();
  }
};

struct ConvertContractionsToGPUPass
    : kf::impl::ConvertContractionsToGPUPassBase<ConvertContractionsToGPUPass> {
  using ConvertContractionsToGPUPassBase::ConvertContractionsToGPUPassBase;
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<ContractionToKernel>(&getContext(), fuseNeighbours);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns)))) {
      getOperation()->emitError()
          << getArgument() << ": rewrite patterns did not converge";
      signalPassFailure();
    }
  }
};

} // namespace
