//===- ApplyTuning.cpp - Measured schedules onto contractions, attention ===//

#include "kernelforge/Codegen/CPU/AttentionProblems.h"
#include "kernelforge/Codegen/CPU/Passes.h"
#include "kernelforge/Target/TuningCache.h"
#include "kernelforge/Transforms/Contractions.h"

#include "mlir/IR/BuiltinOps.h"

namespace mlir::kf {
#define GEN_PASS_DEF_APPLYTUNINGPASS
#include "kernelforge/Codegen/CPU/Passes.h.inc"
} // namespace mlir::kf

using namespace mlir;

namespace {

struct ApplyTuningPass : kf::impl::ApplyTuningPassBase<ApplyTuningPass> {
  using ApplyTuningPassBase::ApplyTuningPassBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto target = module->getAttrOfType<DictionaryAttr>(kf::kTargetAttrName);
    if (!target || cache == "none")
      return;
    // kf.attention ops (before convert-kf-to-linalg: their tiles shape the
    // loops it builds) and contractions (linalg, before
    // kf-tile-and-vectorize); kf-cpu-pipeline runs this pass at both points.
    SmallVector<kf::AttentionOp> attention;
    SmallVector<linalg::LinalgOp> contractions;
    module.walk([&](Operation *op) {
      if (auto fused = dyn_cast<kf::AttentionOp>(op))
        attention.push_back(fused);
      else if (auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
               linalgOp && kf::isTuningProblem(linalgOp))
        contractions.push_back(linalgOp);
    });
    if (attention.empty() && contractions.empty())
      return;

    // What an earlier run on this module recorded; a warning it gave is not
    // given again.
    Builder b(&getContext());
    NamedAttrList record;
    if (auto earlier = module->getAttrOfType<DictionaryAttr>("kf.tuning"))
      record.append(earlier.getValue());
    bool warned = record.get("warned") != nullptr;
    std::string path =
        cache.empty() ? kf::TuningCache::defaultPath() : std::string(cache);
    std::string problem;
    kf::TuningCache tuning = kf::TuningCache::load(path, problem);
    // At the op's location, without the op printed after it (for a file
    // warning that would be the whole module).
    auto warn = [&](Operation *op, const Twine &message) {
      if (warned)
        return;
      warned = true;
      mlir::emitWarning(op->getLoc(), message);
    };
    if (!problem.empty())
      warn(module, problem + "; using the target's default schedules");

    // One warning per compile, however many ops share a bad entry.
    auto lookUp =
        [&](Operation *op, StringRef kind,
            const std::string &described) -> std::optional<kf::TunedSchedule> {
      std::string entryProblem;
      std::optional<kf::TunedSchedule> tuned =
          tuning.lookup(kf::tuningKey(target, kind, described), entryProblem);
      if (!entryProblem.empty())
        warn(op, entryProblem);
      return tuned;
    };
    // Where the target's default won, the op keeps it (the default is not
    // a schedule on the op: one-row products, for one, split their
    // reduction across the threads only without one). Each entry used is
    // recorded under `used` as "kind|problem" -> what it chose.
    NamedAttrList used;
    if (auto earlier = dyn_cast_or_null<DictionaryAttr>(record.get("used")))
      used.append(earlier.getValue());
    auto apply = [&](Operation *op, StringRef kind, const std::string &problem,
                     const kf::TunedSchedule &tuned) {
      bool won = tuned.ms < tuned.defaultMs;
      if (won)
        op->setAttr(kf::kScheduleAttrName, tuned.toAttr(&getContext()));
      used.set(b.getStringAttr(kind + "|" + problem),
               b.getStringAttr(won ? tuned.describe() : "target default"));
    };
    int64_t attentionApplied = 0, applied = 0;
    for (kf::AttentionOp op : attention) {
      std::string problem = kf::describeAttentionProblem(op);
      if (auto tuned = lookUp(op, kf::kAttentionKind, problem)) {
        ++attentionApplied;
        apply(op, kf::kAttentionKind, problem, *tuned);
      }
    }
    for (linalg::LinalgOp op : contractions) {
      std::string problem = kf::describeProblem(op, bf16Products);
      if (auto tuned = lookUp(op, kf::kContractionKind, problem)) {
        ++applied;
        apply(op, kf::kContractionKind, problem, *tuned);
      }
    }

    record.set("cache", b.getStringAttr(path));
    if (!attention.empty()) {
      record.set("attention", b.getI64IntegerAttr(attention.size()));
      record.set("attention_applied", b.getI64IntegerAttr(attentionApplied));
    }
    if (!contractions.empty()) {
      record.set("contractions", b.getI64IntegerAttr(contractions.size()));
      record.set("applied", b.getI64IntegerAttr(applied));
    }
    if (!used.empty())
      record.set("used", used.getDictionary(&getContext()));
    if (warned)
      record.set("warned", b.getUnitAttr());
    module->setAttr("kf.tuning", record.getDictionary(&getContext()));
  }
};

} // namespace
