//===- Regex.h - The regular expressions of tokenizer files -----*- C++ -*-===//
//
// A backtracking regular expression over code points, for the pre-tokenizer
// patterns of Hugging Face tokenizer.json files (GPT-2's, Llama 3's,
// Qwen2's, ...), with the semantics of JavaScript's `u` flag (which
// transformers.js, the reference, runs them with): leftmost-first
// alternation, greedy and lazy quantifiers ({n,m} included), groups, (?:),
// ASCII case-insensitive groups (?i:...), lookahead (?=) and (?!), classes
// with ranges, \s \S \d \D \w \W, \p{L} \p{N} (and \P), escapes \r \n \t
// \f \v \uXXXX \xHH, '.', ^ and $. Anything else (backreferences,
// lookbehind, other Unicode properties) is refused when compiled, with the
// offset in the pattern.
//
// Matching is a depth-first search over (instruction, position) states
// with each state tried once, so it always ends and takes at most
// O(program size x text length) steps per match.
//
//===----------------------------------------------------------------------===//

#ifndef KERNELFORGE_RUNTIME_REGEX_H
#define KERNELFORGE_RUNTIME_REGEX_H

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace kernelforge::runtime {

class Regex {
public:
  /// Compiles a UTF-8 pattern; null with `error` set when it uses syntax
  /// that is not supported or is malformed.
  static std::unique_ptr<Regex> compile(const std::string &pattern,
                                        std::string &error);
  ~Regex();

  /// The end of the match that starts at `pos`, or -1 when none does.
  long matchAt(const std::vector<uint32_t> &text, size_t pos) const;
  /// The non-empty matches, left to right, as [begin, end) pairs (as
  /// JavaScript's String.prototype.matchAll finds them).
  std::vector<std::pair<size_t, size_t>>
  findAll(const std::vector<uint32_t> &text) const;

  struct Program;

private:
  Regex() = default;
  std::unique_ptr<Program> program;
};

} // namespace kernelforge::runtime

#endif // KERNELFORGE_RUNTIME_REGEX_H
