//===- PrefetchNextKeyTile.cpp - Key tiles 4 KiB ahead --------------------===//
//
// A decode query's fused attention walks its head's keys and values one
// tile at a time: Q K^T over the tile's key rows, the online softmax, then
// P V, one value row per step. Each tile is a few microseconds of work on
// a few KiB of key and value rows, new pages to the hardware prefetchers,
// so one core waits on memory at the start of each. The P V loop, which
// steps through the tile's rows one by one, asks for the same rows of a
// tile ahead of every tile-sized read of the loop (the keys' tile view and
// the value rows). Measured on a Zen 5 (kernelforge-bench, attention at
// T = 1, bf16 KV cache from memory, three alternating runs), the next tile
// took context 512 0.041 / 0.069 / 0.073 -> 0.036 / 0.036 / 0.049 ms, 1024
// 0.082 / 0.082 / 0.129 -> 0.076 / 0.077 / 0.077; 64 (one tile) unchanged.
//
// How far ahead is a number of bytes, not of tiles: the fewest whole tiles
// that reach kBytesAhead along each stream. GPT-2's decode tiles (16 keys of
// 64 dimensions) are 2 KiB of bf16 and 4 KiB of f32 per stream; on the same
// Zen 5 (one kernel, its calls interleaved with the other's, 15 rounds, the
// cache from memory), bf16 two tiles ahead took 0.91-0.92 of one tile's
// time at contexts 256, 512 and 1024 (three or four tiles 0.93-0.97, eight
// 1.03; znver3 code 0.93), while f32 was fastest one tile ahead (two to
// four 1.03-1.09): 4 KiB ahead either way.
//
//===----------------------------------------------------------------------===//

#include "Prefetch.h"

#include "kernelforge/Transforms/Contractions.h"
#include "kernelforge/Codegen/CPU/Passes.h"

#include "Views.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include <algorithm>

namespace mlir::kf {
#define GEN_PASS_DEF_PREFETCHNEXTKEYTILEPASS
#include "kernelforge/Codegen/CPU/Passes.h.inc"
} // namespace mlir::kf

using namespace mlir;

namespace {

/// How far ahead of the rows in use the prefetches are, at least, along each
/// row stream (the file's comment has the measurements).
constexpr int64_t kBytesAhead = 4096;

/// A run of a tile's row to prefetch: `memref` at `indices`, row dimension
/// `dim` (its index moves one row per step of the row loop), `bytes` long
/// along the contiguous innermost dimension.
struct RowRun {
  Value memref;
  SmallVector<Value> indices;
  unsigned dim;
  int64_t bytes;
};

/// Bytes per element of a memref, 0 when not whole bytes.
int64_t elementBytes(Value memref) {
  return cast<MemRefType>(memref.getType()).getElementTypeBitWidth() / 8;
}

/// Whether two indices are the same value or equal constants.
bool sameIndex(Value a, Value b) {
  if (a == b)
    return true;
  std::optional<int64_t> x = getConstantIntValue(a), y = getConstantIntValue(b);
  return x && y && *x == *y;
}

/// Whether `run` reads the rows `other` reads (the row index aside).
bool sameRows(const RowRun &run, const RowRun &other) {
  if (run.memref != other.memref || run.dim != other.dim ||
      run.indices.size() != other.indices.size())
    return false;
  for (auto [d, a, b] : llvm::enumerate(run.indices, other.indices))
    if (d != run.dim && !sameIndex(a, b))
      return false;
  return true;
}

/// The row loop of `keys`: an scf.for in it over [0, tile) by 1 whose body
/// reads rows `kt + r` of a memref defined outside `keys` (an index moving
/// one row per step of the loop, computed from the key-tile variable), each
/// a 1-D run along the contiguous innermost dimension of whole-byte
/// elements (decode's P V over the value rows). Returns it and those reads
/// as runs.
std::optional<std::pair<scf::ForOp, SmallVector<RowRun>>>
findRowLoop(scf::ForOp keys, int64_t tile) {
  Value kt = keys.getInductionVar();
  std::optional<std::pair<scf::ForOp, SmallVector<RowRun>>> found;
  keys.getBody()->walk([&](scf::ForOp rows) {
    std::optional<int64_t> lb = getConstantIntValue(rows.getLowerBound()),
                           ub = getConstantIntValue(rows.getUpperBound()),
                           step = getConstantIntValue(rows.getStep());
    if (found || lb != 0 || ub != tile || step != 1)
      return;
    SmallVector<RowRun> runs;
    for (auto load : rows.getBody()->getOps<vector::LoadOp>()) {
      Value memref = load.getBase();
      ValueRange indices = load.getIndices();
      if (!keys.isDefinedOutsideOfLoop(memref) ||
          load.getVectorType().getRank() != 1 ||
          !kf::innermostContiguous(memref) || elementBytes(memref) == 0)
        continue;
      std::optional<kf::MovingIndex> moving = kf::movingIndex(indices, rows);
      if (!moving || moving->perUnit != 1 ||
          moving->dim + 1 == indices.size())
        continue;
      auto row = indices[moving->dim].getDefiningOp<affine::AffineApplyOp>();
      bool fromKeys = row && llvm::is_contained(row.getMapOperands(), kt);
      for (auto [d, index] : llvm::enumerate(indices))
        fromKeys &= d == moving->dim || keys.isDefinedOutsideOfLoop(index);
      if (!fromKeys)
        continue;
      runs.push_back({memref, llvm::to_vector(indices), moving->dim,
                      load.getVectorType().getNumElements() *
                          elementBytes(memref)});
    }
    if (!runs.empty())
      found = std::make_pair(rows, std::move(runs));
  });
  return found;
}

/// A run for each tile view in `keys`' body: a memref.subview of a memref
/// defined outside `keys`, unit strides, whose offset along one dimension is
/// the key-tile variable and whose size there is `tile`, the others offsets
/// from outside `keys` and sizes of one up to the innermost (rows of one
/// contiguous run), at row `row` (of the next tile).
/// Views of rows `known` already reads are left out.
SmallVector<RowRun> tileViews(scf::ForOp keys, int64_t tile, Value row,
                              ArrayRef<RowRun> known, OpBuilder &constants) {
  Value kt = keys.getInductionVar();
  SmallVector<RowRun> runs;
  for (auto view : keys.getBody()->getOps<memref::SubViewOp>()) {
    Value source = view.getSource();
    if (!keys.isDefinedOutsideOfLoop(source) ||
        !kf::innermostContiguous(source) || elementBytes(source) == 0)
      continue;
    SmallVector<OpFoldResult> offsets = view.getMixedOffsets(),
                              sizes = view.getMixedSizes(),
                              strides = view.getMixedStrides();
    std::optional<unsigned> dim;
    bool plain = true;
    for (auto [d, offset] : llvm::enumerate(offsets)) {
      auto value = dyn_cast<Value>(offset);
      if (value == kt && !dim)
        dim = d;
      else if (value && !keys.isDefinedOutsideOfLoop(value))
        plain = false;
      plain &= isConstantIntValue(strides[d], 1);
    }
    unsigned last = offsets.size() - 1;
    if (!plain || !dim || *dim == last ||
        !isConstantIntValue(sizes[*dim], tile))
      continue;
    for (unsigned d = *dim + 1; d < last; ++d)
      plain &= isConstantIntValue(sizes[d], 1);
    std::optional<int64_t> runElements = getConstantIntValue(sizes[last]);
    if (!plain || !runElements)
      continue;
    RowRun run{source, {}, *dim, *runElements * elementBytes(source)};
    for (auto [d, offset] : llvm::enumerate(offsets))
      run.indices.push_back(
          d == *dim ? row
                    : getValueOrCreateConstantIndexOp(constants, view.getLoc(),
                                                      offset));
    if (llvm::none_of(known, [&](const RowRun &other) {
          return sameRows(run, other);
        }))
      runs.push_back(std::move(run));
  }
  return runs;
}

void prefetchNextTile(scf::ForOp keys) {
  std::optional<int64_t> tile = getConstantIntValue(keys.getStep());
  if (!tile || *tile <= 0)
    return;
  auto rowLoop = findRowLoop(keys, *tile);
  if (!rowLoop)
    return;
  auto [rows, runs] = *rowLoop;
  // Whole tiles, at least kBytesAhead of the widest row run.
  int64_t rowBytes = 1;
  for (const RowRun &run : runs)
    rowBytes = std::max(rowBytes, run.bytes);
  int64_t tilesAhead =
      std::max<int64_t>(1, llvm::divideCeil(kBytesAhead, *tile * rowBytes));
  OpBuilder constants(keys);
  OpBuilder b = OpBuilder::atBlockBegin(rows.getBody());
  // Row r of the tile that far ahead, or the loop's last row when there is
  // none (a line just read, not one past the keys the query sees). The
  // loads' row index is computed further down the body: the prefetches,
  // first in it, compute their own.
  Location loc = rows.getLoc();
  Value last = arith::SubIOp::create(
      constants, loc, keys.getUpperBound(),
      arith::ConstantIndexOp::create(constants, loc, 1));
  Value next = arith::AddIOp::create(
      b, loc, keys.getInductionVar(),
      arith::ConstantIndexOp::create(constants, loc, *tile * tilesAhead));
  Value row = arith::MinSIOp::create(
      b, loc, arith::AddIOp::create(b, loc, next, rows.getInductionVar()),
      last);
  for (RowRun &run : runs)
    run.indices[run.dim] = row;
  llvm::append_range(runs, tileViews(keys, *tile, row, runs, constants));
  for (const RowRun &run : runs)
    kf::prefetchRunAhead(b, constants, loc, run.memref, run.indices,
                         kf::MovingIndex{run.dim, 1}, /*elementsAhead=*/0,
                         llvm::divideCeil(run.bytes, kf::kCacheLineBytes),
                         elementBytes(run.memref), kf::CacheLevel::L2);
}

struct PrefetchNextKeyTilePass
    : kf::impl::PrefetchNextKeyTilePassBase<PrefetchNextKeyTilePass> {
  using PrefetchNextKeyTilePassBase::PrefetchNextKeyTilePassBase;

  void runOnOperation() override {
    getOperation()->walk([&](scf::ForOp keys) {
      if (keys->removeAttr(kf::kKeyTileLoopAttrName))
        prefetchNextTile(keys);
    });
  }
};

} // namespace
