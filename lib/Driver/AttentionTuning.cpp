//===- AttentionTuning.cpp - Fused attention's tiles as tuning problems ---===//
//
// kernelforge-tune's attention problems: each distinct `kf.attention` of a
// module becomes a one-op kernel, and its candidates are query blocks and
// key tiles of the fused online-softmax loop (convert-kf-to-linalg), ranked
// by a cost model before they are measured (Tuner.cpp).
//
//===----------------------------------------------------------------------===//

#include "kernelforge/Driver/Tuner.h"

#include "kernelforge/Codegen/CPU/AttentionProblems.h"
#include "kernelforge/Codegen/CPU/Passes.h"

#include "mlir/Pass/PassManager.h"

#include <algorithm>
#include <set>

using namespace mlir;
using namespace mlir::kf;

/// Multiply-adds of QK^T and PV over the keys each query sees (the causal
/// mask and window hide the rest), times two.
static double attentionFlops(AttentionOp op, int64_t offset) {
  auto query = cast<RankedTensorType>(op.getQuery().getType());
  auto key = cast<RankedTensorType>(op.getKey().getType());
  auto value = cast<RankedTensorType>(op.getValue().getType());
  int64_t rows = query.getDimSize(0) * query.getDimSize(1);
  int64_t queries = query.getDimSize(2), keys = key.getDimSize(2);
  int64_t perKey = query.getDimSize(3) + value.getDimSize(3);
  if (offset < 0)
    offset = op.getDefaultCausalOffset();
  double seen = 0;
  for (int64_t i = 0; i < queries; ++i) {
    int64_t last = op.getCausal() ? std::min(keys - 1, i + offset) : keys - 1;
    int64_t first = 0;
    if (std::optional<uint64_t> window = op.getWindow();
        window && op.getCausal())
      first = std::max<int64_t>(0, i + offset - int64_t(*window) + 1);
    seen += double(std::max<int64_t>(0, last - first + 1));
  }
  return 2.0 * double(rows) * double(perKey) * seen;
}

FailureOr<std::vector<TuningProblem>>
mlir::kf::collectAttentionProblems(ModuleOp module,
                                   const TuningTarget &target) {
  PassManager pm(module.getContext());
  CPUTargetPassOptions options;
  options.cpu = target.cpu;
  options.features = target.features;
  pm.addPass(createCPUTargetPass(options));
  if (failed(pm.run(module)))
    return failure();
  TuningProblemSet problems(module);
  module.walk([&](AttentionOp op) {
    TuningProblem *p =
        problems.add(op, kAttentionKind, describeAttentionProblem(op));
    if (!p)
      return;
    setTarget(*p, target);
    auto query = cast<RankedTensorType>(op.getQuery().getType());
    auto key = cast<RankedTensorType>(op.getKey().getType());
    p->ranges = {query.getDimSize(0), query.getDimSize(1),
                 query.getDimSize(2), key.getDimSize(2), query.getDimSize(3)};
    p->queryOffset = op.getQueryOffset() ? representativeQueryOffset(op) : -1;
    p->flops = attentionFlops(op, p->queryOffset);
    p->keyBytes = std::max<int64_t>(1, key.getElementTypeBitWidth() / 8);
  });
  return problems.take();
}

std::vector<ScheduleCandidate>
mlir::kf::generateAttentionCandidates(const TuningProblem &problem,
                                      size_t limit) {
  int64_t batchHeads = problem.ranges[0] * problem.ranges[1];
  int64_t queries = problem.ranges[2], keys = problem.ranges[3];
  int64_t headDim = problem.ranges[4];
  int64_t offset =
      problem.queryOffset >= 0 ? problem.queryOffset : keys - queries;
  // Keys a query sees on average (the causal mask hides the rest).
  double seen = std::clamp<double>(double(offset) + double(queries + 1) / 2,
                                   1.0, double(keys));

  auto score = [&](int64_t q, int64_t k) {
    // A key tile's keys and values, and the block's scores of it, in L1.
    double bytes =
        2.0 * double(k * headDim * problem.keyBytes) + 4.0 * double(q * k);
    double fit = std::min(1.0, double(problem.l1d) / bytes);
    // Each key tile is read once per query block.
    double reuse = double(q) / double(q + 4);
    // The online softmax rescales the block's sums once per key tile.
    double perTile = double(k) / double(k + 16);
    // The last tile a block sees is half masked on average.
    double masked = seen / (seen + double(q + k) / 4);
    // Blocks spread over the cores: the last round's idle cores.
    int64_t blocks = batchHeads * ((queries + q - 1) / q);
    int64_t rounds = (blocks + problem.cores - 1) / problem.cores;
    double balance = double(blocks) / double(rounds * problem.cores);
    return fit * reuse * perTile * masked * balance;
  };

  std::vector<ScheduleCandidate> all;
  std::set<std::pair<int64_t, int64_t>> effective;
  auto add = [&](int64_t q, int64_t k) {
    q = tileDividing(queries, q);
    k = tileDividing(keys, k);
    if (!effective.insert({q, k}).second)
      return;
    ScheduleCandidate c;
    c.attentionQueryTile = q;
    c.attentionKeyTile = k;
    c.score = score(q, k);
    all.push_back(c);
  };
  // The default first, then the others best first.
  add(problem.defaults.attentionQueryTile,
      queries == 1 ? problem.defaults.attentionDecodeKeyTile
                   : problem.defaults.attentionKeyTile);
  for (int64_t q : {8, 16, 32, 64, 128, 256})
    for (int64_t k : {16, 32, 64, 128, 256})
      add(q, k);
  std::stable_sort(all.begin() + 1, all.end(),
                   [](const ScheduleCandidate &a, const ScheduleCandidate &b) {
                     return a.score > b.score;
                   });
  if (all.size() > limit)
    all.resize(std::max<size_t>(limit, 1));
  return all;
}
