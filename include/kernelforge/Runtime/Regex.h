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
// with each state tried once per search (and a state that failed is not
// tried again from a later start), so without lookaheads a whole text takes
// O(program size x text length) steps. Each lookahead's result is kept per
// position, but its body is searched afresh from each one, which nested
// lookaheads over repetitions make quadratic: a search stops with an error
// past a step limit linear in the text (as PCRE's match limit does) rather
// than run for minutes on a long prompt.
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

  /// The end of the match that starts at `pos`, or -1 when none does; -2
  /// with `error` set when the search passes its step limit.
  long matchAt(const std::vector<uint32_t> &text, size_t pos,
               std::string &error) const;
  /// The non-empty matches, left to right, as [begin, end) pairs (as
  /// JavaScript's String.prototype.matchAll finds them); false with `error`
  /// set when the search passes its step limit.
  bool findAll(const std::vector<uint32_t> &text,
               std::vector<std::pair<size_t, size_t>> &matches,
               std::string &error) const;

  struct Program;

private:
  Regex() = default;
  std::unique_ptr<Program> program;
};

} // namespace kernelforge::runtime

#endif // KERNELFORGE_RUNTIME_REGEX_H
