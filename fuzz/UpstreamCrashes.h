//===- UpstreamCrashes.h - Inputs that crash MLIR itself --------*- C++ -*-===//
//
// MLIR text that crashes MLIR 22's own parser, whatever the dialects: every
// MLIR tool shares these bugs, so the kf fuzzers skip such inputs instead of
// finding them again.
//
//===----------------------------------------------------------------------===//

#ifndef KERNELFORGE_FUZZ_UPSTREAMCRASHES_H
#define KERNELFORGE_FUZZ_UPSTREAMCRASHES_H

#include <string>

namespace kernelforge::fuzz {

/// Where the MLIR lexer's next token starts at or after `at`: it skips
/// blanks, NUL bytes inside the buffer and `//` comments.
inline size_t nextToken(const std::string &text, size_t at) {
  while (at < text.size()) {
    char c = text[at];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\0') {
      ++at;
    } else if (text.compare(at, 2, "//") == 0) {
      size_t end = text.find('\n', at);
      at = end == std::string::npos ? text.size() : end + 1;
    } else {
      break;
    }
  }
  return at;
}

/// A dense array of `index` (`array<index: 1>`): the parser asks an index
/// type for its bit width (llvm/llvm-project#179045, fixed after 22.1).
inline bool crashesMLIRParser(const std::string &text) {
  for (size_t at = text.find("array<"); at != std::string::npos;
       at = text.find("array<", at + 1))
    if (text.compare(nextToken(text, at + 6), 5, "index") == 0)
      return true;
  return false;
}

} // namespace kernelforge::fuzz

#endif // KERNELFORGE_FUZZ_UPSTREAMCRASHES_H
