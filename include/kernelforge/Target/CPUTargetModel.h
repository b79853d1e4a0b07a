//===- CPUTargetModel.h - What a CPU schedule needs to know -----*- C++ -*-===//
//
// The facts about a CPU that the code generator's schedule depends on, read
// from LLVM's description of the target (triple, CPU name, feature string)
// rather than assumed: the widest vector register, how many there are, FMA,
// cache sizes (measured on the host where the host is the target, per-family
// defaults when cross-compiling) and cores. `deriveCPUSchedule` turns them
// into tile sizes; `kf-cpu-target` records both on the module.
//
//===----------------------------------------------------------------------===//

#ifndef KERNELFORGE_TARGET_CPUTARGETMODEL_H
#define KERNELFORGE_TARGET_CPUTARGETMODEL_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/Support/LLVM.h"
#include "llvm/Support/MathExtras.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>

namespace mlir::kf {

/// A CPU as the schedule sees it.
struct CPUTargetModel {
  /// LLVM's names: triple, CPU and feature string ("+avx2,+fma,...").
  std::string triple, cpu, features;
  bool isX86 = false, isAArch64 = false;
  /// Bits of the widest vector register float arithmetic may use.
  int64_t vectorBits = 128;
  /// Architectural vector registers (16 ymm on AVX2, 32 zmm on AVX-512, 32
  /// NEON registers on AArch64).
  int64_t vectorRegisters = 16;
  /// Fused multiply-add in the vector unit.
  bool hasFMA = false;
  /// A bf16 pair dot product into f32 lanes (x86's AVX-512 BF16
  /// `vdpbf16ps`: twice the multiply-adds of an f32 FMA per instruction).
  bool hasBF16Dot = false;
  /// Data cache sizes in bytes: L1 and L2 per core, L3 shared.
  int64_t l1d = 32 * 1024, l2 = 512 * 1024, l3 = 8 * 1024 * 1024;
  /// Cores the code will run on (the host's; an estimate when cross
  /// compiling).
  int64_t cores = 1;
  /// Whether the cache sizes and cores were read off this machine.
  bool measuredOnHost = false;

  /// Floats (or elements of `elementBits`) per vector register.
  int64_t lanes(int64_t elementBits = 32) const {
    return vectorBits / elementBits;
  }

  /// The host: its triple, CPU name and features, caches from sysfs.
  static CPUTargetModel host();
  /// A target given by LLVM names; empty strings mean the host's triple,
  /// CPU and (when the CPU is also the host's) features. Fails with a
  /// message naming the unknown triple or CPU.
  static FailureOr<CPUTargetModel> get(StringRef triple, StringRef cpu,
                                       StringRef features,
                                       std::string &error);

  /// Whether this machine runs the target's code: empty when it does, else
  /// why not (another architecture, or the instruction sets the target has
  /// and the host lacks, e.g. "avx512bw, avx512f").
  std::string whyNotRunnableHere() const;

  /// `{triple = ..., cpu = ..., vector_bits = 256, ...}`, as recorded on a
  /// module by kf-cpu-target (features left out: they are long and the
  /// model's fields say what matters).
  DictionaryAttr toAttr(MLIRContext *context) const;
};

/// Tile sizes of the CPU code generator.
struct CPUSchedule {
  /// Floats per vector register.
  int64_t vectorWidth = 16;
  /// Register tile of a contraction: rows x cols accumulators
  /// (cols a multiple of vectorWidth).
  int64_t registerRows = 8, registerCols = 32;
  /// Largest reduction tile and largest row block handed to a thread.
  int64_t kTile = 256, threadTile = 256;
  /// Fused attention: query rows per block, keys per online-softmax step.
  int64_t attentionQueryTile = 64, attentionKeyTile = 64;
  /// Fused attention of a single query (a decode step): keys per
  /// online-softmax step.
  int64_t attentionDecodeKeyTile = 16;
  /// Copy each thread's weight block into contiguous column panels before
  /// its register tiles read it (where rows reuse it: prefill). On by
  /// default for x86's 256- and 512-bit vectors (see deriveCPUSchedule),
  /// off elsewhere; kernelforge-tune tries the other choice per product.
  bool packWeights = false;
  /// Rows a product needs before packWeights packs its weights (0: four
  /// register tiles' worth, the planner's least). A product's own tuned
  /// schedule and an explicit `pack-weights=true` pack from that least.
  int64_t packMinRows = 0;
  /// Whether a product of `m` rows, in register tiles of `tileRows` rows,
  /// has many rows: four register tiles or more. Only then is a weight
  /// panel reused enough to pay for packing it, and, read in place, are its
  /// weight rows prefetched (kf-tile-and-vectorize's rule, which
  /// kernelforge-tune's candidates follow).
  static bool hasManyRows(int64_t m, int64_t tileRows) {
    return m > 0 && m >= 4 * std::min(m, tileRows);
  }
  /// Whether a register tile `cols` wide is whole vectors of
  /// `vectorWidth`, a power of two of them: other widths (three AVX2
  /// vectors, 24 floats) are lowered through shuffles and scalar inserts,
  /// about 10x slower.
  static bool isRegisterWidth(int64_t cols, int64_t vectorWidth) {
    return vectorWidth > 0 && cols >= vectorWidth && cols % vectorWidth == 0 &&
           llvm::isPowerOf2_64(cols / vectorWidth);
  }
  /// Whether a [k, n] weight read by `rows` rows (at least four register
  /// tiles' worth, which the planner checks) is packed.
  bool packsWeightsAt(int64_t rows) const {
    return packWeights && rows >= packMinRows;
  }
  /// Register tiles walk the columns in the outer loop and the rows inside
  /// (BLIS's order: a weight panel stays in L1 for all rows) instead of
  /// rows outside (an activation panel stays for all columns).
  bool columnsOuter = false;
  /// One-row products against [k, n] weights (decode, GPT-2's layout) split
  /// their reduction across the threads, each streaming a contiguous block
  /// of weight rows, and add the parts (else the threads split the
  /// columns, each reading a strip of every row).
  bool splitReduction = true;
  /// Work items (thread tiles) wanted per parallel loop: at least this many
  /// blocks so that every core is busy and the last ones balance.
  int64_t minParallelBlocks = 4;
  /// Reduction steps ahead that a product of many rows reading its weights
  /// in place prefetches them (its register tile loops' `kf.prefetch`): -1
  /// leaves it to kf-cpu-pipeline's `prefetch-distance`, 0 asks for none.
  /// Only a product's own tuned schedule sets it.
  int64_t prefetchDistance = -1;

  /// Sizes other than 0 replace the schedule's (pass options); false when
  /// one is negative.
  bool overrideWith(int64_t vectorWidth, int64_t registerRows,
                    int64_t registerCols, int64_t kTile, int64_t threadTile);

  DictionaryAttr toAttr(MLIRContext *context) const;
  /// Reads what `toAttr` wrote; fields it lacks keep their defaults.
  static CPUSchedule fromAttr(DictionaryAttr attr);
  /// The schedule recorded on `op`'s module by kf-cpu-target, if any.
  static std::optional<CPUSchedule> ofModule(Operation *op);
};

/// The tile a loop of `size` iterations gets under a limit: the largest
/// divisor of the size up to the limit (the whole size when it is smaller),
/// as the fused attention's lowering and the tuner both count it.
inline int64_t tileDividing(int64_t size, int64_t limit) {
  if (size <= limit)
    return size;
  for (int64_t t = limit; t > 1; --t)
    if (size % t == 0)
      return t;
  return 1;
}

/// The schedule a target's registers and caches call for:
/// - vector width: the widest float vector;
/// - register tile: two vectors of columns and as many rows (at most 8) as
///   leave a register for each weight vector and one for the broadcast row
///   element (AVX2: 6 x 16, 12 of 16 ymm accumulating; AVX-512: 8 x 32;
///   NEON: 8 x 8; SSE: 6 x 8);
/// - k tile: the reduction depth whose weight panel (k x cols) fills L1,
///   at most 256;
/// - thread tile: the row block whose k-tile of activations fits in half of
///   L2 next to the weight block it reuses;
/// - attention: a key tile whose keys and values of 64 dimensions fill L1;
///   a decode step's (one query) 16 keys;
/// - packed weight panels with 256-bit vectors, whose register tiles read one
///   cache line per weight row.
CPUSchedule deriveCPUSchedule(const CPUTargetModel &target);

/// Module attribute names.
inline constexpr StringLiteral kTargetAttrName = "kf.target";
inline constexpr StringLiteral kScheduleAttrName = "kf.schedule";

/// The vector bits of the target kf-cpu-target recorded on `op`'s module
/// (`kTargetAttrName`) when that target is x86; nullopt for another
/// architecture or no record.
std::optional<int64_t> x86VectorBits(Operation *op);

/// Whether the target recorded on `op`'s module (`kTargetAttrName`) has a
/// bf16 pair dot product (`bf16_dot`, x86's AVX-512 BF16).
bool targetHasBF16Dot(Operation *op);

} // namespace mlir::kf

#endif // KERNELFORGE_TARGET_CPUTARGETMODEL_H
