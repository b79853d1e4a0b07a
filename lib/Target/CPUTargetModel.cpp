//===- CPUTargetModel.cpp - CPU facts from LLVM's target description ------===//

#include "kernelforge/Target/CPUTargetModel.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/Threading.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/SubtargetFeature.h"
#include "llvm/TargetParser/Triple.h"

#include <thread>

using namespace mlir;
using namespace mlir::kf;

/// Every target LLVM was built with, once: cross-compiling asks for
/// AArch64's description on an x86 host.
static void initializeTargets() {
  static bool done = [] {
    llvm::InitializeAllTargetInfos();
    llvm::InitializeAllTargets();
    llvm::InitializeAllTargetMCs();
    llvm::InitializeAllAsmPrinters();
    return true;
  }();
  (void)done;
}

/// "32K", "1024K", "8M" as written in sysfs; 0 when unreadable.
static int64_t parseCacheSize(StringRef text) {
  text = text.trim();
  int64_t scale = 1;
  if (text.consume_back("K"))
    scale = 1024;
  else if (text.consume_back("M"))
    scale = 1024 * 1024;
  int64_t value = 0;
  if (text.getAsInteger(10, value) || value <= 0)
    return 0;
  return value * scale;
}

/// A sysfs file's text (read as a stream: sysfs reports a size of a page
/// whatever the content).
static std::string readFile(const Twine &path) {
  auto buffer = llvm::MemoryBuffer::getFileAsStream(path);
  return buffer ? (*buffer)->getBuffer().trim().str() : std::string();
}

/// The host's data caches from Linux's sysfs (L1d and L2 of cpu0, the
/// largest L3); false where it is not available.
static bool readHostCaches(CPUTargetModel &model) {
  bool any = false;
  for (int index = 0; index < 8; ++index) {
    std::string dir =
        "/sys/devices/system/cpu/cpu0/cache/index" + std::to_string(index);
    std::string type = readFile(dir + "/type");
    if (type.empty())
      break;
    if (type == "Instruction")
      continue;
    int64_t size = parseCacheSize(readFile(dir + "/size"));
    std::string level = readFile(dir + "/level");
    if (size == 0)
      continue;
    if (level == "1")
      model.l1d = size;
    else if (level == "2")
      model.l2 = size;
    else if (level == "3")
      model.l3 = size;
    else
      continue;
    any = true;
  }
  return any;
}

/// Per-family defaults where the target is not the host.
static void setDefaultCaches(CPUTargetModel &model) {
  if (model.isAArch64) {
    // Neoverse N1/V1/N2, Graviton 2/3: 64 KiB L1d, 1 MiB L2.
    model.l1d = 64 * 1024;
    model.l2 = 1024 * 1024;
    model.l3 = 32 * 1024 * 1024;
    return;
  }
  // x86: 32 KiB L1d everywhere that matters (48 KiB on Ice Lake and later);
  // L2 1 MiB on AVX-512 parts (Skylake-SP, Zen 4), 512 KiB on Zen 2/3.
  model.l1d = 32 * 1024;
  model.l2 = model.vectorBits >= 512 ? 1024 * 1024 : 512 * 1024;
  model.l3 = 8 * 1024 * 1024;
}

CPUTargetModel CPUTargetModel::host() {
  std::string error;
  FailureOr<CPUTargetModel> model = get("", "", "", error);
  // The host's own description cannot be unknown to the LLVM running on it.
  assert(succeeded(model) && "LLVM does not know the host");
  return *model;
}

FailureOr<CPUTargetModel> CPUTargetModel::get(StringRef tripleName,
                                              StringRef cpuName,
                                              StringRef features,
                                              std::string &error) {
  initializeTargets();
  std::string hostTriple = llvm::sys::getDefaultTargetTriple();
  llvm::Triple triple(llvm::Triple::normalize(
      tripleName.empty() ? StringRef(hostTriple) : tripleName));
  llvm::Triple host(llvm::Triple::normalize(hostTriple));
  bool hostArch = triple.getArch() == host.getArch();
  std::string lookupError;
  const llvm::Target *target =
      llvm::TargetRegistry::lookupTarget(triple, lookupError);
  if (!target) {
    error = "unknown target triple '" + triple.str() + "': " + lookupError;
    return failure();
  }

  CPUTargetModel model;
  model.triple = triple.str();
  model.isX86 = triple.isX86();
  model.isAArch64 = triple.isAArch64();
  bool isHostCPU = hostArch && cpuName.empty();
  model.cpu = !cpuName.empty() ? cpuName.str()
              : hostArch       ? llvm::sys::getHostCPUName().str()
                               : std::string("generic");
  model.features = features.str();
  if (isHostCPU && features.empty()) {
    llvm::SubtargetFeatures hostFeatures;
    for (const auto &feature : llvm::sys::getHostCPUFeatures())
      hostFeatures.AddFeature(feature.getKey(), feature.getValue());
    model.features = hostFeatures.getString();
  }

  std::unique_ptr<llvm::MCSubtargetInfo> info(
      target->createMCSubtargetInfo(triple, model.cpu, model.features));
  if (!info || !info->isCPUStringValid(model.cpu)) {
    error = "unknown target CPU '" + model.cpu + "' for " + triple.str() +
            " (llc -mtriple=" + triple.str() + " -mcpu=help lists the "
            "known ones)";
    return failure();
  }
  auto has = [&](StringRef feature) {
    return info->checkFeatures(("+" + feature).str());
  };
  if (model.isX86) {
    bool avx512 = has("avx512f");
    model.vectorBits = avx512 ? 512 : has("avx") ? 256 : 128;
    model.vectorRegisters = avx512 ? 32 : triple.isArch64Bit() ? 16 : 8;
    model.hasFMA = has("fma");
    model.hasBF16Dot = avx512 && has("avx512bf16");
  } else if (model.isAArch64) {
    // NEON's 128-bit registers (SVE's length is not known at compile time).
    model.vectorBits = 128;
    model.vectorRegisters = 32;
    model.hasFMA = has("neon");
  } else {
    model.vectorBits = 128;
    model.vectorRegisters = 16;
  }

  model.cores = std::max<int64_t>(1, std::thread::hardware_concurrency());
  if (isHostCPU && readHostCaches(model))
    model.measuredOnHost = true;
  else
    setDefaultCaches(model);
  return model;
}

/// Instruction sets LLVM may select for plain arithmetic and vector code
/// (and so for a compiled model): a host that reports one absent cannot run
/// code that has it. System instructions (rdpid, xsaves, pku, ...), which a
/// virtual machine often hides, are never generated and do not count.
static bool codeMayUse(StringRef feature) {
  for (StringRef prefix :
       {"sse",        "ssse",    "avx",    "fma",      "f16c",   "amx",
        "bmi",        "lzcnt",   "popcnt", "movbe",    "gfni",   "vaes",
        "vpclmulqdq", "evex512", "xop",    "neon",     "sve",    "sme",
        "dotprod",    "bf16",    "i8mm",   "fullfp16", "fp16fml"})
    if (feature.starts_with(prefix))
      return true;
  return false;
}

std::string CPUTargetModel::whyNotRunnableHere() const {
  initializeTargets();
  llvm::Triple target(triple);
  llvm::Triple host(
      llvm::Triple::normalize(llvm::sys::getDefaultTargetTriple()));
  if (target.getArch() != host.getArch())
    return "it is " + target.getArchName().str() +
           " code and this machine is " + host.getArchName().str();
  std::string error;
  const llvm::Target *llvmTarget =
      llvm::TargetRegistry::lookupTarget(target, error);
  std::unique_ptr<llvm::MCSubtargetInfo> info(
      llvmTarget ? llvmTarget->createMCSubtargetInfo(target, cpu, features)
                 : nullptr);
  if (!info)
    return "LLVM does not describe " + triple + " " + cpu;
  // Instruction sets the host reports absent and the target has.
  SmallVector<std::string> missing;
  for (const auto &feature : llvm::sys::getHostCPUFeatures())
    if (!feature.getValue() && codeMayUse(feature.getKey()) &&
        info->checkFeatures(("+" + feature.getKey()).str()))
      missing.push_back(feature.getKey().str());
  if (missing.empty())
    return "";
  llvm::sort(missing);
  return "this CPU lacks " + llvm::join(missing, ", ");
}

DictionaryAttr CPUTargetModel::toAttr(MLIRContext *context) const {
  Builder b(context);
  SmallVector<NamedAttribute> fields = {
      b.getNamedAttr("triple", b.getStringAttr(triple)),
      b.getNamedAttr("cpu", b.getStringAttr(cpu)),
      b.getNamedAttr("vector_bits", b.getI64IntegerAttr(vectorBits)),
      b.getNamedAttr("vector_registers", b.getI64IntegerAttr(vectorRegisters)),
      b.getNamedAttr("fma", b.getBoolAttr(hasFMA)),
      b.getNamedAttr("l1d", b.getI64IntegerAttr(l1d)),
      b.getNamedAttr("l2", b.getI64IntegerAttr(l2)),
      b.getNamedAttr("l3", b.getI64IntegerAttr(l3)),
      b.getNamedAttr("cores", b.getI64IntegerAttr(cores)),
      b.getNamedAttr("caches", b.getStringAttr(measuredOnHost ? "host"
                                                              : "default")),
  };
  // Only where there is one: targets without it print as before.
  if (hasBF16Dot)
    fields.push_back(b.getNamedAttr("bf16_dot", b.getBoolAttr(true)));
  return b.getDictionaryAttr(fields);
}

namespace {
/// The target kf-cpu-target recorded on `op`'s module (null: none).
DictionaryAttr recordedTarget(Operation *op) {
  auto module =
      isa<ModuleOp>(op) ? cast<ModuleOp>(op) : op->getParentOfType<ModuleOp>();
  return module ? module->getAttrOfType<DictionaryAttr>(kTargetAttrName)
                : DictionaryAttr();
}
} // namespace

bool mlir::kf::targetHasBF16Dot(Operation *op) {
  DictionaryAttr target = recordedTarget(op);
  auto dot = target ? target.getAs<BoolAttr>("bf16_dot") : BoolAttr();
  return dot && dot.getValue() && x86VectorBits(op).value_or(0) >= 512;
}

std::optional<int64_t> mlir::kf::x86VectorBits(Operation *op) {
  DictionaryAttr target = recordedTarget(op);
  auto triple = target ? target.getAs<StringAttr>("triple") : StringAttr();
  auto bits = target ? target.getAs<IntegerAttr>("vector_bits") : IntegerAttr();
  if (!triple || !bits || bits.getInt() <= 0 ||
      !llvm::Triple(triple.getValue()).isX86())
    return std::nullopt;
  return bits.getInt();
}
