//===- GenerationTest.cpp - Sampler and pre-tokenizer rules ---------------===//

#include "kernelforge/Runtime/GPT2Tokenizer.h"
#include "kernelforge/Runtime/Generator.h"
#include "kernelforge/Runtime/Sampler.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <set>

using namespace kernelforge::runtime;

namespace {

TEST(SamplerTest, GreedyTakesTheFirstMaximum) {
  float logits[] = {0.5f, 2.0f, -1.0f, 2.0f};
  Sampler sampler({});
  EXPECT_EQ(sampler.next(logits, 4), 1);
}

TEST(SamplerTest, TopKOfOneIsGreedy) {
  float logits[] = {0.1f, 0.3f, 3.0f, 0.2f};
  SamplerOptions options;
  options.temperature = 1.5;
  options.topK = 1;
  Sampler sampler(options);
  for (int i = 0; i < 20; ++i)
    EXPECT_EQ(sampler.next(logits, 4), 2);
}

TEST(SamplerTest, TopPKeepsTheNucleusOnly) {
  // Probabilities ~ {0.64, 0.24, 0.09, 0.03}: top_p 0.8 keeps ids 0 and 1.
  float logits[] = {3.0f, 2.0f, 1.0f, 0.0f};
  SamplerOptions options;
  options.temperature = 1.0;
  options.topP = 0.8;
  options.seed = 7;
  Sampler sampler(options);
  std::set<int64_t> seen;
  for (int i = 0; i < 200; ++i)
    seen.insert(sampler.next(logits, 4));
  EXPECT_EQ(seen, (std::set<int64_t>{0, 1}));
}

TEST(SamplerTest, SameSeedSameTokens) {
  float logits[] = {1.0f, 1.1f, 0.9f, 1.05f, 0.7f};
  SamplerOptions options;
  options.temperature = 0.9;
  options.seed = 42;
  Sampler a(options), b(options);
  for (int i = 0; i < 50; ++i)
    EXPECT_EQ(a.next(logits, 5), b.next(logits, 5));
}

GenerationResult timedRun(double prefillSeconds, double decodeSeconds,
                          int64_t steps) {
  GenerationResult run;
  run.generated = {7, 8};
  run.prefillSeconds = prefillSeconds;
  run.decodeSeconds = decodeSeconds;
  run.decodeSteps = steps;
  return run;
}

TEST(SummaryTest, MediansAndFastestRuns) {
  // Prefill 30, 10, 20 ms; decode 4, 2, 3 ms/token over 2 steps.
  std::vector<GenerationResult> runs = {timedRun(0.030, 0.008, 2),
                                        timedRun(0.010, 0.006, 2),
                                        timedRun(0.020, 0.004, 2)};
  GenerationSummary s = summarize(runs, /*promptTokens=*/5, /*bucket=*/16);
  EXPECT_DOUBLE_EQ(s.prefillMs, 20.0);
  EXPECT_DOUBLE_EQ(s.prefillMsMin, 10.0);
  EXPECT_DOUBLE_EQ(s.decodeMsPerToken, 3.0);
  EXPECT_DOUBLE_EQ(s.decodeMsPerTokenMin, 2.0);
  EXPECT_DOUBLE_EQ(s.promptTokensPerSecond, 250.0);
  EXPECT_TRUE(s.consistent);

  nlohmann::json json = nlohmann::json::parse("{" + jsonMembers(s) + "}");
  EXPECT_DOUBLE_EQ(json["prefill_ms"].get<double>(), 20.0);
  EXPECT_DOUBLE_EQ(json["prefill_ms_min"].get<double>(), 10.0);
  EXPECT_DOUBLE_EQ(json["decode_ms_per_token"].get<double>(), 3.0);
  EXPECT_DOUBLE_EQ(json["decode_ms_per_token_min"].get<double>(), 2.0);
  EXPECT_EQ(json["runs"].get<int64_t>(), 3);
  EXPECT_NE(describe(s).find("median of 3 runs (fastest: 10.0 ms, "
                             "2.00 ms/token)"),
            std::string::npos)
      << describe(s);
}

TEST(SummaryTest, NoDecodeStepsNoDecodeTimes) {
  std::vector<GenerationResult> runs = {timedRun(0.004, 0, 0),
                                        timedRun(0.002, 0, 0)};
  GenerationSummary s = summarize(runs, 3, 16);
  EXPECT_DOUBLE_EQ(s.prefillMs, 3.0);
  EXPECT_DOUBLE_EQ(s.prefillMsMin, 2.0);
  EXPECT_EQ(s.decodeMsPerToken, 0.0);
  EXPECT_EQ(s.decodeMsPerTokenMin, 0.0);
  EXPECT_NE(describe(s).find("(fastest: 2.0 ms)"), std::string::npos)
      << describe(s);
}

std::vector<std::string> pieces(const std::string &text) {
  std::vector<uint32_t> cps;
  std::string error;
  EXPECT_TRUE(decodeUtf8(text, cps, error)) << error;
  std::vector<std::string> out;
  for (auto [begin, end] : GPT2Tokenizer::split(cps)) {
    std::string piece;
    for (size_t i = begin; i < end; ++i)
      piece += static_cast<char>(cps[i]); // ASCII-only inputs below
    out.push_back(piece);
  }
  return out;
}

// The pre-tokenizer pattern's alternatives, one at a time.
TEST(GPT2SplitTest, ContractionsLettersNumbersOthers) {
  EXPECT_EQ(pieces("I'm here's"),
            (std::vector<std::string>{"I", "'m", " here", "'s"}));
  EXPECT_EQ(pieces("abc 123 ?!x"),
            (std::vector<std::string>{"abc", " 123", " ?!", "x"}));
}

// `\s+(?!\S)` leaves the last space of a run to the next word.
TEST(GPT2SplitTest, WhitespaceRunsGiveBackTheirLastSpace) {
  EXPECT_EQ(pieces("a   b"), (std::vector<std::string>{"a", "  ", " b"}));
  EXPECT_EQ(pieces("a\n\nb"), (std::vector<std::string>{"a", "\n", "\n", "b"}));
  EXPECT_EQ(pieces("end  "), (std::vector<std::string>{"end", "  "}));
}

TEST(GPT2SplitTest, InvalidUtf8IsRejectedWithItsOffset) {
  std::vector<uint32_t> cps;
  std::string error;
  EXPECT_FALSE(decodeUtf8("ab\xc0\xaf", cps, error)); // overlong '/'
  EXPECT_NE(error.find("byte 2"), std::string::npos) << error;
  EXPECT_FALSE(decodeUtf8("\xed\xa0\x80", cps, error)); // a surrogate
  EXPECT_FALSE(decodeUtf8("\xe2\x82", cps, error));     // truncated
  EXPECT_TRUE(decodeUtf8("\xf0\x9f\xa4\x96", cps, error));
  EXPECT_EQ(cps, (std::vector<uint32_t>{0x1F916}));
}

} // namespace
