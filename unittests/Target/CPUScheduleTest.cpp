//===- CPUScheduleTest.cpp - Target models, schedules, tuning cache -------===//

#include "kernelforge/Target/CPUTargetModel.h"
#include "kernelforge/Target/TuningCache.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/MLIRContext.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

#include <tuple>

using namespace mlir;
using namespace mlir::kf;

namespace {

CPUTargetModel model(const char *triple, const char *cpu,
                     const char *features = "") {
  std::string error;
  FailureOr<CPUTargetModel> m = CPUTargetModel::get(triple, cpu, features, error);
  EXPECT_TRUE(succeeded(m)) << error;
  return succeeded(m) ? *m : CPUTargetModel();
}

// Every derived register tile fits: accumulators, the weight vectors of a k
// step and the broadcast element in the target's vector registers; columns
// are whole vectors.
TEST(CPUSchedule, RegisterTilesFitTheirTargets) {
  struct Case {
    const char *triple, *cpu;
    int64_t bits, registers, rows, cols;
  } cases[] = {
      {"x86_64-unknown-linux-gnu", "znver3", 256, 16, 6, 16},
      {"x86_64-unknown-linux-gnu", "haswell", 256, 16, 6, 16},
      {"x86_64-unknown-linux-gnu", "skylake-avx512", 512, 32, 8, 32},
      {"x86_64-unknown-linux-gnu", "znver4", 512, 32, 8, 32},
      {"x86_64-unknown-linux-gnu", "x86-64", 128, 16, 6, 8},
      {"aarch64-unknown-linux-gnu", "neoverse-n1", 128, 32, 8, 8},
      {"aarch64-unknown-linux-gnu", "apple-m1", 128, 32, 8, 8},
  };
  for (const Case &c : cases) {
    CPUTargetModel m = model(c.triple, c.cpu);
    EXPECT_EQ(m.vectorBits, c.bits) << c.cpu;
    EXPECT_EQ(m.vectorRegisters, c.registers) << c.cpu;
    CPUSchedule s = deriveCPUSchedule(m);
    EXPECT_EQ(s.registerRows, c.rows) << c.cpu;
    EXPECT_EQ(s.registerCols, c.cols) << c.cpu;
    int64_t colVectors = s.registerCols / s.vectorWidth;
    EXPECT_EQ(s.registerCols % s.vectorWidth, 0) << c.cpu;
    EXPECT_LE(s.registerRows * colVectors + colVectors + 1, m.vectorRegisters)
        << c.cpu;
    EXPECT_GE(s.kTile, 64) << c.cpu;
    EXPECT_LE(s.kTile, 256) << c.cpu;
  }
}

// x86 packs prefill's weights: AVX2 wherever rows reuse them, AVX-512 from
// 16 register tiles of rows (below, its unpacked, prefetched reads were
// faster); NEON reads them in place.
TEST(CPUSchedule, WeightPanelsFollowTheTarget) {
  CPUSchedule avx2 = deriveCPUSchedule(model("x86_64-unknown-linux-gnu", "znver3"));
  EXPECT_TRUE(avx2.packWeights);
  EXPECT_EQ(avx2.packMinRows, 0);
  CPUSchedule avx512 =
      deriveCPUSchedule(model("x86_64-unknown-linux-gnu", "znver4"));
  EXPECT_TRUE(avx512.packWeights);
  EXPECT_EQ(avx512.packMinRows, 16 * avx512.registerRows);
  EXPECT_FALSE(
      deriveCPUSchedule(model("aarch64-unknown-linux-gnu", "neoverse-n1"))
          .packWeights);
}

// Many rows (packing and prefetching pay) means four register tiles or
// more: prefill's 64 tokens with AVX-512's 8-row tiles or AVX2's 6-row ones,
// not decode's one row, 16 rows of 8-row tiles, or fewer rows than a tile.
TEST(CPUSchedule, ManyRowsIsFourRegisterTiles) {
  EXPECT_TRUE(CPUSchedule::hasManyRows(64, 8));
  EXPECT_TRUE(CPUSchedule::hasManyRows(64, 6));
  EXPECT_TRUE(CPUSchedule::hasManyRows(32, 8));
  EXPECT_FALSE(CPUSchedule::hasManyRows(31, 8));
  EXPECT_FALSE(CPUSchedule::hasManyRows(16, 8));
  EXPECT_FALSE(CPUSchedule::hasManyRows(1, 8));
  EXPECT_FALSE(CPUSchedule::hasManyRows(3, 8));
  EXPECT_FALSE(CPUSchedule::hasManyRows(0, 8));
}

// A register tile is whole vectors, a power of two of them: AVX2's 8, 16
// and 32 floats, not 24 (three vectors) or 12; AVX-512's 16 to 64.
TEST(CPUSchedule, RegisterWidthsArePowersOfTwoOfVectors) {
  EXPECT_TRUE(CPUSchedule::isRegisterWidth(8, 8));
  EXPECT_TRUE(CPUSchedule::isRegisterWidth(16, 8));
  EXPECT_TRUE(CPUSchedule::isRegisterWidth(32, 8));
  EXPECT_FALSE(CPUSchedule::isRegisterWidth(24, 8));
  EXPECT_FALSE(CPUSchedule::isRegisterWidth(12, 8));
  EXPECT_FALSE(CPUSchedule::isRegisterWidth(4, 8));
  EXPECT_TRUE(CPUSchedule::isRegisterWidth(64, 16));
  EXPECT_FALSE(CPUSchedule::isRegisterWidth(48, 16));
  EXPECT_FALSE(CPUSchedule::isRegisterWidth(16, 0));
  // Every derived schedule's tile is one.
  for (const char *cpu : {"znver3", "znver4", "skylake-avx512", "haswell"}) {
    CPUSchedule s = deriveCPUSchedule(model("x86_64-unknown-linux-gnu", cpu));
    EXPECT_TRUE(CPUSchedule::isRegisterWidth(s.registerCols, s.vectorWidth))
        << cpu;
  }
  CPUSchedule neon =
      deriveCPUSchedule(model("aarch64-unknown-linux-gnu", "neoverse-n1"));
  EXPECT_TRUE(
      CPUSchedule::isRegisterWidth(neon.registerCols, neon.vectorWidth));
}

TEST(CPUSchedule, FeaturesTakeAwayVectorWidth) {
  CPUTargetModel m =
      model("x86_64-unknown-linux-gnu", "skylake-avx512", "-avx512f");
  EXPECT_EQ(m.vectorBits, 256);
  EXPECT_EQ(m.vectorRegisters, 16);
  EXPECT_EQ(deriveCPUSchedule(m).vectorWidth, 8);
}

TEST(CPUSchedule, UnknownCPUAndTripleAreErrors) {
  std::string error;
  EXPECT_TRUE(failed(
      CPUTargetModel::get("x86_64-unknown-linux-gnu", "pentium9", "", error)));
  EXPECT_NE(error.find("unknown target CPU 'pentium9'"), std::string::npos);
  EXPECT_TRUE(failed(CPUTargetModel::get("sparc99-unknown", "", "", error)));
  EXPECT_NE(error.find("unknown target triple"), std::string::npos);
}

// The host runs its own code; not another architecture's, nor code with an
// instruction set no CPU has alongside the others (AMD's SSE4a with Intel's
// AMX), whose absence here is named.
TEST(CPUTargetModel, RunnableHereOnlyWhereTheHostHasItsInstructions) {
  CPUTargetModel host = CPUTargetModel::host();
  EXPECT_EQ(host.whyNotRunnableHere(), "");
  std::string other = host.isAArch64 ? "x86_64-unknown-linux-gnu"
                                     : "aarch64-unknown-linux-gnu";
  std::string why = model(other.c_str(), "generic").whyNotRunnableHere();
  EXPECT_NE(why.find(" code and this machine is "), std::string::npos) << why;
  if (!host.isX86)
    return;
  why = model("", "", "+sse4a,+amx-tile").whyNotRunnableHere();
  EXPECT_EQ(why.rfind("this CPU lacks ", 0), 0u) << why;
  EXPECT_TRUE(why.find("sse4a") != std::string::npos ||
              why.find("amx-tile") != std::string::npos)
      << why;
}

TEST(CPUSchedule, AttributeRoundTripAndOverrides) {
  MLIRContext context;
  CPUSchedule s = deriveCPUSchedule(model("x86_64-unknown-linux-gnu", "znver3"));
  s.packWeights = false;
  s.packMinRows = 96;
  s.attentionDecodeKeyTile = 24;
  CPUSchedule back = CPUSchedule::fromAttr(s.toAttr(&context));
  EXPECT_EQ(back.packMinRows, 96);
  EXPECT_EQ(back.registerRows, s.registerRows);
  EXPECT_EQ(back.registerCols, s.registerCols);
  EXPECT_EQ(back.kTile, s.kTile);
  EXPECT_EQ(back.threadTile, s.threadTile);
  EXPECT_EQ(back.attentionKeyTile, s.attentionKeyTile);
  EXPECT_EQ(back.attentionDecodeKeyTile, 24);
  EXPECT_FALSE(back.packWeights);
  EXPECT_TRUE(back.overrideWith(0, 4, 0, 64, 0));
  EXPECT_EQ(back.registerRows, 4);
  EXPECT_EQ(back.registerCols, s.registerCols);
  EXPECT_EQ(back.kTile, 64);
  EXPECT_FALSE(back.overrideWith(0, -1, 0, 0, 0));
}

std::string tempPath(const char *name) {
  llvm::SmallString<128> path;
  llvm::sys::fs::createUniquePath(std::string("kf-tuning-%%%%%%-") + name,
                                  path, /*MakeAbsolute=*/true);
  return std::string(path);
}

void writeFile(const std::string &path, const std::string &text) {
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec);
  os << text;
}

TEST(TuningCache, RecordSaveLoad) {
  std::string path = tempPath("roundtrip.json"), problem;
  TuningCache cache = TuningCache::load(path, problem);
  EXPECT_TRUE(problem.empty());
  EXPECT_EQ(cache.size(), 0u);
  TunedSchedule s;
  s.registerRows = 4;
  s.registerCols = 16;
  s.kTile = 128;
  s.threadTile = 64;
  s.packWeights = false;
  s.ms = 1.5;
  s.defaultMs = 2.0;
  cache.record("key", s);
  TunedSchedule prefetching = s;
  prefetching.prefetchDistance = 32;
  cache.record("prefetching", prefetching);
  prefetching.prefetchDistance = 0;
  cache.record("no-prefetch", prefetching);
  std::string error;
  ASSERT_TRUE(succeeded(cache.save(error))) << error;
  TuningCache again = TuningCache::load(path, problem);
  EXPECT_TRUE(problem.empty()) << problem;
  std::optional<TunedSchedule> got = again.lookup("key", problem);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->registerRows, 4);
  EXPECT_EQ(got->registerCols, 16);
  EXPECT_EQ(got->kTile, 128);
  EXPECT_EQ(got->threadTile, 64);
  EXPECT_FALSE(got->packWeights);
  EXPECT_FALSE(got->columnsOuter);
  // No distance of its own: the pipeline's, and none in the op's schedule.
  EXPECT_EQ(got->prefetchDistance, -1);
  mlir::MLIRContext context;
  EXPECT_FALSE(got->toAttr(&context).contains("prefetch_distance"));
  EXPECT_EQ(got->describe(), "4x16 k128 t64");
  for (auto [key, distance, text] :
       {std::tuple{"prefetching", 32, "4x16 k128 t64 pf32"},
        std::tuple{"no-prefetch", 0, "4x16 k128 t64 pf0"}}) {
    std::optional<TunedSchedule> own = again.lookup(key, problem);
    ASSERT_TRUE(own.has_value()) << key << ": " << problem;
    EXPECT_EQ(own->prefetchDistance, distance);
    EXPECT_EQ(own->describe(), text);
    // What kf-tile-and-vectorize reads back from the op's kf.schedule.
    EXPECT_EQ(CPUSchedule::fromAttr(own->toAttr(&context)).prefetchDistance,
              distance);
  }
  EXPECT_FALSE(again.lookup("other", problem).has_value());
  EXPECT_TRUE(problem.empty());
  llvm::sys::fs::remove(path);
}

TEST(TuningCache, CorruptFilesAndEntriesFallBack) {
  std::string path = tempPath("corrupt.json"), problem;
  for (const char *text :
       {"{ not json", "[1, 2, 3]", "{\"format\": \"other\", \"entries\": {}}",
        "{\"format\": \"kernelforge-tuning-1\"}"}) {
    writeFile(path, text);
    problem.clear();
    TuningCache cache = TuningCache::load(path, problem);
    EXPECT_FALSE(problem.empty()) << text;
    EXPECT_EQ(cache.size(), 0u) << text;
  }
  writeFile(path, R"({"format": "kernelforge-tuning-1", "entries": {
      "huge": {"register_tile": [4, 100000], "k_tile": 64, "thread_tile": 8},
      "short": {"register_tile": [4], "k_tile": 64, "thread_tile": 8},
      "negative-prefetch": {"register_tile": [4, 16], "k_tile": 64,
                            "thread_tile": 8, "prefetch_distance": -3},
      "text-prefetch": {"register_tile": [4, 16], "k_tile": 64,
                        "thread_tile": 8, "prefetch_distance": "far"},
      "string": "6x16"}})");
  problem.clear();
  TuningCache cache = TuningCache::load(path, problem);
  EXPECT_TRUE(problem.empty()) << problem;
  for (const char *key :
       {"huge", "short", "negative-prefetch", "text-prefetch", "string"}) {
    std::string entryProblem;
    EXPECT_FALSE(cache.lookup(key, entryProblem).has_value()) << key;
    EXPECT_NE(entryProblem.find(key), std::string::npos) << entryProblem;
  }
  llvm::sys::fs::remove(path);
}

// Found by fuzz/tuning-cache: JSON reads 1e999 as infinity and wrote it back
// as `inf`, so one corrupt entry made the next saved file unreadable. Such an
// entry is refused, and saving leaves every refused entry out.
TEST(TuningCache, SavingDropsEntriesEveryReaderRefuses) {
  std::string path = tempPath("heal.json"), problem;
  writeFile(path, R"({"format": "kernelforge-tuning-1", "entries": {
      "good": {"register_tile": [6, 16], "k_tile": 256, "thread_tile": 96,
               "ms": 0.5, "default_ms": 0.75, "candidates": 3},
      "infinite": {"register_tile": [6, 16], "k_tile": 256, "thread_tile": 96,
                   "ms": 1e999},
      "negative": {"register_tile": [6, 16], "k_tile": 256, "thread_tile": 96,
                   "candidates": -2},
      "huge": {"register_tile": [4, 100000], "k_tile": 64, "thread_tile": 8},
      "past-int64": {"register_tile": [9223372036854775807.1, 16],
                     "k_tile": 64, "thread_tile": 8}}})");
  TuningCache cache = TuningCache::load(path, problem);
  ASSERT_TRUE(problem.empty()) << problem;
  // A double of 2^63 is no integer an int64_t holds (UBSan: no conversion).
  std::string tileProblem;
  EXPECT_FALSE(cache.lookup("past-int64", tileProblem).has_value());
  EXPECT_NE(tileProblem.find("register_tile"), std::string::npos) << tileProblem;
  for (const char *key : {"infinite", "negative"}) {
    std::string entryProblem;
    EXPECT_FALSE(cache.lookup(key, entryProblem).has_value()) << key;
    EXPECT_NE(entryProblem.find("not finite"), std::string::npos) << entryProblem;
  }
  std::string error;
  ASSERT_TRUE(succeeded(cache.save(error))) << error;
  TuningCache again = TuningCache::load(path, problem);
  ASSERT_TRUE(problem.empty()) << problem;
  EXPECT_EQ(again.size(), 1u);
  std::optional<TunedSchedule> good = again.lookup("good", problem);
  ASSERT_TRUE(good.has_value()) << problem;
  EXPECT_EQ(good->describe(), "6x16 k256 t96");
  EXPECT_EQ(good->ms, 0.5);
  EXPECT_EQ(good->defaultMs, 0.75);
  EXPECT_EQ(good->candidates, 3);
  llvm::sys::fs::remove(path);
}

// An attention entry (a key of kind attention) holds a query block and a key
// tile; it needs them, in range, and a contraction's fields do not stand in.
TEST(TuningCache, AttentionEntries) {
  std::string path = tempPath("attention.json"), problem;
  TuningCache cache = TuningCache::load(path, problem);
  TunedSchedule s;
  s.attentionQueryTile = 32;
  s.attentionKeyTile = 16;
  s.ms = 0.25;
  s.defaultMs = 0.5;
  s.candidates = 4;
  std::string key = "v|cpu:256b:16r:fma|attention|q1x12x64x64xf32";
  cache.record(key, s);
  std::string error;
  ASSERT_TRUE(succeeded(cache.save(error))) << error;
  TuningCache again = TuningCache::load(path, problem);
  ASSERT_TRUE(problem.empty()) << problem;
  std::optional<TunedSchedule> got = again.lookup(key, problem);
  ASSERT_TRUE(got.has_value()) << problem;
  EXPECT_TRUE(got->isAttention());
  EXPECT_EQ(got->describe(), "q32 k16");
  EXPECT_EQ(got->ms, 0.25);
  EXPECT_EQ(got->candidates, 4);

  writeFile(path, R"({"format": "kernelforge-tuning-1", "entries": {
      "v|c|attention|none": {"register_tile": [6, 16], "k_tile": 256,
                             "thread_tile": 96},
      "v|c|attention|zero": {"attention_tiles": [0, 64]},
      "v|c|attention|huge": {"attention_tiles": [64, 1e9]},
      "v|c|attention|short": {"attention_tiles": [64]},
      "v|c|attention|nan": {"attention_tiles": [64, 64], "ms": 1e999},
      "v|c|contraction|tiles": {"attention_tiles": [64, 64]}}})");
  TuningCache bad = TuningCache::load(path, problem);
  ASSERT_TRUE(problem.empty()) << problem;
  for (const char *name : {"none", "zero", "huge", "short", "nan"}) {
    std::string entryProblem, badKey = std::string("v|c|attention|") + name;
    EXPECT_FALSE(bad.lookup(badKey, entryProblem).has_value()) << name;
    EXPECT_NE(entryProblem.find(badKey), std::string::npos) << entryProblem;
  }
  std::string entryProblem;
  EXPECT_FALSE(bad.lookup("v|c|contraction|tiles", entryProblem).has_value());
  EXPECT_NE(entryProblem.find("register_tile"), std::string::npos)
      << entryProblem;
  llvm::sys::fs::remove(path);
}

// A key names the compiler, the CPU and what the schedule depends on, so
// another CPU's or another compiler's entry never matches.
TEST(TuningCache, KeysSeparateTargets) {
  MLIRContext context;
  DictionaryAttr zen3 = model("x86_64-unknown-linux-gnu", "znver3").toAttr(&context);
  DictionaryAttr skx =
      model("x86_64-unknown-linux-gnu", "skylake-avx512").toAttr(&context);
  std::string a = tuningKey(zen3, "contraction", "64x768x2304");
  EXPECT_NE(a, tuningKey(skx, "contraction", "64x768x2304"));
  EXPECT_NE(a, tuningKey(zen3, "contraction", "64x768x3072"));
  EXPECT_EQ(a, tuningKey(zen3, "contraction", "64x768x2304"));
  EXPECT_NE(a.find(compilerVersion()), std::string::npos);
  EXPECT_NE(a.find("znver3:256b:16r:fma"), std::string::npos);
}

} // namespace
