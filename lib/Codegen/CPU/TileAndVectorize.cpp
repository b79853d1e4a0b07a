//===- TileAndVectorize.cpp - Thread, reduction and register tiling -------===//
//
// C++-driven tiling of linalg ops on tensors (scf::tileUsingSCF), one op at a
// time, followed by linalg::vectorize of the innermost tile. Every tile is
// kept static: dimensions the register tile does not divide are split off
// first, so no masks or dynamic vectors are needed.
//
//===----------------------------------------------------------------------===//

#include "BF16Pairs.h"
#include "DequantizedPanels.h"
#include "MatVec.h"
#include "Prefetch.h"
#include "ThreadTileFusion.h"

#include "kernelforge/Target/CPUTargetModel.h"
#include "kernelforge/Transforms/Contractions.h"
#include "kernelforge/Codegen/CPU/Passes.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/Tensor/Transforms/Transforms.h"
#include "mlir/Dialect/Vector/Transforms/LoweringPatterns.h"
#include "mlir/Dialect/Vector/Transforms/VectorRewritePatterns.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include "llvm/ADT/bit.h"

#include <deque>

namespace mlir::kf {
#define GEN_PASS_DEF_TILEANDVECTORIZEPASS
#include "kernelforge/Codegen/CPU/Passes.h.inc"
} // namespace mlir::kf

using namespace mlir;

namespace {

/// What a plan's register tile loops are marked with for the passes after
/// kf-tile-and-vectorize (none by default).
struct LoopMarks {
  /// `kf.prefetch` for kf-prefetch-strided-reads: a product of many rows,
  /// whose first row tile waits on each weight row; with `prefetchSteps`
  /// (0: the pass's distance) the steps ahead.
  bool prefetch = false;
  int64_t prefetchSteps = 0;
  /// `kf.block_scales` for kf-factor-block-scales (a row against i8 blocks
  /// stored [k, n]).
  bool blockScales = false;
  /// `kf.lane_sums` for kf-integer-block-dots (a row against i8 blocks
  /// stored [n, k], whose partial sums per lane are only ever summed).
  bool laneSums = false;
  /// Bytes of weight rows below its reads that the loops prefetch
  /// (`kf.prefetch_rows`; 0: none).
  int64_t rowBytes = 0;
  /// Register tiles ahead along the loop around the innermost one that its
  /// reads prefetch (`kf.prefetch_next_tiles`; 0: none).
  int64_t nextTiles = 0;
  /// A packing copy: the weight's reduction dimension, along which its
  /// loops prefetch the next k tile (`kf.prefetch_next_k_tile`).
  std::optional<int64_t> nextKTileDim;
  /// Steps of a streamed row's loop that LLVM unrolls together
  /// (`loop_annotation`, its unroll count; 0: LLVM's choice).
  int64_t unrollSteps = 0;

  void apply(RewriterBase &rewriter, Operation *loop) const {
    if (prefetch)
      loop->setAttr(kf::kPrefetchAttrName,
                    prefetchSteps > 0
                        ? Attribute(rewriter.getI64IntegerAttr(prefetchSteps))
                        : Attribute(rewriter.getUnitAttr()));
    if (blockScales)
      loop->setAttr(kf::kBlockScalesAttrName, rewriter.getUnitAttr());
    if (laneSums)
      loop->setAttr(kf::kLaneSumsAttrName, rewriter.getUnitAttr());
    if (rowBytes > 0)
      loop->setAttr(kf::kPrefetchRowsAttrName,
                    rewriter.getI64IntegerAttr(rowBytes));
    if (nextTiles > 0)
      loop->setAttr(kf::kPrefetchNextTilesAttrName,
                    rewriter.getI64IntegerAttr(nextTiles));
    if (nextKTileDim)
      loop->setAttr(kf::kPrefetchNextKTileAttrName,
                    rewriter.getI64IntegerAttr(*nextKTileDim));
    if (unrollSteps > 0) {
      // Carried by scf-to-cf onto the loop's back edge, and from there to
      // LLVM's `llvm.loop.unroll.count`.
      MLIRContext *ctx = rewriter.getContext();
      auto unroll = LLVM::LoopUnrollAttr::get(
          ctx, /*disable=*/{}, rewriter.getI32IntegerAttr(unrollSteps),
          /*runtimeDisable=*/{}, /*full=*/{}, {}, {}, {});
      loop->setAttr("loop_annotation", LLVM::LoopAnnotationAttr::get(
                                           ctx, {}, {}, {}, unroll, {}, {}, {},
                                           {}, {}, {}, {}, {}, {}, {}, {}));
    }
  }
};

/// Tile sizes per level (0: not tiled at that level).
struct TilePlan {
  SmallVector<int64_t> threads, reduction, registers;
  /// Which dimension the threads split: "rows" (tokens, prefill) or
  /// "features" (the output / last dimension, decode). Recorded on the
  /// scf.forall as `kf.parallel`.
  StringRef regime = "rows";
  /// For contractions: what the outermost loop records as `kf.schedule`.
  DictionaryAttr schedule;
  /// Pack the weights of each thread tile into panels of this many columns
  /// (0: read them in place).
  int64_t packColumns = 0;
  /// Those panels in bf16 pairs (kf::packBF16PairPanels) where the product
  /// allows.
  bool bf16Pairs = false;
  /// Order of the register tiles' loops (empty: the dimensions' order).
  SmallVector<int64_t> registerInterchange;
  /// What the register tiles' loops are marked with.
  LoopMarks marks;
};

/// Weight rows ahead that a row against i8 `[k, n]` blocks prefetches. Its
/// register tile reads a short run of each row (256 bytes with AVX-512), a
/// row apart, too few bytes per instruction for the out-of-order window to
/// keep enough misses in flight, and the hardware prefetchers do not follow
/// it. Measured on a Zen 5 at GPT-2's shapes (the four block products, one
/// run each): 16 rows ahead took 1 x 256 tiles from 0.25 to 0.23 ms and
/// 1 x 128 tiles from 0.35 to 0.29 ms; 8 and 32 rows did less.
constexpr int64_t kQuantizedPrefetchRows = 16;

/// A row against i8 `[k, n]` blocks whose register tile reads fewer bytes of
/// each weight row than this (64 with AVX2's 8 x 8 accumulators) walks the
/// block's rows across all its columns before the next block: blocks outer,
/// register tiles inner, the scaled sums kept in the output. Run by run, one
/// line per row a whole row apart, the tile kept too few bytes in flight:
/// in a C model of GPT-2's 768 x 3072 product with AVX2 code on a Zen 5 (2
/// threads, weights from memory) blocks outer with the run two tiles ahead
/// prefetched took 63-75 us against 98-120 us; with AVX-512's 256-byte runs
/// the order made no difference, and without the prefetch blocks outer was
/// slower than either. The last tiles of a block prefetch the next block's
/// first ones: clamped at the row's end instead, the 3072 x 768 product
/// (short blocks, 48 per thread) gained nothing (kernelforge-bench,
/// znver3 code: 0.125 ms before, 0.128 clamped, 0.075-0.083 continued).
constexpr int64_t kBlocksOuterRunBytes = 256;

/// Features below which a one-row op that is not a contraction (decode's
/// bias additions, activations, residuals, the sum of a split product's
/// parts) runs on the calling thread instead of being split across the
/// threads: a parallel region costs 3-5 us on a 2-core Zen 5 (OMPT), such
/// an op on 768-3072 features a fraction of a microsecond.
constexpr int64_t kMinFeaturesToShare = 16384;

/// Register tiles ahead that the blocks-outer order prefetches (one did
/// less in the model; two and four the same).
constexpr int64_t kNextTilesAhead = 2;

/// Rows per k tile of a one-row product against 16-bit weights whose
/// register tile reads fewer than kBlocksOuterRunBytes of each row (AVX2's
/// 64 columns of bf16): walked like i8 blocks, a k tile's rows register
/// tile after register tile. In a C model of GPT-2's decode products with
/// AVX2 code on a Zen 5 (2 threads, bf16 weights from memory), 32-row
/// tiles with the next tiles prefetched took 78 / 55 / 73 / 18 us for the
/// 768 x 3072, 768 x 2304, 3072 x 768 and 768 x 768 products, against
/// 119 / 89 / 115 / 22 us for the k tiles of 192 rows each run prefetching
/// 16 rows below.
constexpr int64_t kNarrowRunKTile = 32;

/// Rows ahead that a one-row product prefetches, four cache lines of each,
/// when one core keeps too few bytes in flight for memory otherwise: with
/// 16-bit weights stored [k, n] (decode's products; half of the register
/// tile's 512-byte run with AVX-512), and in a decode query's key loop (P V
/// over the tile's value rows, contiguous within a head but each 4 KiB page
/// a new stream for the hardware). Measured on a Zen 5 (kernelforge-bench,
/// from memory, 2 threads): mlp_down with bf16 weights (3072 x 768, rows
/// 1.5 KiB apart) 0.140 / 0.145 -> 0.097 / 0.098 ms, qkv, attn_proj and
/// mlp_up unchanged within noise, 8 rows the same, whole runs (8 lines) or
/// 32 rows less; attention at T = 1, context 512, bf16 KV cache, three
/// alternating runs: 0.051 / 0.056 / 0.054 -> 0.048 / 0.044 / 0.047 ms.
/// kf-prefetch-next-key-tile adds the next key tile's rows in the P V
/// loop, which this tile's first rows (the only tile of a short context) do
/// not get. f32 weights whose register tile reads at most
/// kBlocksOuterRunBytes of each row (AVX2's 64 columns) are prefetched the
/// same way: znver3 code on a Zen 5, four alternating runs, qkv / attn_proj
/// / mlp_up / mlp_down 0.146 / 0.049 / 0.216 / 0.187 -> 0.128 / 0.039 /
/// 0.198 / 0.164 ms; AVX-512's 512-byte f32 runs gained nothing measurable
/// (0.115 / 0.034 / 0.182 / 0.144 -> 0.109 / 0.035 / 0.176 / 0.141).
constexpr int64_t kOneRowPrefetchRows = 16;

/// Weight rows below its reads that a one-row product with 16-bit or i8
/// weights in a lane sum's block (the tied head) prefetches, in bytes: one
/// 8-row tile of bf16 rows of 768, 16 rows of i8. Its lane tiles walk a few
/// rows front to back, and with narrow weights one core keeps too few bytes
/// in flight (a bf16 head read 16-17 GB/s on one Zen 5 core, where f32 read
/// 28-35). Measured on GPT-2's head (kernelforge-bench, 2 threads, three
/// alternating runs): bf16 1.97 / 2.48 / 1.77 ms -> 1.47 / 1.80 / 1.41,
/// int8 1.33 / 1.30 / 0.94 -> 0.87 / 1.19 / 0.92. In a first trial one tile
/// ahead beat two for bf16 (1.28 / 1.44 against 1.32 / 1.62), and 6 int8
/// rows did less than 22. Not for f32 weights whose lanes read a whole
/// cache line of a row (AVX-512's 16): they kept their rate without it and
/// lost with it.
constexpr int64_t kNextRowsPrefetchBytes = 12288;

/// The same for f32 weights whose lanes read less than a cache line of a
/// row (AVX2's 8): 8 rows of 768 below, as bf16's 12 KiB are. GPT-2's head
/// with znver3 code on a Zen 5 (kernelforge-bench, from memory, 2 threads,
/// six alternating runs): 3.07 ms without, 2.61 with 12 KiB, 2.31 with 24
/// KiB, 2.35 with 36 KiB; AVX-512 code 2.19 without, 2.21 with 12 KiB.
constexpr int64_t kNextF32RowsPrefetchBytes = 24576;

/// A dimension to split off before tiling: `[0, at)` and `[at, size)`.
struct Split {
  unsigned dim;
  int64_t at;
};

/// Largest t <= limit dividing `size` with t a multiple of `multiple`;
/// `size` itself when size <= limit; 0 when none exists.
int64_t pickTile(int64_t size, int64_t limit, int64_t multiple = 1) {
  if (size <= limit)
    return size;
  for (int64_t t = limit - limit % multiple; t >= multiple; t -= multiple)
    if (size % t == 0)
      return t;
  return 0;
}

/// The largest power of two not above `value` (at least 1): register tiles
/// of other lengths LLVM widens through shuffles or scalarises.
int64_t powerOfTwoBelow(int64_t value) {
  return static_cast<int64_t>(
      llvm::bit_floor(static_cast<uint64_t>(std::max<int64_t>(1, value))));
}

/// Bytes of the narrowest element among `op`'s inputs (the weights of a
/// product with 16-bit weights and f32 activations: 2), 4 at most.
int64_t narrowestInputBytes(linalg::LinalgOp op) {
  int64_t bytes = 4;
  for (Value input : op.getDpsInputs()) {
    Type element = getElementTypeOrSelf(input.getType());
    if (element.isIntOrFloat())
      bytes = std::min<int64_t>(
          bytes, std::max<int64_t>(1, element.getIntOrFloatBitWidth() / 8));
  }
  return bytes;
}

/// Marks the copy of a weight's k tile into panels, with the weight's
/// reduction dimension (0 when stored [k, n], 1 when [n, k]): its register
/// tiles' loops prefetch the next k tile (kf.prefetch_next_k_tile).
constexpr StringLiteral kPackingCopyAttrName = "kf.packing_copy";

/// Marks the product that reads packed panels (its schedule is recorded on
/// the thread tile's loop, not again on its register loops).
constexpr StringLiteral kPackedAttrName = "kf.packed";

/// Marks the lane-split product of a row against a whole [n, k] weight of
/// 16-bit elements (the tied head, and decode's `nn.Linear` products) that
/// streams its outputs' weight rows one after another: a register tile of
/// one row and all its lanes, kLaneStreamVectors vectors, each row's lanes
/// summed right after it (kf::sumLaneRowsOneByOne), instead of 8 rows a
/// vector each summed after the block. Each thread's rows are one run
/// through memory rather than 8 runs a row apart. On a 2-core Zen 5
/// (weights from memory, old and new kernels' calls interleaved, 11
/// rounds), bf16 took 0.83 / 0.87-0.89 / 0.93-0.95 of the old time for
/// GPT-2's head / 768 x 2304 / 3072 x 768 stored [n, k], and 0.75-0.82 /
/// 0.87-0.89 / 0.94-1.0 with AVX2 code (whose one-line steps ask for the
/// rows below, without which its 3072 x 768 took 1.4x); f16 0.79 / 0.91.
/// f32 rows stay in 8-row tiles: streamed, they were 1.0-1.3x slower.
constexpr StringLiteral kStreamRowsAttrName = "kf.stream_rows";

/// Vectors of lanes a streamed row's tile keeps (four chains of
/// multiply-adds in flight).
constexpr int64_t kLaneStreamVectors = 4;

/// Marks the lane-split product of a few rows (2 to kf::CPUSchedule's
/// accumulators over kLaneStreamVectors: 4 with AVX-512's 8 x 32 tiles, 3
/// with AVX2's 6 x 16) against an [n, k] float weight: its register tile
/// holds every row's lanes of its outputs, so that each vector of a weight
/// row is read once and multiplied into all the rows, as one row's is in
/// decode. Packed into panels instead (a transposing copy per thread
/// tile), 2-4 rows took 1.6-3x a one-row product's time.
constexpr StringLiteral kLaneRowsAttrName = "kf.lane_rows";

/// Bytes of activation rows a few rows' lane-split product may read: every
/// output reads them all again, so they stay in L1 next to the weight rows
/// streaming through (half of a 32 KiB L1). Measured on a Zen 5 (48 KiB
/// L1, bf16, two rows against 1024 outputs): rows of 1024-2048 took the
/// one-row product's time, of 2816 1.34x, of 4096 1.65x.
constexpr int64_t kLaneRowsActivationBytes = 16 * 1024;

/// What the stretches of k a longer product is split into are multiples of:
/// a streamed row's lanes (four AVX-512 vectors).
constexpr int64_t kLaneRowsKMultiple = 64;

/// Steps of a streamed row's loop unrolled together where the row is more
/// than kWholeRowVectors vectors long: four (16 vectors of lanes), where
/// LLVM would otherwise unroll a row of up to 16 or so steps whole. On a
/// 2-core Zen 5 (bf16 weights from memory, an in-process alternation of
/// the two kernels) rows unrolled whole read 15-17 GB/s per thread from 960
/// to 1280 values wide (60-80 widening loads in a row's straight-line
/// code, issued out of order across it) against 21-26 at 768 and 896
/// (48-56 loads) or partly unrolled. Unrolled by four steps, 1024 x 3072
/// took 0.72 / 0.75 of the time (one / two threads) and LLaMA-shaped
/// 1024 x 32000 0.72; rows LLVM unrolls partly itself (1152-2816 wide)
/// 0.98-1.02; rows of 768 0.99-1.14 (GPT-2's head 1.03), which keep being
/// unrolled whole.
constexpr int64_t kStreamRowUnrollSteps = 4;
constexpr int64_t kWholeRowVectors = 56;

/// Whether `op` is C[m, n] += A[m, k] * B[n, k]: its weight stored [n, k].
bool weightStoredOutIn(linalg::LinalgOp op) {
  if (op.getNumLoops() != 3 || op.getNumDpsInputs() != 2)
    return false;
  AffineExpr m, n, k;
  bindDims(op.getContext(), m, n, k);
  return kf::hasIndexingMaps(op, {{m, k}, {n, k}, {m, n}});
}

/// Accumulator vectors of a register tile under `s`.
int64_t accumulatorVectors(const kf::CPUSchedule &s) {
  return std::max<int64_t>(1, s.registerRows * s.registerCols /
                                  std::max<int64_t>(1, s.vectorWidth));
}

/// Rows of a few rows' register tile against i8 blocks stored [n, k], a
/// block's `lanes` of sums per row: as many as the tile's accumulators
/// hold (8 with AVX-512's 16 of 16 floats, 3 with AVX2's 12 of 8, 2 with
/// NEON's 16 of 4). On x86 kf-integer-block-dots then sums each row's
/// block in integer pairs, half the lanes. Measured on a Zen 5 (2 threads,
/// `kernelforge-bench --dtype int8 --layout out_in --weights-from-memory`):
/// see docs/design.md.
int64_t quantizedTileRows(const kf::CPUSchedule &s, int64_t lanes) {
  return std::max<int64_t>(
      1, accumulatorVectors(s) /
             std::max<int64_t>(1, lanes / std::max<int64_t>(1, s.vectorWidth)));
}

/// Rows of a register tile of up to `most` rows that `rows` divides into
/// evenly: all of them where they fit, else `most` where it divides them;
/// 0 where the rows must first be split (at a multiple of `most`).
int64_t evenRowTile(int64_t rows, int64_t most) {
  if (rows <= most)
    return rows;
  return rows % most == 0 ? most : 0;
}

/// The longest stretch of k (a multiple of kLaneRowsKMultiple) whose
/// activation rows fit kLaneRowsActivationBytes, if `op` is a few rows
/// (kLaneRowsAttrName) against a whole [n, k] float weight; 0 otherwise.
/// Where k is no longer, the product is lane-split as it is; where it is,
/// first split along k (splitLaneRowsDepth).
int64_t laneRowsDepth(linalg::LinalgOp op, const kf::CPUSchedule &s) {
  if (!kf::isTiledContraction(op) || !weightStoredOutIn(op) ||
      op->hasAttr(kf::kScheduleAttrName) ||
      op->getParentOfType<scf::ForallOp>() ||
      kf::dequantizedBlock(op.getDpsInputs()[1]) != 0)
    return 0;
  for (Value input : op.getDpsInputs())
    if (!isa<FloatType>(getElementTypeOrSelf(input.getType())))
      return 0;
  int64_t rows = op.getStaticLoopRanges()[0];
  if (rows < 2 || rows > accumulatorVectors(s) / kLaneStreamVectors)
    return 0;
  int64_t depth = kLaneRowsActivationBytes / (rows * 4);
  return depth - depth % kLaneRowsKMultiple;
}

/// Splits a few rows' product whose k is longer than `depth` (its
/// laneRowsDepth; k a multiple of kLaneRowsKMultiple) into products over
/// consecutive stretches of k, each adding into the one before's result:
/// C += A[:, s] B[:, s]^T for each stretch s, so that each one's activation
/// rows stay in L1 (each weight row is read in as many runs). Returns the
/// products; failure when k is not such a length.
FailureOr<SmallVector<Operation *>>
splitLaneRowsDepth(RewriterBase &rewriter, linalg::LinalgOp op, int64_t depth) {
  if (depth == 0)
    return failure();
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  int64_t rows = ranges[0], cols = ranges[1], k = ranges[2];
  if (k <= depth || k % kLaneRowsKMultiple != 0)
    return failure();
  Location loc = op.getLoc();
  rewriter.setInsertionPoint(op);
  // Columns [at, at + size) of the rows of `v`.
  auto slice = [&](Value v, int64_t outer, int64_t at, int64_t size) {
    return tensor::ExtractSliceOp::create(
        rewriter, loc, v,
        ArrayRef<OpFoldResult>{rewriter.getIndexAttr(0),
                               rewriter.getIndexAttr(at)},
        ArrayRef<OpFoldResult>{rewriter.getIndexAttr(outer),
                               rewriter.getIndexAttr(size)},
        ArrayRef<OpFoldResult>{rewriter.getIndexAttr(1),
                               rewriter.getIndexAttr(1)});
  };
  Value a = op.getDpsInputs()[0], b = op.getDpsInputs()[1],
        acc = op.getDpsInits()[0];
  SmallVector<Operation *> parts;
  for (int64_t at = 0; at < k; at += depth) {
    int64_t size = std::min(depth, k - at);
    Value aPart = slice(a, rows, at, size), bPart = slice(b, cols, at, size);
    Operation *part = rewriter.clone(*op);
    rewriter.modifyOpInPlace(part, [&] {
      part->setOperand(0, aPart);
      part->setOperand(1, bPart);
      part->setOperand(2, acc);
    });
    acc = part->getResult(0);
    parts.push_back(part);
  }
  rewriter.replaceOp(op, acc);
  return parts;
}

struct Planner {
  kf::CPUSchedule defaults;
  /// Packed float products multiply bf16 pairs (bf16-products, on a
  /// target with the dot product): from eight register tiles of rows on,
  /// whatever the schedule's least rows to pack.
  bool bf16Pairs = false;

  /// The op's own `kf.schedule` (a tuned choice) over the defaults.
  kf::CPUSchedule scheduleFor(linalg::LinalgOp op) const {
    kf::CPUSchedule s = defaults;
    auto own = op->getAttrOfType<DictionaryAttr>(kf::kScheduleAttrName);
    if (!own)
      return s;
    kf::CPUSchedule tuned = kf::CPUSchedule::fromAttr(own);
    // Only what a tuned entry may change; a register tile that is not
    // whole vectors, a power of two of them, is ignored.
    if (tuned.registerRows > 0 &&
        kf::CPUSchedule::isRegisterWidth(tuned.registerCols, s.vectorWidth)) {
      s.registerRows = tuned.registerRows;
      s.registerCols = tuned.registerCols;
    }
    if (tuned.kTile > 0)
      s.kTile = tuned.kTile;
    if (tuned.threadTile > 0)
      s.threadTile = tuned.threadTile;
    // A tuned layout was measured at this product's rows.
    if (own.contains("pack_weights")) {
      s.packWeights = tuned.packWeights;
      s.packMinRows = 0;
    }
    if (own.contains("columns_outer"))
      s.columnsOuter = tuned.columnsOuter;
    if (tuned.prefetchDistance >= 0)
      s.prefetchDistance = tuned.prefetchDistance;
    return s;
  }

  /// The plan of a row (or a few, up to 8) against i8 `[k, n]` blocks, over
  /// (..., m, n, kb, j) (a leading dimension: the parts of a split
  /// reduction).
  std::variant<Split, TilePlan>
  planQuantizedInOut(linalg::LinalgOp op, const kf::CPUSchedule &sched,
                     ArrayRef<int64_t> ranges) const {
    unsigned numDims = ranges.size(), n = numDims - 3;
    // As many columns as a contraction's register tile has accumulators,
    // rounded down to a power of two: LLVM widens an i8 vector of another
    // length (96 on AVX2) and converts it through shuffles.
    // A few rows (a short prompt) share each widened run of a weight row:
    // up to half the register rows in the tile, the columns shared out
    // between them.
    int64_t rows = ranges[n - 1];
    int64_t most = std::max<int64_t>(1, sched.registerRows / 2);
    int64_t tileRows = evenRowTile(rows, most);
    if (tileRows == 0)
      return Split{n - 1, rows - rows % most};
    int64_t cols =
        std::min(ranges[n], powerOfTwoBelow(sched.registerRows *
                                            sched.registerCols / tileRows));
    cols = std::max(cols, std::min(ranges[n], sched.vectorWidth));
    if (ranges[n] > cols && ranges[n] % cols != 0)
      return Split{n, ranges[n] - ranges[n] % cols};
    TilePlan plan;
    plan.registers.assign(numDims, 1);
    plan.registers[n] = cols;
    plan.registers[n - 1] = tileRows;
    plan.reduction.assign(numDims, 0);
    plan.threads.assign(numDims, 0);
    for (unsigned d = 0; d < n; ++d)
      plan.threads[d] = 1;
    // Every row in each thread's block of columns.
    plan.threads[n - 1] = rows;
    auto parts = op->getAttrOfType<IntegerAttr>(kf::kSplitReductionAttrName);
    if (parts) {
      // Each part (a thread) takes all columns of its block of rows.
      plan.threads[n] = ranges[n];
    } else {
      int64_t limit = std::max(cols, ranges[n] / sched.minParallelBlocks);
      int64_t columns = pickTile(ranges[n], limit, cols);
      plan.threads[n] = columns ? columns : cols;
    }
    plan.regime = "features";
    plan.marks.blockScales = true;
    if (cols < kBlocksOuterRunBytes) {
      // Loops (..., m, kb, n, j): each block's rows, tile after tile.
      plan.registerInterchange = llvm::to_vector(llvm::seq<int64_t>(0, numDims));
      std::swap(plan.registerInterchange[n], plan.registerInterchange[n + 1]);
      plan.marks.nextTiles = kNextTilesAhead;
    } else {
      plan.marks.prefetch = true;
      plan.marks.prefetchSteps = kQuantizedPrefetchRows;
    }
    Builder b(op.getContext());
    SmallVector<NamedAttribute> fields = {
        b.getNamedAttr("register_tile",
                       b.getDenseI64ArrayAttr({tileRows, cols})),
        b.getNamedAttr("thread_tiles", b.getDenseI64ArrayAttr(plan.threads)),
    };
    if (parts)
      fields.push_back(b.getNamedAttr("split_reduction", parts));
    if (!plan.registerInterchange.empty())
      fields.push_back(b.getNamedAttr("blocks_outer", b.getUnitAttr()));
    plan.schedule = b.getDictionaryAttr(fields);
    return plan;
  }

  /// Either the split to do first or the plan.
  std::variant<Split, TilePlan> plan(linalg::LinalgOp op) const {
    kf::CPUSchedule sched = scheduleFor(op);
    int64_t vectorWidth = sched.vectorWidth, registerRows = sched.registerRows,
            registerCols = sched.registerCols, kTile = sched.kTile,
            threadTile = sched.threadTile;
    SmallVector<int64_t> ranges = op.getStaticLoopRanges();
    auto iterators = op.getIteratorTypesArray();
    unsigned numDims = ranges.size();
    TilePlan plan;
    plan.threads.assign(numDims, 0);
    plan.reduction.assign(numDims, 0);
    plan.registers.assign(numDims, 1);
    if (numDims == 0)
      return plan;

    // A product in bf16 pairs (kf::packBF16PairPanels), over (nb, m, j,
    // kp, t): the register tile's rows and columns, one pair per step; its
    // panels' copy, two weight rows of the panel's columns per step,
    // written side by side.
    if (op->hasAttr(kf::kBF16PairsAttrName) && numDims == 5) {
      int64_t rows = std::min(ranges[1], registerRows);
      int64_t cols = std::min(ranges[2], registerCols);
      if (ranges[1] % rows != 0)
        return Split{1, ranges[1] - ranges[1] % rows};
      if (ranges[2] % cols != 0)
        return Split{2, ranges[2] - ranges[2] % cols};
      plan.registers = {1, rows, cols, 1, 2};
      return plan;
    }
    // (From i8 blocks over (nb, kb, bp, t, j) or (nb, kb, bp, j, t): the
    // same per block.)
    if (op->hasAttr(kf::kBF16PairCopyAttrName) &&
        (numDims == 4 || numDims == 5)) {
      // From [k, n]: two rows of the panel's columns, over (nb, kp, j, t)
      // from floats, (nb, kb, bp, t, j) from i8 blocks.
      if (!op->hasAttr(kf::kTransposingCopyAttrName)) {
        if (numDims == 5) {
          plan.registers[3] = 2;
          plan.registers[4] = ranges[4];
        } else {
          plan.registers[2] = ranges[2];
          plan.registers[3] = 2;
        }
        return plan;
      }
      // From [n, k] (kf.transposing_copy), over (..., j, t): 8 pairs of 8
      // weight rows, a transpose.
      unsigned pairDim = numDims - 3, columnDim = numDims - 2;
      plan.registers.back() = 2;
      plan.registers[pairDim] = pickTile(ranges[pairDim], 8);
      plan.registers[columnDim] = pickTile(ranges[columnDim], 8);
      return plan;
    }

    bool quantized = op->hasAttr(kf::kQuantizedContractionAttrName) &&
                     numDims == 4 &&
                     iterators[2] == utils::IteratorType::parallel &&
                     iterators.back() == utils::IteratorType::reduction;
    // A row against i8 blocks stored [k, n], over (m, n, kb, j): a one-row
    // register tile across n, its sums carried over every block; threads
    // take contiguous parts of the blocks (split reduction), else split the
    // columns.
    if (op->hasAttr(kf::kQuantizedContractionAttrName) && numDims >= 4 &&
        iterators[numDims - 2] == utils::IteratorType::reduction &&
        iterators[numDims - 1] == utils::IteratorType::reduction)
      return planQuantizedInOut(op, sched, ranges);
    if (kf::isTiledContraction(op) || quantized) {
      unsigned k = numDims - 1, n = numDims - 2;
      std::optional<unsigned> m;
      if (numDims >= 3)
        m = numDims - 3;
      // A row against i8 blocks (lanes along the weight rows): one register
      // row, so that each block's scale is one broadcast value (more rows
      // would transpose the scales into place); its columns take up to a
      // whole block's lanes from the accumulators the rows leave (AVX2's
      // 16 columns had walked each weight row's blocks twice, half a block
      // at a time, two dependent chains of multiply-adds per pass).
      if (quantized) {
        registerCols = std::max(
            registerCols,
            std::min(ranges[n], powerOfTwoBelow(sched.registerRows *
                                                sched.registerCols)));
        registerRows = 1;
      }
      // A streamed row (kStreamRowsAttrName): one row, all its lanes; a
      // long row's loop unrolled a few steps at a time.
      if (op->hasAttr(kStreamRowsAttrName)) {
        registerCols = ranges[n];
        registerRows = 1;
        if (ranges[k] * ranges[n] > kWholeRowVectors * sched.vectorWidth)
          plan.marks.unrollSteps = kStreamRowUnrollSteps;
      }
      // One row (decode): nothing to reuse a weight for, so the tile is all
      // columns: each k step reads a long run of a weight row (four f32
      // register tiles, 512 bytes with AVX-512, and as many bytes of a
      // 16-bit weight, twice the columns) and the accumulators fill the
      // registers the rows would have used, no more. Threads split the
      // columns. (Measured on a Zen 5 with bf16 weights: 256 columns
      // decode GPT-2 18% faster than 128.)
      bool oneRow = (!m || ranges[*m] == 1) &&
                    !op->hasAttr(kf::kScheduleAttrName);
      if (oneRow) {
        int64_t budget = sched.registerRows * sched.registerCols;
        registerCols *= 4 * (quantized ? 1 : 4 / narrowestInputBytes(op));
        // A power of two: LLVM scalarises a vector of another length (with
        // AVX2's 6 x 16 budget, 96 bf16 columns widened and multiplied one
        // at a time, a quarter of the speed of 64).
        registerCols = std::max(sched.registerCols,
                                powerOfTwoBelow(std::min(registerCols, budget)));
      }
      // A few rows (a short prompt's prefill: up to half the register rows)
      // against a [k, n] float weight read in place: as for one row, a long
      // run of each weight row per k step, the accumulators shared out
      // between the rows, and (16-bit weights) the rows ahead fetched. The
      // register tile's columns had been the many rows' 32 (AVX-512): 64
      // bytes of a bf16 row per step. Measured on a Zen 5 (2 threads,
      // `kernelforge-bench --weights-from-memory`, bf16, GPT-2's 768 x 3072
      // / 3072 x 768 / 768 x 2304): 0.35 / 0.27 / - ms at 2 rows and 0.35 /
      // 0.33 / - at 4 before, 0.13 / 0.17 / 0.07 and 0.18 / 0.21 / 0.13
      // with 128 and 64 columns and the rows ahead; f32 0.32 / 0.33 and
      // 0.47 / 0.39 -> 0.25 / 0.23 and 0.27 / 0.32.
      bool fewRows =
          !oneRow && m && numDims == 3 && ranges[*m] > 1 &&
          ranges[*m] <= std::max<int64_t>(2, sched.registerRows / 2) &&
          !weightStoredOutIn(op) &&
          kf::dequantizedBlock(op.getDpsInputs()[1]) == 0 &&
          !op->hasAttr(kf::kScheduleAttrName) && !quantized;
      if (fewRows) {
        int64_t budget = sched.registerRows * sched.registerCols;
        int64_t wide = registerCols * 4 * (4 / narrowestInputBytes(op));
        registerCols =
            std::max(sched.registerCols,
                     powerOfTwoBelow(std::min(wide, budget / ranges[*m])));
      }
      // Register tile: rows x cols x 1, cols a multiple of the vector width.
      int64_t cols = ranges[n] < registerCols ? ranges[n] : registerCols;
      if (ranges[n] > cols && ranges[n] % cols != 0)
        return Split{n, ranges[n] - ranges[n] % cols};
      int64_t rows = m ? std::min(ranges[*m], registerRows) : 1;
      bool manyRows = m && kf::CPUSchedule::hasManyRows(ranges[*m], rows);
      // Many rows reuse each weight panel: packing it costs a copy per
      // `rows` of work and turns the register tile's k-strided weight reads
      // (a page apart for wide products) into one contiguous stream. A
      // weight stored [n, k] (the tied head's embedding) is packed whatever
      // the schedule: unpacked, each k step of the register tile gathers
      // its columns from `cols` rows a whole weight row apart (measured on a
      // Zen 5 at 256 x 768 x 50257: 0.47x OpenBLAS unpacked, 1.8x packed).
      // The panels are a thread tile's columns (below: 4 register tiles).
      // Weights stored [k, n] are packed where the schedule asks, from its
      // least rows on (AVX-512's tiles pay the copy back from 128 rows).
      // An i8 weight is packed whatever the schedule too: its panels are
      // dequantised from the blocks (unpacked, the whole weight would be
      // dequantised into memory first).
      // Both are packed from two rows on (a short prompt's prefill), not
      // only many: the copy is paid back even by two rows. (Up to 4 rows
      // against a float [n, k] weight, kLaneRowsAttrName, are lane-split
      // before they get here, faster still.) Measured on a
      // Zen 5 (kernelforge-bench --weights-from-memory, 2 threads, two
      // alternating runs) at 1024 x 5632, 2 / 4 / 8 / 16 rows: bf16
      // 1.55-2.33 / 2.18-2.39 / 1.68-2.60 / 3.19-5.26 ms unpacked against
      // 0.50 / 0.50-0.58 / 0.63-0.73 / 0.88-1.11 packed, f32 2.07-3.02 /
      // 2.06-3.04 / 2.09-2.91 / 4.57-5.85 against 0.76-0.92 / 0.87-1.00 /
      // 0.95-0.98 / 1.33-1.63, i8 2.22-3.30 / 2.42-3.01 / 2.54-3.38 /
      // 4.48-6.24 against 0.83-0.87 / 0.87-0.95 / 0.96-1.02 / 1.19-1.22.
      // (i8 at 2816 x 1024 lost a little at 2-8 rows: 0.38-0.49 ms
      // unpacked, 0.46-0.57 packed, level at 16; a LLaMA-shaped decoder's
      // 16-token prefill, whose products are both kinds, took a third to a
      // quarter of the time.)
      // A [k, n] float weight is packed too where the rows are more than a
      // few (above) and fewer than many, unless the schedule says not to:
      // read in place, each k step of those rows' register tile reads 32
      // columns (AVX-512; 16 with AVX2) of another weight row. Measured on
      // a Zen 5 (same bench, GPT-2's 768 x 3072 / 3072 x 768): bf16 at 8
      // rows 0.42 / 0.40 ms in place, 0.22 / 0.24 packed, at 16 0.54 /
      // 0.52 -> 0.35 / 0.37; f32 at 8 0.47 / 0.47 -> 0.33 / 0.35; AVX2 code
      // (znver3) at 4 / 8 / 16 rows, f32 0.71 / 0.83 / 1.10 -> 0.38 / 0.52 /
      // 0.75 and 0.60 / 0.91 / 1.11 -> 0.37 / 0.57 / 0.68, bf16 0.41 / 0.53 /
      // 0.68 -> 0.21 / 0.34 / 0.44.
      int64_t block = kf::dequantizedBlock(op.getDpsInputs()[1]);
      bool outInOrBlocks = weightStoredOutIn(op) || block > 0;
      // Pairs from 8 register tiles of rows on (64 with AVX-512's): with
      // fewer the interleaving copy is not paid back. GPT-2's bf16 weights
      // from memory on a Zen 5 (kernelforge-bench --weights-from-memory):
      // 8 and 16 rows took 1.3-1.6x the f32 panels' time, 32 rows 1.06-1.08x
      // (and 1.15x the unpacked product's), 64 rows 0.86-0.88x. An i8
      // weight's pairs are made from its blocks (an even block): from [k,
      // n] at 64 rows 0.82-0.83x the f32 panels' time, at 256 0.59-0.66x;
      // from [n, k], whose blocks are transposed as they are copied, 1.06-
      // 1.24x at 64 rows, 0.96-1.10x at 128, 0.70-0.78x at 256: from 32
      // register tiles of rows (256).
      int64_t pairRows = (block > 0 && weightStoredOutIn(op) ? 32 : 8) * rows;
      bool pairs = bf16Pairs && block % 2 == 0 && m && ranges[*m] >= pairRows &&
                   isa<Float32Type, BFloat16Type>(
                       getElementTypeOrSelf(op.getDpsInputs()[1].getType()));
      bool pack =
          m && numDims == 3 &&
          ((manyRows && (pairs || sched.packsWeightsAt(ranges[*m]))) ||
           (ranges[*m] > 1 && outInOrBlocks) ||
           (sched.packWeights && !manyRows && !fewRows && ranges[*m] > 1)) &&
          cols % vectorWidth == 0 && pickTile(ranges[n], 4 * cols, cols) != 0;
      // Rows left over by the register tile: a packed product splits them
      // off inside each thread tile, where they read the same panels (4 of
      // 64 rows with AVX2's 6-row tile); otherwise they are a product of
      // their own, which streams the whole weight again.
      bool rowsSplitInside = false;
      if (m) {
        if (ranges[*m] > rows && ranges[*m] % rows != 0) {
          if (!pack)
            return Split{*m, ranges[*m] - ranges[*m] % rows};
          rowsSplitInside = true;
        }
        plan.registers[*m] = rows;
      }
      plan.registers[n] = cols;
      plan.registers[k] = 1;
      // A few rows' lane-split product (dims: rows, outputs, lanes, k):
      // every row in the register tile, with as many outputs as leave the
      // accumulators within the tile's.
      if (op->hasAttr(kLaneRowsAttrName) && numDims == 4 && m && *m == 1) {
        plan.registers[0] = ranges[0];
        int64_t outputs =
            accumulatorVectors(sched) /
            (ranges[0] * std::max<int64_t>(1, cols / vectorWidth));
        plan.registers[*m] =
            pickTile(ranges[*m], std::max<int64_t>(1, outputs));
        rows = plan.registers[*m];
      }
      // A few rows against i8 blocks stored [n, k] (the lowering's lane-split
      // product over (rows, outputs, lanes, blocks)): every row in the
      // register tile (quantizedTileRows at most; more were split into
      // groups of that many before the thread tiling, or, unthreaded, are
      // tiles of that many with the rest split off), so that each block of
      // a weight row is read and widened once for all of them.
      if (quantized) {
        int64_t most = quantizedTileRows(sched, ranges[2]);
        plan.registers[0] = evenRowTile(ranges[0], most);
        if (plan.registers[0] == 0)
          return Split{0, ranges[0] - ranges[0] % most};
      }
      // Against an i8 weight, k tiles of whole blocks, which its panels
      // are made from (else the weight is dequantised whole first).
      plan.reduction[k] = block > 0 ? pickTile(ranges[k], kTile, block) : 0;
      if (plan.reduction[k] == 0)
        plan.reduction[k] = pickTile(ranges[k], kTile);
      if (plan.reduction[k] == 0)
        plan.reduction[k] = ranges[k];
      // A row against 16-bit weights stored [k, n] whose register tile reads
      // a short run of each weight row (128 bytes with AVX2): k tiles of
      // kNarrowRunKTile rows, walked register tile after register tile,
      // each run prefetching the same row two tiles ahead (and the next k
      // tile's rows at the row's end), as i8 blocks are walked.
      auto keys = op->getParentOfType<scf::ForOp>();
      bool inKeyLoop = keys && keys->hasAttr(kf::kKeyTileLoopAttrName);
      int64_t weightBytes = narrowestInputBytes(op);
      // Bytes of each weight row a one-row register tile reads per step
      // from a [k, n] weight (0: not such a product).
      int64_t runBytes = oneRow && block == 0 && !weightStoredOutIn(op) &&
                                 !op->hasAttr(kStreamRowsAttrName)
                             ? cols * weightBytes
                             : 0;
      bool narrowRuns = !inKeyLoop && weightBytes < 4 && runBytes > 0 &&
                        runBytes < kBlocksOuterRunBytes;
      if (narrowRuns) {
        if (int64_t tile = pickTile(ranges[k], kNarrowRunKTile))
          plan.reduction[k] = tile;
        plan.marks.nextTiles = kNextTilesAhead;
      }
      // Threads: batch dims one by one; many rows (prefill): split rows and
      // blocks of columns; few rows (decode): split the columns finer.
      for (unsigned d = 0; d < n; ++d)
        plan.threads[d] = 1;
      // A thread takes up to thread-tile rows and 4 register tiles of
      // columns: the weight block it streams is reused by all its rows, and
      // the columns give the threads enough blocks to share.
      plan.threads[n] = pickTile(ranges[n], 4 * cols, cols);
      // A product split across threads by its reduction
      // (splitReductionAcrossThreads): the parts are the threads' work, each
      // all columns of its block of weight rows.
      auto splitParts =
          op->getAttrOfType<IntegerAttr>(kf::kSplitReductionAttrName);
      if (oneRow && splitParts) {
        plan.threads[n] = ranges[n];
      } else if (oneRow) {
        // The widest column blocks that still give every core work.
        int64_t limit = std::max(cols, ranges[n] / sched.minParallelBlocks);
        plan.threads[n] = pickTile(ranges[n], limit, cols);
        if (plan.threads[n] == 0)
          plan.threads[n] = cols;
      }
      // Thread tiles of whole register tiles where the rows allow it; rows
      // split inside take any divisor.
      auto rowTile = [&](int64_t limit) {
        int64_t tile = pickTile(ranges[*m], limit, rows);
        return tile == 0 && rowsSplitInside ? pickTile(ranges[*m], limit)
                                            : tile;
      };
      if (m) {
        int64_t mTile = manyRows ? rowTile(threadTile) : ranges[*m];
        // Too few column blocks to share (a narrow product): split the
        // rows as well, down to the register rows, until every core has
        // work.
        int64_t columnBlocks = ranges[n] / plan.threads[n];
        while (manyRows &&
               columnBlocks * (ranges[*m] / mTile) < sched.minParallelBlocks &&
               mTile > rows) {
          int64_t smaller = rowTile(mTile / 2);
          if (smaller == 0 || smaller >= mTile)
            break;
          mTile = smaller;
        }
        plan.threads[*m] = mTile;
      }
      plan.regime = manyRows ? "rows" : "features";
      // Packed panels are read front to back, just after the copy wrote
      // them: nothing to fetch ahead.
      plan.marks.prefetch = manyRows && !op->hasAttr(kPackedAttrName);
      // A tuned distance of its own (0: none), kept where the product reads
      // its weights in place.
      bool ownDistance = plan.marks.prefetch && !pack &&
                         sched.prefetchDistance >= 0;
      if (ownDistance) {
        plan.marks.prefetch = sched.prefetchDistance > 0;
        plan.marks.prefetchSteps = sched.prefetchDistance;
      }
      // A row against 16-bit weights (decode), against f32 weights read in
      // runs of at most kBlocksOuterRunBytes (AVX2), or against a key
      // tile's value rows in a decode query's key loop: the rows ahead.
      // (Not any product in a loop: a packed product's k tile loop is one
      // too, and its panels are not to be prefetched.)
      bool shortRuns = runBytes > 0 && runBytes <= kBlocksOuterRunBytes;
      // (A streamed row has the hardware prefetchers, or the rows below.)
      if ((oneRow || fewRows) && !narrowRuns &&
          !op->hasAttr(kStreamRowsAttrName) &&
          (weightBytes < 4 || inKeyLoop || shortRuns)) {
        plan.marks.prefetch = true;
        plan.marks.prefetchSteps = kOneRowPrefetchRows;
      }
      if (pack)
        plan.packColumns = cols;
      plan.bf16Pairs = pack && pairs;
      // The lowering's lane-split row against i8 out_in blocks: its lanes
      // are summed after the product, so only their sum counts.
      plan.marks.laneSums = quantized;
      if (sched.columnsOuter && m && !quantized) {
        plan.registerInterchange = llvm::to_vector(llvm::seq<int64_t>(0, numDims));
        std::swap(plan.registerInterchange[*m], plan.registerInterchange[n]);
      }
      Builder b(op.getContext());
      SmallVector<NamedAttribute> fields = {
          b.getNamedAttr("register_tile",
                         b.getDenseI64ArrayAttr({rows, cols})),
          b.getNamedAttr("k_tile", b.getI64IntegerAttr(plan.reduction[k])),
          b.getNamedAttr("thread_tiles", b.getDenseI64ArrayAttr(plan.threads)),
      };
      if (pack)
        fields.push_back(b.getNamedAttr("packed_panels", b.getI64IntegerAttr(cols)));
      // Rows in a lane-split register tile (a few rows' floats or i8 blocks).
      if ((op->hasAttr(kLaneRowsAttrName) || quantized) &&
          plan.registers[0] > 1)
        fields.push_back(b.getNamedAttr(
            "lane_rows", b.getI64IntegerAttr(plan.registers[0])));
      if (splitParts)
        fields.push_back(b.getNamedAttr("split_reduction", splitParts));
      if (!plan.registerInterchange.empty())
        fields.push_back(b.getNamedAttr("columns_outer", b.getBoolAttr(true)));
      if (ownDistance)
        fields.push_back(b.getNamedAttr(
            "prefetch_distance", b.getI64IntegerAttr(sched.prefetchDistance)));
      plan.schedule = b.getDictionaryAttr(fields);
      return plan;
    }

    // A transposing copy (kf::kTransposingCopyAttrName: into panels from a
    // weight stored [n, k], or an attention block's key tile): a square
    // register tile of the vector width, 8 at most, transposed in registers
    // (one element at a time before: with the weights from memory, GPT-2's
    // four products in that layout at 64 rows took 1.3-1.7x as long as from
    // [k, n]; squares of 16 spilled and became 256-element shuffles). The
    // source's contiguous dimension is the innermost loop: each of 8 rows is
    // read along its run before the next 8 (the copy had read 32 rows side
    // by side, 32 streams).
    if (auto dims =
            op->getAttrOfType<DenseI64ArrayAttr>(kf::kTransposingCopyAttrName)) {
      int64_t side = std::min<int64_t>(vectorWidth, 8);
      for (int64_t d : dims.asArrayRef())
        side = std::gcd(side, ranges[d]);
      for (int64_t d : dims.asArrayRef())
        plan.registers[d] = side;
      // The source's contiguous dimension innermost.
      int64_t along = dims.asArrayRef().front();
      plan.registerInterchange = llvm::to_vector(llvm::seq<int64_t>(0, numDims));
      plan.registerInterchange.erase(plan.registerInterchange.begin() + along);
      plan.registerInterchange.push_back(along);
      if (auto dim = op->getAttrOfType<IntegerAttr>(kPackingCopyAttrName))
        plan.marks.nextKTileDim = dim.getInt();
      return plan;
    }

    // Other generics: vectors along the last dimension, one row at a time;
    // threads over the rows, or over the last dimension when there is a
    // single row and it is parallel.
    unsigned last = numDims - 1;
    int64_t width = ranges[last] <= vectorWidth ? ranges[last] : vectorWidth;
    if (ranges[last] > width && ranges[last] % width != 0)
      return Split{last, ranges[last] - ranges[last] % width};
    plan.registers[last] = pickTile(ranges[last], 4 * vectorWidth, width);
    // Rows: the parallel dimensions before the last (a reduction across
    // rows, such as the sum over an i8 product's blocks, is not a row).
    int64_t rows = 1;
    for (unsigned d = 0; d < last; ++d)
      if (iterators[d] == utils::IteratorType::parallel) {
        rows *= ranges[d];
        plan.threads[d] = 1;
      }
    // The innermost parallel row dimension takes blocks of rows.
    for (int d = static_cast<int>(last) - 1; d >= 0; --d) {
      if (iterators[d] != utils::IteratorType::parallel)
        continue;
      plan.threads[d] = pickTile(ranges[d], 8);
      break;
    }
    // One row (decode): its features split across the threads, unless too
    // few to pay for a parallel region.
    if (rows == 1 && iterators[last] == utils::IteratorType::parallel &&
        ranges[last] >= kMinFeaturesToShare) {
      plan.threads[last] =
          pickTile(ranges[last], 16 * vectorWidth, plan.registers[last]);
      plan.regime = "features";
    }
    if (auto dim = op->getAttrOfType<IntegerAttr>(kPackingCopyAttrName))
      plan.marks.nextKTileDim = dim.getInt();
    return plan;
  }
};

/// Outputs per block of a lane sum fused into thread tiles
/// (kf::fuseLaneSumIntoThreadTiles): the largest divisor of n up to 64 (up
/// to 64 / `rows`, at least 8, for a lane sum of several rows against i8
/// blocks), a multiple of the register rows where one is, so that the
/// blocks share out evenly and a block's partial sums (8 KB at most with 32
/// lanes) stay in L1 (and on the stack: kf-stack-temporaries). 0 (do not
/// fuse) when n has no divisor of at least 8 there.
int64_t laneSumRowTile(int64_t n, const kf::CPUSchedule &s, int64_t rows = 1) {
  int64_t most = std::max<int64_t>(8, 64 / std::max<int64_t>(1, rows));
  int64_t limit = std::min<int64_t>(
      most,
      std::max<int64_t>(1, n / std::max<int64_t>(1, s.minParallelBlocks)));
  int64_t tile = pickTile(n, limit, s.registerRows);
  if (tile == 0)
    tile = pickTile(n, limit);
  return tile >= 8 || tile == n ? tile : 0;
}

/// A contraction in a lane sum's block of outputs (a thread tile marked
/// `kf.parallel`) records its schedule on that block's loop, as a thread
/// level tiling would, with the block's share of the loops as its thread
/// tiles (0: a reduction). Fused attention blocks are left unmarked.
void recordBlockSchedule(RewriterBase &rewriter, scf::ForallOp block,
                         linalg::LinalgOp op, DictionaryAttr schedule) {
  if (!schedule || !block->hasAttr("kf.parallel") ||
      block->hasAttr(kf::kScheduleAttrName))
    return;
  SmallVector<int64_t> share = op.getStaticLoopRanges();
  for (auto [size, iterator] :
       llvm::zip(share, op.getIteratorTypesArray()))
    if (iterator == utils::IteratorType::reduction)
      size = 0;
  NamedAttrList fields(schedule);
  fields.set("thread_tiles", rewriter.getDenseI64ArrayAttr(share));
  block->setAttr(kf::kScheduleAttrName,
                 fields.getDictionary(rewriter.getContext()));
}

/// Tiles `op` with `sizes` (skipped when all zero or all full); returns the
/// tiled op, or `op` itself.
FailureOr<TilingInterface> tileLevel(RewriterBase &rewriter, TilingInterface op,
                                     ArrayRef<int64_t> sizes, bool forall,
                                     StringRef regime,
                                     DictionaryAttr &schedule,
                                     ArrayRef<int64_t> interchange = {},
                                     const LoopMarks &marks = {}) {
  SmallVector<int64_t> ranges =
      cast<linalg::LinalgOp>(op.getOperation()).getStaticLoopRanges();
  // Useful when some dimension is cut into more than one tile.
  bool useful = false;
  for (auto [size, range] : llvm::zip(sizes, ranges))
    useful |= size != 0 && size != range;
  if (!useful)
    return op;
  scf::SCFTilingOptions options;
  options.setTileSizes(getAsIndexOpFoldResult(rewriter.getContext(), sizes));
  options.setLoopType(forall ? scf::SCFTilingOptions::LoopType::ForallOp
                             : scf::SCFTilingOptions::LoopType::ForOp);
  if (!interchange.empty())
    options.setInterchange(interchange);
  rewriter.setInsertionPoint(op);
  FailureOr<scf::SCFTilingResult> tiled =
      scf::tileUsingSCF(rewriter, op, options);
  if (failed(tiled))
    return failure();
  rewriter.replaceOp(op, tiled->replacements);
  if (forall && !regime.empty() && !tiled->loops.empty())
    tiled->loops.front()->setAttr("kf.parallel",
                                  rewriter.getStringAttr(regime));
  for (LoopLikeOpInterface loop : tiled->loops)
    marks.apply(rewriter, loop);
  // The schedule goes on the outermost loop the op gets.
  if (schedule && !tiled->loops.empty()) {
    tiled->loops.front()->setAttr(kf::kScheduleAttrName, schedule);
    schedule = nullptr;
  }
  return cast<TilingInterface>(tiled->tiledOps.front());
}

/// Rewrites a thread tile's contraction C[m, n] += A[m, k] * B(k, n) (B
/// stored [k, n] or [n, k]) to read its weights from contiguous panels:
///
///   P[nb, k, j] = B(k, nb * cols + j)                   (a copy, all parallel)
///   C'[m, nb, j] += A[m, k] * P[nb, k, j]  over (nb, m, j, k)
///
/// with C' = C expanded to [m, n / cols, cols]. Each register tile then
/// reads a [k, cols] panel front to back. Returns the copy and the new
/// product (the caller marks it kf.packed), or failure when the op is not
/// that shape.
FailureOr<SmallVector<Operation *>>
packWeightPanels(RewriterBase &rewriter, linalg::LinalgOp op, int64_t cols) {
  if (op.getNumLoops() != 3 || op.getNumDpsInputs() != 2 ||
      op.getNumDpsInits() != 1 || !op.hasPureTensorSemantics())
    return failure();
  MLIRContext *ctx = op.getContext();
  AffineExpr m, n, k;
  bindDims(ctx, m, n, k);
  bool inOut = kf::hasIndexingMaps(op, {{m, k}, {k, n}, {m, n}});
  if (!inOut && !weightStoredOutIn(op))
    return failure();
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  int64_t rowsRange = ranges[0], colsRange = ranges[1], depth = ranges[2];
  if (colsRange % cols != 0)
    return failure();
  int64_t panels = colsRange / cols;
  Location loc = op.getLoc();
  Value a = op.getDpsInputs()[0], b = op.getDpsInputs()[1],
        c = op.getDpsInits()[0];
  Type weightType = getElementTypeOrSelf(b.getType());

  rewriter.setInsertionPoint(op);
  auto parallel = utils::IteratorType::parallel;
  // An i8 weight's panels straight from its blocks and scales, else the
  // copy into panels, from B viewed as [k, nb, cols] (or [nb, cols, k] when
  // stored [n, k]) so that every map is a permutation and vectorizes.
  linalg::GenericOp copy;
  Value panelValues;
  if (auto fused = kf::packDequantizedPanels(rewriter, loc, b, inOut, cols);
      succeeded(fused)) {
    std::tie(copy, panelValues) = *fused;
  } else {
    SmallVector<int64_t> viewShape =
        inOut ? SmallVector<int64_t>{depth, panels, cols}
              : SmallVector<int64_t>{panels, cols, depth};
    SmallVector<ReassociationIndices> viewGroups =
        inOut ? SmallVector<ReassociationIndices>{{0}, {1, 2}}
              : SmallVector<ReassociationIndices>{{0, 1}, {2}};
    Value view = tensor::ExpandShapeOp::create(
        rewriter, loc, RankedTensorType::get(viewShape, weightType), b,
        viewGroups);
    // The copy walks B in the order it is stored: from [k, n], each k row's
    // `panels` runs side by side (one contiguous read of the thread's
    // columns per row, not `panels` passes down the rows a row stride
    // apart); from [n, k], panel by panel (a transpose either way).
    AffineExpr nb, kk, j;
    if (inOut)
      bindDims(ctx, kk, nb, j);
    else
      bindDims(ctx, nb, kk, j);
    AffineMap source = AffineMap::get(
        3, 0, inOut ? ArrayRef<AffineExpr>{kk, nb, j}
                    : ArrayRef<AffineExpr>{nb, j, kk},
        ctx);
    AffineMap target = AffineMap::get(3, 0, {nb, kk, j}, ctx);
    Value empty = tensor::EmptyOp::create(
        rewriter, loc, ArrayRef<int64_t>{panels, depth, cols}, weightType);
    copy = linalg::GenericOp::create(
        rewriter, loc, empty.getType(), ValueRange{view}, ValueRange{empty},
        ArrayRef<AffineMap>{source, target},
        ArrayRef<utils::IteratorType>{parallel, parallel, parallel},
        [](OpBuilder &nested, Location l, ValueRange args) {
          linalg::YieldOp::create(nested, l, args[0]);
        });
    panelValues = copy.getResult(0);
    // Each run copied is a contiguous read whose next k tile can be asked
    // for: along the weight's dimension 0 from [k, n], 1 from [n, k].
    copy->setAttr(kPackingCopyAttrName,
                  rewriter.getI64IntegerAttr(inOut ? 0 : 1));
  }
  // From [n, k], the copy's loops (nb, k, j) read along k and write along
  // j; the i8 panels' (nb, kb, jj, j) read along jj and write along j.
  if (!inOut)
    copy->setAttr(kf::kTransposingCopyAttrName,
                  rewriter.getDenseI64ArrayAttr(
                      copy.getNumLoops() == 3 ? ArrayRef<int64_t>{1, 2}
                                              : ArrayRef<int64_t>{2, 3}));

  // The product over (nb, m, j, k) on the expanded output.
  auto cType = cast<RankedTensorType>(c.getType());
  auto expandedType = RankedTensorType::get({rowsRange, panels, cols},
                                            cType.getElementType());
  SmallVector<ReassociationIndices> reassociation = {{0}, {1, 2}};
  Value expanded = tensor::ExpandShapeOp::create(rewriter, loc, expandedType,
                                                 c, reassociation);
  AffineExpr p0, p1, p2, p3;
  bindDims(ctx, p0, p1, p2, p3);
  SmallVector<AffineMap> productMaps = {
      AffineMap::get(4, 0, {p1, p3}, ctx),
      AffineMap::get(4, 0, {p0, p3, p2}, ctx),
      AffineMap::get(4, 0, {p1, p0, p2}, ctx)};
  auto product = linalg::GenericOp::create(
      rewriter, loc, expandedType, ValueRange{a, panelValues},
      ValueRange{expanded}, productMaps,
      ArrayRef<utils::IteratorType>{parallel, parallel, parallel,
                                    utils::IteratorType::reduction});
  rewriter.inlineRegionBefore(op->getRegion(0), product.getRegion(),
                              product.getRegion().begin());
  // A tuned register tile carries over; the thread tile's loop already
  // records the schedule.
  if (Attribute schedule = op->getAttr(kf::kScheduleAttrName))
    product->setAttr(kf::kScheduleAttrName, schedule);
  Value collapsed = tensor::CollapseShapeOp::create(
      rewriter, loc, cType, product.getResult(0), reassociation);
  rewriter.replaceOp(op, collapsed);
  return SmallVector<Operation *>{copy, product};
}

/// Erases the slices and reshapes of `op`'s results (and of theirs) that
/// nothing reads any more.
void eraseDeadViews(RewriterBase &rewriter, Operation *op) {
  for (Operation *user : llvm::make_early_inc_range(op->getUsers())) {
    if (!isa<tensor::ExtractSliceOp, tensor::CollapseShapeOp,
             tensor::ExpandShapeOp>(user))
      continue;
    eraseDeadViews(rewriter, user);
    if (user->use_empty())
      rewriter.eraseOp(user);
  }
}

struct TileAndVectorizePass
    : kf::impl::TileAndVectorizePassBase<TileAndVectorizePass> {
  using TileAndVectorizePassBase::TileAndVectorizePassBase;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    // The module's schedule (kf-cpu-target), else the host's; options
    // other than 0 override it.
    std::optional<kf::CPUSchedule> recorded = kf::CPUSchedule::ofModule(func);
    kf::CPUSchedule schedule =
        recorded ? *recorded : kf::deriveCPUSchedule(kf::CPUTargetModel::host());
    if (!schedule.overrideWith(vectorWidth, registerRows, registerCols, kTile,
                               threadTile)) {
      func.emitError("kf-tile-and-vectorize: tile sizes and vector-width "
                     "must be positive (0: the schedule's)");
      return signalPassFailure();
    }
    int64_t cols = schedule.registerCols, width = schedule.vectorWidth;
    if (width < 1 || schedule.registerRows < 1 || schedule.kTile < 1 ||
        schedule.threadTile < 1 || cols < 1) {
      func.emitError("kf-tile-and-vectorize: tile sizes and vector-width "
                     "must be positive");
      return signalPassFailure();
    }
    if (!kf::CPUSchedule::isRegisterWidth(cols, width)) {
      func.emitError("kf-tile-and-vectorize: register-cols ")
          << cols << " must be vector-width " << width
          << " times a power of two (" << width << ", " << 2 * width << ", "
          << 4 * width << ", ...): other widths are lowered through shuffles";
      return signalPassFailure();
    }
    Planner planner{schedule, bf16Products && kf::targetHasBF16Dot(func)};
    IRRewriter rewriter(&getContext());

    // An op over an empty iteration space (a zero-sized tensor: no rows, no
    // outputs, or a reduction over nothing) runs no iteration: its results
    // are its inits (a product's bias), and there is nothing to tile.
    SmallVector<linalg::LinalgOp> empty;
    func.walk([&](linalg::LinalgOp op) {
      if (op.hasPureTensorSemantics() &&
          llvm::is_contained(op.getStaticLoopRanges(), 0))
        empty.push_back(op);
    });
    for (linalg::LinalgOp op : empty)
      rewriter.replaceOp(op, op.getDpsInits());

    // Lane sums the lowering formed (a row against i8 out_in blocks): each
    // block of outputs sums its own partial sums, before the worklist is
    // collected (the fusion replaces the ops).
    if (threads) {
      SmallVector<linalg::LinalgOp> sums;
      func.walk([&](linalg::LinalgOp op) {
        if (kf::laneSumProducer(op))
          sums.push_back(op);
      });
      for (linalg::LinalgOp sum : sums) {
        // More rows than a register tile takes against i8 blocks: groups
        // of that many, each its own block loop, so that each group's rows
        // are defined before it (and quantised once there, on x86).
        SmallVector<linalg::LinalgOp> groups = {sum};
        linalg::LinalgOp partial = kf::laneSumProducer(sum);
        if (partial && partial->hasAttr(kf::kQuantizedContractionAttrName)) {
          int64_t rows = quantizedTileRows(planner.scheduleFor(partial),
                                           sum.getStaticLoopRanges()[2]);
          if (auto split = kf::splitLaneSumRows(rewriter, sum, rows);
              succeeded(split))
            groups = *split;
        }
        for (linalg::LinalgOp group : groups) {
          SmallVector<int64_t> ranges = group.getStaticLoopRanges();
          (void)kf::fuseLaneSumIntoThreadTiles(
              rewriter, group, laneSumRowTile(ranges[1], schedule, ranges[0]));
        }
      }
    }

    // i8 weights' dequantisations wait until the products that read them
    // have made their panels from the blocks; those no product still reads
    // are gone.
    std::deque<linalg::LinalgOp> worklist;
    SmallVector<linalg::LinalgOp> dequantizations;
    func.walk([&](linalg::LinalgOp op) {
      if (!op.hasPureTensorSemantics())
        return;
      if (op->hasAttr(kf::kDequantizeAttrName))
        dequantizations.push_back(op);
      else
        worklist.push_back(op);
    });

    SmallVector<Operation *> innermost;
    int64_t parts = std::max<int64_t>(2, schedule.minParallelBlocks / 2);
    // Ops that only prepare a later op's operands (a bias, a norm's means)
    // wait for its thread tiles; those not fused there are tiled last.
    llvm::SetVector<Operation *> waiting;
    llvm::DenseSet<Operation *> released;
    auto pending = [&](Operation *op) {
      return llvm::any_of(worklist, [&](linalg::LinalgOp queued) {
        return queued.getOperation() == op;
      });
    };
    // An op erased by a fusion or a split leaves every list (null: none).
    auto forget = [&](Operation *erased) {
      if (!erased)
        return;
      waiting.remove(erased);
      released.erase(erased);
      llvm::erase_if(worklist, [&](linalg::LinalgOp queued) {
        return queued.getOperation() == erased;
      });
    };
    while (!worklist.empty() || !dequantizations.empty() || !waiting.empty()) {
      if (worklist.empty() && !waiting.empty()) {
        for (Operation *op : waiting) {
          released.insert(op);
          worklist.push_back(cast<linalg::LinalgOp>(op));
        }
        waiting.clear();
        continue;
      }
      if (worklist.empty()) {
        for (linalg::LinalgOp op : dequantizations) {
          eraseDeadViews(rewriter, op);
          if (op->use_empty())
            rewriter.eraseOp(op);
          else
            worklist.push_back(op);
        }
        dequantizations.clear();
        continue;
      }
      linalg::LinalgOp op = worklist.front();
      worklist.pop_front();
      if (ShapedType::isDynamicShape(op.getStaticLoopRanges()))
        continue;
      if (threads && !released.contains(op) &&
          kf::waitsForConsumerTiles(op, pending)) {
        waiting.insert(op);
        continue;
      }
      // One row against a [k, n] weight (GPT-2's Conv1D layout in decode):
      // each thread takes a contiguous block of the weight's rows.
      if (threads && schedule.splitReduction && kf::isTiledContraction(op) &&
          op.getNumLoops() == 3 &&
          op.getStaticLoopRanges()[0] == 1 &&
          !op->hasAttr(kf::kScheduleAttrName) &&
          !op->getParentOfType<scf::ForallOp>()) {
        FailureOr<SmallVector<Operation *>> split =
            kf::splitReductionAcrossThreads(rewriter, op, parts,
                                            /*minDepth=*/64);
        if (succeeded(split)) {
          for (Operation *newOp : *split)
            worklist.push_back(cast<linalg::LinalgOp>(newOp));
          continue;
        }
      }
      // The same against i8 blocks stored [k, n].
      if (threads && schedule.splitReduction &&
          !op->hasAttr(kf::kSplitReductionAttrName) &&
          !op->hasAttr(kf::kScheduleAttrName) &&
          !op->getParentOfType<scf::ForallOp>()) {
        FailureOr<SmallVector<Operation *>> split =
            kf::splitQuantizedReductionAcrossThreads(rewriter, op, parts);
        if (succeeded(split)) {
          for (Operation *newOp : *split)
            worklist.push_back(cast<linalg::LinalgOp>(newOp));
          continue;
        }
      }
      // One row against a [n, k] weight (decode's tied head, and a decode
      // attention block's scores against its keys): dot products along k, a
      // vector of partial sums per output, instead of a register tile across
      // n that would read the weight down its columns.
      // The same for a few rows (a short prompt's prefill), each weight
      // row read once for all of them; over stretches of k where the rows
      // are too long to stay in L1 whole.
      int64_t laneDepth = threads ? laneRowsDepth(op, schedule) : 0;
      if (auto parts = splitLaneRowsDepth(rewriter, op, laneDepth);
          succeeded(parts)) {
        for (Operation *part : *parts)
          worklist.push_back(cast<linalg::LinalgOp>(part));
        continue;
      }
      bool laneRows = laneDepth > 0 && op.getStaticLoopRanges()[2] <= laneDepth;
      if (kf::isTiledContraction(op) && op.getNumLoops() >= 3 &&
          (op.getStaticLoopRanges()[op.getNumLoops() - 3] == 1 || laneRows)) {
        // Outside a fused block, a whole weight: its rows streamed, each
        // with kLaneStreamVectors vectors of lanes (where they divide k).
        FailureOr<SmallVector<Operation *>> split = failure();
        if (!op->getParentOfType<scf::ForallOp>() &&
            narrowestInputBytes(op) < 4)
          split = kf::splitLaneReduction(
              rewriter, op, kLaneStreamVectors * schedule.vectorWidth);
        bool stream = succeeded(split);
        if (stream)
          (*split)[0]->setAttr(kStreamRowsAttrName, rewriter.getUnitAttr());
        else
          split = kf::splitLaneReduction(rewriter, op, schedule.vectorWidth);
        if (succeeded(split)) {
          if (laneRows)
            (*split)[0]->setAttr(kLaneRowsAttrName, rewriter.getUnitAttr());
          // Outside a fused block (the head): threads take blocks of
          // outputs, each summing its own partial sums (a streamed row's
          // right after its product).
          linalg::LinalgOp sum = cast<linalg::LinalgOp>((*split)[1]);
          if (threads && kf::laneSumProducer(sum)) {
            FailureOr<SmallVector<Operation *>> fused =
                kf::fuseLaneSumIntoThreadTiles(
                    rewriter, sum,
                    laneSumRowTile(sum.getStaticLoopRanges()[1], schedule));
            if (succeeded(fused) && stream) {
              if (auto block = (*fused)[0]->getParentOfType<scf::ForallOp>())
                (void)kf::sumLaneRowsOneByOne(rewriter, block, *fused);
            }
            if (succeeded(fused))
              split = fused;
          }
          for (Operation *newOp : *split)
            if (auto linalgOp = dyn_cast<linalg::LinalgOp>(newOp))
              worklist.push_back(linalgOp);
          continue;
        }
      }
      auto decision = planner.plan(op);
      if (auto *split = std::get_if<Split>(&decision)) {
        // Its init's producer (a zero fill, a bias) is split with it, so
        // that each piece's thread tiles can compute their own share of it.
        FailureOr<kf::SplitWithInit> pieces =
            kf::splitWithInitProducer(rewriter, op, split->dim, split->at);
        if (failed(pieces)) {
          op.emitWarning("kf-tile-and-vectorize: could not split dimension ")
              << split->dim << "; left untiled";
          continue;
        }
        forget(pieces->erasedInit);
        for (linalg::LinalgOp piece : pieces->initPieces)
          worklist.push_front(piece);
        worklist.push_back(pieces->first);
        if (pieces->second)
          worklist.push_back(pieces->second);
        continue;
      }
      TilePlan &plan = std::get<TilePlan>(decision);
      // A product split off one against a dequantised i8 weight that reads
      // its slice unpacked (the columns a register tile leaves over):
      // dequantise only that slice.
      if (plan.packColumns == 0 && op.getNumDpsInputs() == 2) {
        rewriter.setInsertionPoint(op);
        if (auto sliced = kf::dequantizeSlice(rewriter, op.getLoc(),
                                              op.getDpsInputs()[1]);
            succeeded(sliced)) {
          rewriter.modifyOpInPlace(op, [&] {
            op.getDpsInputOperand(1)->set(sliced->second);
          });
          dequantizations.push_back(sliced->first);
        }
      }
      // Inside an scf.forall (a fused attention block, a lane sum's block
      // of outputs) the threads are already distributed: only the register
      // level remains.
      if (auto block = op->getParentOfType<scf::ForallOp>()) {
        std::fill(plan.threads.begin(), plan.threads.end(), 0);
        recordBlockSchedule(rewriter, block, op, plan.schedule);
        // A product in a lane sum's block (marked "features") whose lanes
        // read less than a cache line of each row (16-bit and i8 weights;
        // f32 with AVX2's 8 lanes): the rows below. Not a packed product,
        // which goes round the worklist inside its thread tile (a block
        // marked "rows", or "features" for a few rows' panels): its panels
        // are read front to back, and its activations' rows are in cache.
        int64_t bytes = narrowestInputBytes(op);
        auto regime = block->getAttrOfType<StringAttr>("kf.parallel");
        // A streamed row's run per step (kLaneStreamVectors vectors).
        int64_t stepBytes = planner.scheduleFor(op).vectorWidth * bytes;
        if (op->hasAttr(kStreamRowsAttrName))
          stepBytes *= kLaneStreamVectors;
        if (plan.schedule && regime && regime.getValue() == "features" &&
            !op->hasAttr(kPackedAttrName) &&
            (stepBytes < kf::kCacheLineBytes ||
             (op->hasAttr(kStreamRowsAttrName) &&
              stepBytes == kf::kCacheLineBytes)))
          plan.marks.rowBytes =
              bytes < 4 ? kNextRowsPrefetchBytes : kNextF32RowsPrefetchBytes;
      }
      auto current = cast<TilingInterface>(op.getOperation());
      bool product = kf::isTiledContraction(op);
      DictionaryAttr scheduleAttr =
          op->hasAttr(kPackedAttrName) ? nullptr : plan.schedule;
      bool packed = false;
      for (auto [level, sizes, forall] :
           {std::tuple{0, ArrayRef<int64_t>(plan.threads), bool(threads)},
            std::tuple{1, ArrayRef<int64_t>(plan.reduction), false},
            std::tuple{2, ArrayRef<int64_t>(plan.registers), false}}) {
        // Between the k tile and the registers: the thread's weight block
        // goes into contiguous panels, and the packed product (and the
        // packing copy) go round the worklist for their register tiles.
        if (level == 2 && plan.packColumns > 0) {
          auto tile = cast<linalg::LinalgOp>(current.getOperation());
          // In bf16 pairs where asked for and the target multiplies them.
          FailureOr<SmallVector<Operation *>> panels = failure();
          if (plan.bf16Pairs)
            panels = kf::packBF16PairPanels(rewriter, tile, plan.packColumns);
          if (failed(panels))
            panels = packWeightPanels(rewriter, tile, plan.packColumns);
          if (succeeded(panels)) {
            // The product that reads them (the last op either returns).
            panels->back()->setAttr(kPackedAttrName, rewriter.getUnitAttr());
            for (Operation *newOp : *panels)
              worklist.push_back(cast<linalg::LinalgOp>(newOp));
            packed = true;
            break;
          }
        }
        // The loops the threads split (none: tileLevel leaves the op).
        SmallVector<bool> split;
        if (level == 0 && forall && !waiting.empty())
          for (auto [size, range] :
               llvm::zip(sizes, cast<linalg::LinalgOp>(current.getOperation())
                                    .getStaticLoopRanges()))
            split.push_back(size != 0 && size != range);
        FailureOr<TilingInterface> next = tileLevel(
            rewriter, current, sizes, forall, plan.regime, scheduleAttr,
            level == 2 ? ArrayRef<int64_t>(plan.registerInterchange)
                       : ArrayRef<int64_t>(),
            level == 2 ? plan.marks : LoopMarks());
        if (failed(next)) {
          current.emitWarning("kf-tile-and-vectorize: tiling failed");
          break;
        }
        current = *next;
        // The thread tiles compute the producers waiting for them.
        if (llvm::is_contained(split, true))
          for (linalg::LinalgOp fused : kf::fuseWaitingProducers(
                   rewriter, cast<scf::ForallOp>(current->getParentOp()),
                   cast<linalg::LinalgOp>(current.getOperation()), split,
                   waiting))
            worklist.push_back(fused);
        // And the elementwise op that reads a product's result (a GELU, a
        // residual sum) applies itself to each tile.
        if (level == 0 && forall && product)
          if (auto block = dyn_cast<scf::ForallOp>(current->getParentOp()))
            if (FailureOr<kf::FusedConsumer> consumer =
                    kf::fuseElementwiseConsumer(rewriter, block, pending);
                succeeded(consumer)) {
              forget(consumer->erased);
              worklist.push_back(consumer->tiled);
            }
      }
      if (!packed)
        innermost.push_back(current.getOperation());
    }

    for (Operation *op : innermost) {
      rewriter.setInsertionPoint(op);
      FailureOr<linalg::VectorizationResult> result =
          linalg::vectorize(rewriter, op);
      if (succeeded(result))
        rewriter.replaceOp(op, result->replacements);
    }

    // Fold the vectorized reductions into contractions and the tensor slices
    // into the transfers, as the transform dialect's
    // vectorize_children_and_apply_patterns does.
    RewritePatternSet patterns(&getContext());
    // Broadcasting reads become transfer + vector.broadcast, which the
    // contraction patterns then fold into vector.contract's maps (an outer
    // product of a column and a row instead of two broadcast tiles).
    vector::populateVectorTransferPermutationMapLoweringPatterns(patterns);
    vector::populateVectorReductionToContractPatterns(patterns);
    vector::populateSinkVectorOpsPatterns(patterns);
    tensor::populateFoldTensorSubsetIntoVectorTransferPatterns(patterns);
    vector::TransferReadOp::getCanonicalizationPatterns(patterns,
                                                        &getContext());
    vector::TransferWriteOp::getCanonicalizationPatterns(patterns,
                                                         &getContext());
    tensor::ExtractSliceOp::getCanonicalizationPatterns(patterns,
                                                        &getContext());
    tensor::InsertSliceOp::getCanonicalizationPatterns(patterns, &getContext());
    linalg::populateLinalgTilingCanonicalizationPatterns(patterns);
    if (failed(applyPatternsGreedily(func, std::move(patterns)))) {
      func->emitError() << getArgument()
                        << ": rewrite patterns did not converge";
      return signalPassFailure();
    }
    // Once the contractions have their final maps: the lane-split products'
    // register tiles as rows of multiply-adds.
    RewritePatternSet fma(&getContext());
    kf::populateUnitReductionContractToFMAPatterns(fma);
    if (failed(applyPatternsGreedily(func, std::move(fma)))) {
      func->emitError() << getArgument()
                        << ": rewrite patterns did not converge";
      return signalPassFailure();
    }
  }
};

} // namespace
