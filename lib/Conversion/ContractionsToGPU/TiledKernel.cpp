//===- TiledKernel.cpp - Products of many rows, tiled ---------------------===//

#include "ContractionKernels.h"

using namespace mlir;
using namespace mlir::kf::contractions;

/// The tiled kernel: BM x BN outputs per block, k-tiles of 16 staged in
/// workgroup memory.
void mlir::kf::contractions::buildTiled(OpBuilder &b, const Contraction &c,
                                        const FusedNeighbours &fused) {
  Location loc = c.op.getLoc();
  int64_t M = c.sizes[*c.m], N = c.sizes[c.n], K = c.sizes[c.k];
  // Tiles of up to 64 x 64, smaller where that leaves fewer than
  // kMinTiledBlocks blocks (a 64-token prefill of a 768-wide projection
  // would be 12): rows first, down to 16, then columns, down to 32.
  int64_t tileM = M <= 16 ? 16 : M <= 32 ? 32 : 64, tileN = 64;
  auto blocks = [&] {
    return llvm::divideCeil(N, tileN) * llvm::divideCeil(M, tileM) * c.batchCount();
  };
  while (tileM > 16 && blocks() < kMinTiledBlocks)
    tileM /= 2;
  if (blocks() < kMinTiledBlocks)
    tileN = 32;
  int64_t perThreadM = tileM / kThreadsY, perThreadN = tileN / kThreadsX;
  ContractionBuilder kb{{b, loc}, c, fused};
  auto workgroup =
      gpu::AddressSpaceAttr::get(b.getContext(), gpu::AddressSpace::Workgroup);
  // Rows of kTileK values, padded by one element against bank conflicts.
  auto tileType = [&](unsigned operand, int64_t rows) {
    return MemRefType::get({kTileK, rows + 1}, kb.elementType(operand),
                           MemRefLayoutAttrInterface(), workgroup);
  };
  Type lhsTile = tileType(c.lhs, tileM), rhsTile = tileType(c.rhs, tileN);
  auto launch = gpu::LaunchOp::create(
      b, loc, kb.idx(llvm::divideCeil(N, tileN)), kb.idx(llvm::divideCeil(M, tileM)),
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
