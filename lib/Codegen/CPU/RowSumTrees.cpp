//===- RowSumTrees.cpp - Rows' lane sums as one tree of shuffles ----------===//
//
// A decode query's attention scores a tile of keys as dot products along
// the head dimension, each key's products summed into a vector of lanes
// (kf-tile-and-vectorize's lane split), and then adds every key's lanes
// into its score, one row at a time:
//
//   for r in [0, R):  s[r] = s[r] + reduce_add(p[r, 0 : W])
//
// x86 does each reduction as four halvings and a scalar add, about ten
// instructions per key, and the scores, stored one float at a time, are
// read back as a vector by the softmax. Here each W rows (W the lanes of
// p, R a multiple of it) are summed by one tree instead: rows paired,
// each pair's lane groups halved and the halves added,
//
//   level with groups of g lanes:  [a's groups' first g/2 lanes, b's ...]
//                                + [a's groups' last g/2 lanes,  b's ...]
//
// until one vector holds the W rows' totals in row order: 2 (W - 1)
// shuffles and W - 1 additions, then one vector add and store into s. The
// order of the additions changes, which the reductions' `reassoc` allows.
//
//===----------------------------------------------------------------------===//

#include "kernelforge/Codegen/CPU/Passes.h"

#include "Views.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/Matchers.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/MathExtras.h"

namespace mlir::kf {
#define GEN_PASS_DEF_ROWSUMTREESPASS
#include "kernelforge/Codegen/CPU/Passes.h.inc"
} // namespace mlir::kf

using namespace mlir;

namespace {

/// A matched loop: `rows` of W lanes read at row `iv` (dimension `rowDim`),
/// each summed into `sums` at index `iv` of its innermost dimension.
struct RowSumLoop {
  vector::LoadOp rows;
  unsigned rowDim;
  Value sums;
  SmallVector<Value> sumIndices;
};

/// The position of `iv` among `indices` when it is there exactly once and
/// every other index is defined outside `loop`.
std::optional<unsigned> ivPosition(scf::ForOp loop, ValueRange indices) {
  std::optional<unsigned> at;
  for (auto [d, index] : llvm::enumerate(indices)) {
    if (index == loop.getInductionVar()) {
      if (at)
        return std::nullopt;
      at = d;
    } else if (!loop.isDefinedOutsideOfLoop(index)) {
      return std::nullopt;
    }
  }
  return at;
}

/// The buffer and indices `value` is read from: a memref.load, or element 0
/// of a one-element vector.load.
std::optional<std::pair<Value, SmallVector<Value>>> scalarRead(Value value) {
  if (auto load = value.getDefiningOp<memref::LoadOp>())
    return std::make_pair(load.getMemRef(),
                          SmallVector<Value>(load.getIndices()));
  auto extract = value.getDefiningOp<vector::ExtractOp>();
  if (!extract || extract.getSourceVectorType().getNumElements() != 1)
    return std::nullopt;
  auto load = extract.getSource().getDefiningOp<vector::LoadOp>();
  if (!load || load.getVectorType().getRank() != 1)
    return std::nullopt;
  return std::make_pair(load.getBase(), SmallVector<Value>(load.getIndices()));
}

/// The buffer and indices `value` is stored to by its one user: a
/// memref.store, or a vector.store of the one-element vector made of it (a
/// vector.broadcast, or a vector.insert at 0).
std::optional<std::pair<Value, SmallVector<Value>>> scalarWrite(Value value) {
  if (!value.hasOneUse())
    return std::nullopt;
  Operation *user = *value.getUsers().begin();
  if (auto store = dyn_cast<memref::StoreOp>(user))
    return std::make_pair(store.getMemRef(),
                          SmallVector<Value>(store.getIndices()));
  auto insert = dyn_cast<vector::InsertOp>(user);
  if (!isa<vector::BroadcastOp>(user) &&
      !(insert && insert.getValueToStore() == value))
    return std::nullopt;
  auto single = dyn_cast<VectorType>(user->getResult(0).getType());
  if (!single || single.getRank() != 1 || single.getNumElements() != 1 ||
      !user->hasOneUse())
    return std::nullopt;
  auto store = dyn_cast<vector::StoreOp>(*user->getUsers().begin());
  if (!store || store.getValueToStore() != user->getResult(0))
    return std::nullopt;
  return std::make_pair(store.getBase(),
                        SmallVector<Value>(store.getIndices()));
}

/// `loop` when it is `for r in [0, R) step 1: s[.., r] += reduce_add(p[..
/// r ..])` with `reassoc`, R a multiple of the lanes W (a power of two),
/// and nothing else in its body.
std::optional<RowSumLoop> matchRowSums(scf::ForOp loop) {
  std::optional<int64_t> lb = getConstantIntValue(loop.getLowerBound()),
                         ub = getConstantIntValue(loop.getUpperBound()),
                         step = getConstantIntValue(loop.getStep());
  if (!lb || !ub || !step || *lb != 0 || *step != 1 ||
      loop.getNumResults() != 0)
    return std::nullopt;
  auto reductions = loop.getBody()->getOps<vector::ReductionOp>();
  if (!llvm::hasSingleElement(reductions))
    return std::nullopt;
  vector::ReductionOp reduction = *reductions.begin();
  if (reduction.getKind() != vector::CombiningKind::ADD ||
      !reduction.getAcc() ||
      !arith::bitEnumContainsAll(reduction.getFastmath(),
                                 arith::FastMathFlags::reassoc) ||
      !reduction.getType().isF32())
    return std::nullopt;

  auto rows = reduction.getVector().getDefiningOp<vector::LoadOp>();
  if (!rows || rows->getBlock() != loop.getBody() ||
      rows.getVectorType().getRank() != 1)
    return std::nullopt;
  int64_t lanes = rows.getVectorType().getNumElements();
  std::optional<unsigned> rowDim = ivPosition(loop, rows.getIndices());
  if (lanes < 2 || !llvm::isPowerOf2_64(lanes) || *ub % lanes != 0 || !rowDim ||
      *rowDim + 1 == rows.getIndices().size())
    return std::nullopt;

  auto read = scalarRead(reduction.getAcc());
  auto write = scalarWrite(reduction.getDest());
  if (!read || !write || read->first != write->first ||
      read->second != write->second || !kf::innermostContiguous(read->first) ||
      ivPosition(loop, read->second) != read->second.size() - 1 ||
      !loop.isDefinedOutsideOfLoop(read->first) ||
      !loop.isDefinedOutsideOfLoop(rows.getBase()))
    return std::nullopt;

  // Nothing else: the reads, the reduction and the write (4 to 6 ops).
  unsigned expected = 3; // rows, reduction, the store or its broadcast
  expected += reduction.getAcc().getDefiningOp<memref::LoadOp>() ? 1 : 2;
  expected += reduction.getDest().getUsers().begin()->getNumResults();
  if (loop.getBody()->without_terminator().end() !=
      std::next(loop.getBody()->without_terminator().begin(), expected))
    return std::nullopt;
  return RowSumLoop{rows, *rowDim, read->first, std::move(read->second)};
}

/// The totals of `rows` (W vectors of W lanes) in one vector, in row order.
Value sumTree(OpBuilder &b, Location loc, SmallVector<Value> rows) {
  int64_t lanes = cast<VectorType>(rows.front().getType()).getNumElements();
  for (int64_t group = lanes; rows.size() > 1; group /= 2) {
    // Each vector holds lanes / group rows of `group` partial sums.
    SmallVector<int64_t> low, high;
    for (int64_t source : {int64_t(0), lanes})
      for (int64_t start = 0; start < lanes; start += group)
        for (int64_t l = 0; l < group / 2; ++l) {
          low.push_back(source + start + l);
          high.push_back(source + start + group / 2 + l);
        }
    SmallVector<Value> next;
    for (unsigned i = 0; i + 1 < rows.size(); i += 2) {
      Value a = vector::ShuffleOp::create(b, loc, rows[i], rows[i + 1], low);
      Value c = vector::ShuffleOp::create(b, loc, rows[i], rows[i + 1], high);
      next.push_back(arith::AddFOp::create(b, loc, a, c));
    }
    rows = std::move(next);
  }
  return rows.front();
}

void rewrite(scf::ForOp loop, RowSumLoop &match) {
  OpBuilder b(loop);
  Location loc = loop.getLoc();
  VectorType rowType = match.rows.getVectorType();
  int64_t lanes = rowType.getNumElements();
  int64_t count = *getConstantIntValue(loop.getUpperBound());
  for (int64_t first = 0; first < count; first += lanes) {
    SmallVector<Value> rows;
    for (int64_t r = first; r < first + lanes; ++r) {
      SmallVector<Value> indices(match.rows.getIndices());
      indices[match.rowDim] = arith::ConstantIndexOp::create(b, loc, r);
      rows.push_back(vector::LoadOp::create(b, loc, rowType,
                                            match.rows.getBase(), indices));
    }
    Value totals = sumTree(b, loc, std::move(rows));
    SmallVector<Value> at(match.sumIndices);
    at.back() = arith::ConstantIndexOp::create(b, loc, first);
    Value old =
        vector::LoadOp::create(b, loc, rowType, match.sums, at).getResult();
    Value sum = arith::AddFOp::create(b, loc, old, totals);
    vector::StoreOp::create(b, loc, sum, match.sums, at);
  }
  loop.erase();
}

struct RowSumTreesPass : kf::impl::RowSumTreesPassBase<RowSumTreesPass> {
  void runOnOperation() override {
    SmallVector<std::pair<scf::ForOp, RowSumLoop>> found;
    getOperation().walk([&](scf::ForOp loop) {
      if (auto match = matchRowSums(loop))
        found.emplace_back(loop, std::move(*match));
    });
    for (auto &[loop, match] : found)
      rewrite(loop, match);
  }
};

} // namespace
