//===- GenerationTest.cpp - Sampler and pre-tokenizer rules ---------------===//

#include "kernelforge/Runtime/GPT2Tokenizer.h"
#include "kernelforge/Runtime/Sampler.h"

#include <gtest/gtest.h>

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
