//===- MatVecKernel.cpp - Products of one row (decode) --------------------===//

#include "ContractionKernels.h"

using namespace mlir;
using namespace mlir::kf::contractions;

namespace {

/// Columns per block of the n-contiguous mat-vec: the most (at most 32, a
/// warp's 128-byte row segment) that still give kMinBlocks blocks, and at
/// least 8 (a 32-byte sector per row and warp-quarter). Decode's products
/// have few columns (768 for GPT-2's projections): 32 per block would leave
/// most multiprocessors idle.
int64_t matVecColumns(int64_t n) {
  int64_t columns = kWarp;
  while (columns > 8 && llvm::divideCeil(n, columns) < kMinBlocks)
    columns /= 2;
  return columns;
}

} // namespace

/// One output row: a warp per output when k is contiguous in the weights,
/// else matVecColumns columns x the rest of 256 threads in k-groups.
void mlir::kf::contractions::buildMatVec(OpBuilder &b, const Contraction &c,
                                         const FusedNeighbours &fused) {
  Location loc = c.op.getLoc();
  int64_t N = c.sizes[c.n], K = c.sizes[c.k];
  bool warpPerOutput = c.contiguous(c.rhs, c.k);
  ContractionBuilder kb{{b, loc}, c, fused};
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
  auto launch = gpu::LaunchOp::create(b, loc, kb.idx(llvm::divideCeil(N, perBlock)),
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
