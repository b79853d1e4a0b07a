//===- CPUSchedule.cpp - Tile sizes derived from a CPU target model -------===//

#include "kernelforge/Target/CPUTargetModel.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"

#include "llvm/Support/MathExtras.h"

using namespace mlir;
using namespace mlir::kf;

/// Largest power of two <= value, within [low, high].
static int64_t powerOfTwoIn(int64_t value, int64_t low, int64_t high) {
  int64_t p = value <= 1 ? 1 : int64_t(llvm::bit_floor(uint64_t(value)));
  return std::clamp(p, low, high);
}

CPUSchedule mlir::kf::deriveCPUSchedule(const CPUTargetModel &target) {
  CPUSchedule s;
  s.vectorWidth = std::max<int64_t>(1, target.lanes(32));
  // Register tile: two vectors of weights are loaded per k step and kept in
  // registers, one register holds the broadcast activation, the rest are
  // rows x 2 accumulators. Column counts stay a power of two vectors: LLVM
  // splits a row of 3 vectors into pieces that do not stay in registers
  // (measured on NEON: 8 x 12 and even 4 x 12 spill, 8 x 8 and 4 x 16 do not).
  int64_t colVectors = 2;
  int64_t rows = (target.vectorRegisters - colVectors - 1) / colVectors;
  s.registerRows = std::clamp<int64_t>(rows, 1, 8);
  s.registerCols = colVectors * s.vectorWidth;
  // k tile: a register tile's weight panel (k x cols) fills L1, at most
  // 256 deep (the accumulators are loaded and stored once per k tile; 256
  // makes that 1/256 of the FMAs; deeper tiles only lose cache reuse).
  s.kTile = powerOfTwoIn(target.l1d / (s.registerCols * 4), 64, 256);
  // Rows per thread: a thread streams a weight block (k x 4 cols) once for
  // all its rows; their activations (rows x k) take half of L2 at most.
  s.threadTile = powerOfTwoIn(target.l2 / 2 / (s.kTile * 4), 32, 256);
  // Attention: a key tile of keys and values (64 dimensions each) the size
  // of L1 (64 keys on a 32 KiB L1, what the fused loop used everywhere
  // before).
  s.attentionKeyTile = powerOfTwoIn(target.l1d / (2 * 64 * 4), 16, 128);
  s.attentionQueryTile = 64;
  // A single query (decode) has no query block to reuse a key tile: its
  // tile only sets how many keys each online-softmax step takes, the cache
  // streaming from memory either way. 16 keys measured 10-30% faster than
  // 64 on a Zen 5 (kernelforge-tune, GPT-2's decode attention at position
  // 512 of 1024, KV cache from memory: f32 0.054-0.071 against 0.071-0.091
  // ms, bf16 0.036-0.040 against 0.046-0.047 ms; the same with znver3
  // code); 32 in between, 128 and 256 slower.
  s.attentionDecodeKeyTile = 16;
  s.minParallelBlocks = std::max<int64_t>(4, 2 * target.cores);
  // Packed weight panels on x86 (256- and 512-bit vectors): a register
  // tile reads one or two 64-byte lines of each weight row, so its k-tile
  // panel is 256 rows a whole weight row apart, and at transformer widths
  // (multiples of 1 KiB; mlp_up's rows are 12 KiB apart, one L1 set) those
  // lines fall in a few sets and evict each other: the panel comes from L2
  // for every row tile. Copied into contiguous panels per thread, they are
  // one stream. Measured on a Zen 5 (kernelforge-bench, GPT-2's products,
  // OpenBLAS in the same run): with znver3 code against OpenBLAS's Haswell
  // kernels, mlp_up went from 0.64 to 0.93-0.98x, the others stayed within
  // 0.91-1.09x; with AVX-512's 8 x 32 tiles against its SkylakeX kernels,
  // at 256 tokens qkv 0.84-1.09 -> 0.99-1.03x, mlp_up 0.71-0.78 ->
  // 0.97-0.99x, mlp_down 0.79-0.85 -> 1.05-1.13x (weights in cache); GPT-2 prefill at 256 and 1024 tokens 3-11% faster with znver3
  // code, 6-8% with AVX-512 (packing from 128 rows, below).
  // NEON's 128-bit tiles are unmeasured and stay unpacked.
  s.packWeights = target.vectorBits >= 256;
  // With weights from memory (a model's layers), the copy is paid back by
  // AVX2's tiles from 64 rows on (znver3 code, OpenBLAS Haswell: mlp_up
  // 0.62-0.67 -> 0.95-1.03x, qkv 0.85-0.87 -> 0.97-0.99x), but not by
  // AVX-512's, whose unpacked reads conflict half as much and are
  // prefetched: at 64 rows packed was slower (qkv 0.67 -> 0.80-0.84 ms,
  // mlp_up 1.01 -> 1.22-1.30 ms), at 128 even (qkv slower, mlp_up faster),
  // at 256 and 512 faster (mlp_up 7.8-7.9 -> 6.85 ms at 512).
  s.packMinRows = target.vectorBits >= 512 ? 16 * s.registerRows : 0;
  return s;
}

bool CPUSchedule::overrideWith(int64_t width, int64_t rows, int64_t cols,
                               int64_t k, int64_t thread) {
  std::pair<int64_t, int64_t *> sizes[] = {{width, &vectorWidth},
                                           {rows, &registerRows},
                                           {cols, &registerCols},
                                           {k, &kTile},
                                           {thread, &threadTile}};
  for (auto [size, field] : sizes)
    if (size < 0)
      return false;
  for (auto [size, field] : sizes)
    if (size > 0)
      *field = size;
  return true;
}

DictionaryAttr CPUSchedule::toAttr(MLIRContext *context) const {
  Builder b(context);
  SmallVector<NamedAttribute> fields = {
      b.getNamedAttr("vector_width", b.getI64IntegerAttr(vectorWidth)),
      b.getNamedAttr("register_tile",
                     b.getDenseI64ArrayAttr({registerRows, registerCols})),
      b.getNamedAttr("k_tile", b.getI64IntegerAttr(kTile)),
      b.getNamedAttr("thread_tile", b.getI64IntegerAttr(threadTile)),
      b.getNamedAttr("attention_tiles", b.getDenseI64ArrayAttr(
                                            {attentionQueryTile,
                                             attentionKeyTile})),
      b.getNamedAttr("decode_key_tile",
                     b.getI64IntegerAttr(attentionDecodeKeyTile)),
      b.getNamedAttr("min_parallel_blocks",
                     b.getI64IntegerAttr(minParallelBlocks)),
      b.getNamedAttr("pack_weights", b.getBoolAttr(packWeights)),
      b.getNamedAttr("pack_min_rows", b.getI64IntegerAttr(packMinRows)),
      b.getNamedAttr("columns_outer", b.getBoolAttr(columnsOuter)),
      b.getNamedAttr("split_reduction", b.getBoolAttr(splitReduction)),
  };
  if (prefetchDistance >= 0)
    fields.push_back(b.getNamedAttr("prefetch_distance",
                                    b.getI64IntegerAttr(prefetchDistance)));
  return b.getDictionaryAttr(fields);
}

CPUSchedule CPUSchedule::fromAttr(DictionaryAttr attr) {
  CPUSchedule s;
  auto read = [&](StringRef name, int64_t &field) {
    if (auto value = attr.getAs<IntegerAttr>(name))
      field = value.getInt();
  };
  auto readPair = [&](StringRef name, int64_t &first, int64_t &second) {
    if (auto value = attr.getAs<DenseI64ArrayAttr>(name);
        value && value.size() == 2) {
      first = value[0];
      second = value[1];
    }
  };
  read("vector_width", s.vectorWidth);
  readPair("register_tile", s.registerRows, s.registerCols);
  read("k_tile", s.kTile);
  read("thread_tile", s.threadTile);
  readPair("attention_tiles", s.attentionQueryTile, s.attentionKeyTile);
  read("decode_key_tile", s.attentionDecodeKeyTile);
  read("min_parallel_blocks", s.minParallelBlocks);
  read("pack_min_rows", s.packMinRows);
  read("prefetch_distance", s.prefetchDistance);
  if (auto pack = attr.getAs<BoolAttr>("pack_weights"))
    s.packWeights = pack.getValue();
  if (auto order = attr.getAs<BoolAttr>("columns_outer"))
    s.columnsOuter = order.getValue();
  if (auto split = attr.getAs<BoolAttr>("split_reduction"))
    s.splitReduction = split.getValue();
  return s;
}

std::optional<CPUSchedule> CPUSchedule::ofModule(Operation *op) {
  auto module = isa<ModuleOp>(op) ? cast<ModuleOp>(op)
                                  : op->getParentOfType<ModuleOp>();
  for (; module; module = module->getParentOfType<ModuleOp>())
    if (auto attr = module->getAttrOfType<DictionaryAttr>(kScheduleAttrName))
      return fromAttr(attr);
  return std::nullopt;
}
