//===- TuningCache.h - Measured schedules, kept as JSON ---------*- C++ -*-===//
//
// What kernelforge-tune measured, so that no problem is tuned twice and every
// compile of the same problem on the same CPU gets the winner. One JSON file
// (default ~/.cache/kernelforge/tuning.json):
//
//   {"format": "kernelforge-tuning-1",
//    "entries": {"<key>": {"register_tile": [6, 16], "k_tile": 256,
//                          "thread_tile": 128, "pack_weights": true,
//                          "prefetch_distance": 32, "ms": 0.91,
//                          "default_ms": 1.12, "candidates": 14},
//                "<attention key>": {"attention_tiles": [32, 64], "ms": 0.4,
//                                    "default_ms": 0.45, "candidates": 6}}}
//
// A key names the compiler version, the target (CPU name, vector bits and
// registers, FMA), the op kind, its loop ranges, indexing maps and element
// types (`tuningKey`), so an entry of another CPU or compiler never matches.
//
//===----------------------------------------------------------------------===//

#ifndef KERNELFORGE_TARGET_TUNINGCACHE_H
#define KERNELFORGE_TARGET_TUNINGCACHE_H

#include "kernelforge/Target/CPUTargetModel.h"

#include "llvm/Support/JSON.h"

#include <optional>
#include <string>

namespace mlir::kf {

/// What the tuner chooses for one contraction, or for one fused attention.
struct ScheduleChoice {
  int64_t registerRows = 0, registerCols = 0, kTile = 0, threadTile = 0;
  /// Weight panels (prefill) and register loops with columns outside.
  bool packWeights = false, columnsOuter = false;
  /// Reduction steps ahead that a product of many rows reading its weights
  /// in place prefetches them (0: none; -1: kf-cpu-pipeline's
  /// `prefetch-distance`, and no field in the cache).
  int64_t prefetchDistance = -1;
  /// A fused attention's query block and key tile (both 0 for a
  /// contraction, whose fields above are then unused).
  int64_t attentionQueryTile = 0, attentionKeyTile = 0;

  bool isAttention() const { return attentionKeyTile > 0; }
  /// "6x16 k256 t256", then " packed", " cols-outer", " pf32" where set;
  /// "q32 k64" for attention.
  std::string describe() const;
  /// The op's own `kf.schedule` that kf-tile-and-vectorize (a contraction)
  /// or convert-kf-to-linalg (`attention_tiles`) follows.
  DictionaryAttr toAttr(MLIRContext *context) const;
};

/// The op kinds of tuning keys.
inline constexpr llvm::StringLiteral kContractionKind = "contraction",
                                     kAttentionKind = "attention";

/// Bounds a cached schedule stays within (a larger tile is a corrupt entry,
/// not a choice): the register tile fits in registers, the others in memory.
constexpr int64_t kMaxRegisterRows = 64, kMaxRegisterCols = 256,
                  kMaxTile = 1 << 16;

/// A measured winner.
struct TunedSchedule : ScheduleChoice {
  /// Median milliseconds of the winner and of the target's default.
  double ms = 0, defaultMs = 0;
  /// Candidates measured.
  int64_t candidates = 0;
};

/// The KernelForge and LLVM versions, part of every key.
std::string compilerVersion();

/// `version|cpu:vector_bits:registers:fma|op|ranges|maps|types`.
std::string tuningKey(const DictionaryAttr &target, StringRef opKind,
                      StringRef problem);

class TuningCache {
public:
  /// $KF_TUNING_CACHE, else $XDG_CACHE_HOME/kernelforge/tuning.json, else
  /// ~/.cache/kernelforge/tuning.json.
  static std::string defaultPath();

  /// Reads `path`. A missing file is an empty cache; an unreadable or
  /// malformed one is an empty cache too, with `problem` saying why.
  static TuningCache load(StringRef path, std::string &problem);

  /// The entry under `key`; a malformed entry gives nothing and `problem`.
  /// A key of kind `attention` needs `attention_tiles`, any other a
  /// register tile, k tile and thread tile.
  std::optional<TunedSchedule> lookup(StringRef key,
                                      std::string &problem) const;
  void record(StringRef key, const TunedSchedule &schedule);
  size_t size() const { return entries.size(); }
  StringRef path() const { return filePath; }

  /// Writes the file (creating its directory), through a temporary renamed
  /// into place so a reader never sees half a file. Entries `lookup`
  /// refuses are left out; the others are written in their canonical form.
  LogicalResult save(std::string &error) const;

private:
  std::string filePath;
  llvm::json::Object entries;
};

} // namespace mlir::kf

#endif // KERNELFORGE_TARGET_TUNINGCACHE_H
