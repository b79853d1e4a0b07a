//===- CPUTarget.cpp - Record the target CPU and its schedule -------------===//

#include "kernelforge/Target/CPUTargetModel.h"
#include "kernelforge/Codegen/CPU/Passes.h"

#include "mlir/IR/BuiltinOps.h"

namespace mlir::kf {
#define GEN_PASS_DEF_CPUTARGETPASS
#include "kernelforge/Codegen/CPU/Passes.h.inc"
} // namespace mlir::kf

using namespace mlir;

namespace {

struct CPUTargetPass : kf::impl::CPUTargetPassBase<CPUTargetPass> {
  using CPUTargetPassBase::CPUTargetPassBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    bool targetGiven =
        !triple.empty() || !cpu.empty() || !features.empty() || cores != 0;
    bool keep = !targetGiven && module->hasAttr(kf::kScheduleAttrName);

    kf::CPUSchedule schedule;
    if (keep) {
      schedule = *kf::CPUSchedule::ofModule(module);
    } else {
      std::string error;
      FailureOr<kf::CPUTargetModel> target =
          kf::CPUTargetModel::get(triple, cpu, features, error);
      if (failed(target)) {
        module.emitError("kf-cpu-target: ") << error;
        return signalPassFailure();
      }
      if (cores < 0) {
        module.emitError("kf-cpu-target: cores must be positive (0: this "
                         "machine's)");
        return signalPassFailure();
      }
      if (cores > 0)
        target->cores = cores;
      module->setAttr(kf::kTargetAttrName, target->toAttr(&getContext()));
      schedule = kf::deriveCPUSchedule(*target);
    }
    if (!schedule.overrideWith(vectorWidth, registerRows, registerCols, kTile,
                               threadTile)) {
      module.emitError("kf-cpu-target: tile sizes and vector-width must be "
                       "positive (0: derived from the target)");
      return signalPassFailure();
    }
    for (auto [name, text, field] :
         {std::tuple{"pack-weights", std::string(packWeights),
                     &schedule.packWeights},
          std::tuple{"columns-outer", std::string(columnsOuter),
                     &schedule.columnsOuter},
          std::tuple{"split-reduction", std::string(splitReduction),
                     &schedule.splitReduction}}) {
      if (text == "true" || text == "1")
        *field = true;
      else if (text == "false" || text == "0")
        *field = false;
      else if (!text.empty()) {
        module.emitError("kf-cpu-target: ")
            << name << " must be true or false, got '" << text << "'";
        return signalPassFailure();
      }
    }
    // Asked for, panels are made wherever rows reuse them.
    if (!packWeights.empty() && schedule.packWeights)
      schedule.packMinRows = 0;
    // An overridden vector width takes the register tile's columns along
    // unless they were given too.
    if (vectorWidth > 0 && registerCols == 0 &&
        schedule.registerCols % schedule.vectorWidth != 0)
      schedule.registerCols = 2 * schedule.vectorWidth;
    module->setAttr(kf::kScheduleAttrName, schedule.toAttr(&getContext()));
  }
};

} // namespace
