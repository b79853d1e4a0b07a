//===- ApplyTuning.cpp - Measured schedules onto contractions -------------===//

#include "kernelforge/Target/TuningCache.h"
#include "kernelforge/Transforms/Contractions.h"
#include "kernelforge/Transforms/Passes.h"

#include "mlir/IR/BuiltinOps.h"

namespace mlir::kf {
#define GEN_PASS_DEF_APPLYTUNINGPASS
#include "kernelforge/Transforms/Passes.h.inc"
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
    std::string path = cache.empty() ? kf::TuningCache::defaultPath()
                                     : std::string(cache);
    std::string problem;
    kf::TuningCache tuning = kf::TuningCache::load(path, problem);
    if (!problem.empty())
      module.emitWarning(problem) << "; using the target's default schedules";

    Builder b(&getContext());
    int64_t contractions = 0, applied = 0;
    module.walk([&](linalg::LinalgOp op) {
      if (!op.hasPureTensorSemantics() || !kf::isTiledContraction(op) ||
          ShapedType::isDynamicShape(op.getStaticLoopRanges()))
        return;
      ++contractions;
      std::string key =
          kf::tuningKey(target, "contraction", kf::describeProblem(op));
      std::string entryProblem;
      std::optional<kf::TunedSchedule> tuned =
          tuning.lookup(key, entryProblem);
      if (!entryProblem.empty() && problem.empty()) {
        // One warning per compile, however many ops share the entry.
        problem = entryProblem;
        op->emitWarning(entryProblem);
      }
      if (!tuned)
        return;
      ++applied;
      // Where the target's default won, the op keeps it (the default is not
      // a schedule on the op: one-row products, for one, split their
      // reduction across the threads only without one).
      if (tuned->ms < tuned->defaultMs)
        op->setAttr(kf::kScheduleAttrName, tuned->toAttr(&getContext()));
    });
    if (contractions == 0)
      return;
    module->setAttr("kf.tuning",
                    b.getDictionaryAttr({
                        b.getNamedAttr("cache", b.getStringAttr(path)),
                        b.getNamedAttr("applied", b.getI64IntegerAttr(applied)),
                        b.getNamedAttr("contractions",
                                       b.getI64IntegerAttr(contractions)),
                    }));
  }
};

} // namespace
