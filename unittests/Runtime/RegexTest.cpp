//===- RegexTest.cpp - The regular expressions of tokenizer files ---------===//

#include "kernelforge/Runtime/Regex.h"
#include "kernelforge/Runtime/Unicode.h"

#include <gtest/gtest.h>

using namespace kernelforge::runtime;

namespace {

std::vector<uint32_t> codePoints(const std::string &text) {
  std::vector<uint32_t> cps;
  std::string error;
  EXPECT_TRUE(decodeUtf8(text, cps, error)) << error;
  return cps;
}

/// The matches of `pattern` in `text`, as UTF-8 strings.
std::vector<std::string> matches(const std::string &pattern,
                                 const std::string &text) {
  std::string error;
  std::unique_ptr<Regex> re = Regex::compile(pattern, error);
  EXPECT_TRUE(re) << error;
  if (!re)
    return {};
  std::vector<uint32_t> cps = codePoints(text);
  std::vector<std::pair<size_t, size_t>> found;
  EXPECT_TRUE(re->findAll(cps, found, error)) << error;
  std::vector<std::string> out;
  for (auto [begin, end] : found)
    out.push_back(encodeUtf8(cps.data() + begin, cps.data() + end));
  return out;
}

std::string compileError(const std::string &pattern) {
  std::string error;
  EXPECT_FALSE(Regex::compile(pattern, error));
  return error;
}

using Pieces = std::vector<std::string>;

TEST(RegexTest, GPT2Pattern) {
  const char *gpt2 = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+|"
                     " ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";
  EXPECT_EQ(matches(gpt2, "I'm  here's 12 café!!\n\n x"),
            (Pieces{"I", "'m", " ", " here", "'s", " 12", " café", "!!",
                    "\n\n", " x"}));
}

TEST(RegexTest, Llama3Pattern) {
  const char *llama3 =
      "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|"
      "\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
  EXPECT_EQ(matches(llama3, "I'M 1234567 (x)\r\n  y"),
            (Pieces{"I", "'M", " ", "123", "456", "7", " (", "x", ")\r\n",
                    " ", " y"}));
}

TEST(RegexTest, Quantifiers) {
  EXPECT_EQ(matches("a+?", "aaa"), (Pieces{"a", "a", "a"}));
  EXPECT_EQ(matches("a{2}", "aaaaa"), (Pieces{"aa", "aa"}));
  EXPECT_EQ(matches("a{2,}", "aaaaa"), (Pieces{"aaaaa"}));
  EXPECT_EQ(matches("ba??", "baa"), (Pieces{"b"}));
  EXPECT_EQ(matches("x(ab)*y", "xababy xy"), (Pieces{"xababy", "xy"}));
}

TEST(RegexTest, AlternationIsLeftmostFirst) {
  EXPECT_EQ(matches("a|ab", "ab"), (Pieces{"a"}));
  EXPECT_EQ(matches("ab|a", "ab"), (Pieces{"ab"}));
}

TEST(RegexTest, Lookahead) {
  EXPECT_EQ(matches("\\s+(?!\\S)|\\s+", "a   b"), (Pieces{"  ", " "}));
  EXPECT_EQ(matches("a(?=b)", "ab ac"), (Pieces{"a"}));
}

TEST(RegexTest, ClassesAndCase) {
  EXPECT_EQ(matches("(?i:[a-c]+)", "xAbCd"), (Pieces{"AbC"}));
  EXPECT_EQ(matches("(?i:st)", "ST sT \u017Ft"), (Pieces{"ST", "sT"}));
  EXPECT_EQ(matches("[^\\s\\p{L}]+", "ab 12,; c"), (Pieces{"12,;"}));
  EXPECT_EQ(matches("\\P{L}+", "ab12cd"), (Pieces{"12"}));
  EXPECT_EQ(matches("[\\u0041-\\x43]+", "ABCD"), (Pieces{"ABC"}));
  // JavaScript's \s: U+FEFF is one, U+0085 is not.
  EXPECT_EQ(matches("\\s", "a\xEF\xBB\xBF" "b\xC2\x85" "c"),
            (Pieces{"\xEF\xBB\xBF"}));
  EXPECT_EQ(matches(".", "a\nb"), (Pieces{"a", "b"}));
}

// Each (instruction, position) state is tried once: nested stars end.
TEST(RegexTest, NestedRepetitionEnds) {
  std::string error;
  std::unique_ptr<Regex> re = Regex::compile("(a*)*b", error);
  ASSERT_TRUE(re);
  std::vector<uint32_t> text(5000, 'a');
  EXPECT_EQ(re->matchAt(text, 0, error), -1);
  text.push_back('b');
  EXPECT_EQ(re->matchAt(text, 0, error), long(text.size()));
}

TEST(RegexTest, UnsupportedSyntaxIsRefused) {
  EXPECT_EQ(compileError("(?<=a)b"),
            "lookbehind and named groups is not supported at character 2 of "
            "the pattern");
  EXPECT_EQ(compileError("\\p{Lu}"),
            "the Unicode property \\p{Lu} is not supported at character 6 of "
            "the pattern");
  EXPECT_EQ(compileError("(a)\\1"),
            "a backreference is not supported at character 4 of the pattern");
  EXPECT_EQ(compileError("a{3,1}"),
            "repetition {n,m} with m < n at character 6 of the pattern");
  EXPECT_EQ(compileError("(ab"), "missing ')' at character 3 of the pattern");
  EXPECT_EQ(compileError("ab)"), "unbalanced ')' at character 2 of the pattern");
  EXPECT_EQ(compileError("*a"), "nothing to repeat at character 0 of the pattern");
  EXPECT_EQ(compileError("[a-"), "unterminated '[' at character 3 of the pattern");
  EXPECT_EQ(compileError("\\b"),
            "a word boundary (\\b, \\B) is not supported at character 2 of the "
            "pattern");
}

} // namespace

namespace {

/// Whether findAll over `text` ends within the step limit (`error` says
/// why not), and the number of matches.
bool findsAll(const std::string &pattern, const std::vector<uint32_t> &text,
              size_t &count, std::string &error) {
  std::unique_ptr<Regex> re = Regex::compile(pattern, error);
  EXPECT_TRUE(re) << error;
  std::vector<std::pair<size_t, size_t>> found;
  if (!re || !re->findAll(text, found, error))
    return false;
  count = found.size();
  return true;
}

} // namespace

// A start that fails leaves its states failed for later starts: a run of
// letters that never meets a digit costs one pass, not one per letter
// (200,000 letters would be 2e10 steps).
TEST(RegexTest, FailedStatesAreNotRetried) {
  std::vector<uint32_t> text(200000, 'a');
  size_t count = 0;
  std::string error;
  EXPECT_TRUE(findsAll("\\p{L}+\\d", text, count, error)) << error;
  EXPECT_EQ(count, 0u);
  text.push_back('7');
  EXPECT_TRUE(findsAll("\\p{L}+\\d", text, count, error)) << error;
  EXPECT_EQ(count, 1u);
}

// The real pre-tokenizer patterns stay within the step limit on long,
// awkward texts: long runs of spaces, newlines, digits and letters, and
// contractions.
TEST(RegexTest, PreTokenizerPatternsStayWithinTheStepLimit) {
  const char *llama3 =
      "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|"
      "\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|"
      "\\s+";
  const char *gpt2 = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| "
                     "?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";
  std::string text;
  for (int i = 0; i < 20; ++i)
    text += std::string(5000, ' ') + "x" + std::string(2000, '\n') +
            std::string(3000, '7') + "I'll" + std::string(4000, 'q') +
            std::string(1000, ' ') + std::string(100, '!');
  std::vector<uint32_t> cps = codePoints(text);
  for (const char *pattern : {llama3, gpt2}) {
    size_t count = 0;
    std::string error;
    EXPECT_TRUE(findsAll(pattern, cps, count, error)) << pattern << ": " << error;
    EXPECT_GT(count, 20u);
  }
}

// Nested lookaheads over repetitions search their bodies afresh from each
// position (quadratic in the text): past the step limit the search stops
// with an error instead of running for minutes (found by fuzz/regex).
TEST(RegexTest, NestedLookaheadsStopAtTheStepLimit) {
  std::vector<uint32_t> text(100000, 'x');
  size_t count = 0;
  std::string error;
  EXPECT_FALSE(findsAll("(?!\\S+(?!\\S+)b)c", text, count, error));
  EXPECT_EQ(error, "the pattern needs too many steps on this text of 100000 "
                   "characters (nested lookaheads over repetitions make it "
                   "quadratic)");
  // A short text is searched to the end.
  text.resize(300);
  text.push_back('c');
  EXPECT_TRUE(findsAll("(?!\\S+(?!\\S+)b)c", text, count, error)) << error;
  EXPECT_EQ(count, 1u);
}
