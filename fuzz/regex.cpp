//===- regex.cpp - Fuzz the pre-tokenizer regular expressions -------------===//
//
// The input is a pattern, a 0 byte, and a text: the pattern compiles or is
// refused with a message; a compiled one finds matches in ascending,
// non-overlapping order within the text (valid UTF-8 only), or stops at its
// step limit with a message, and always ends.

#include "kernelforge/Runtime/Regex.h"
#include "kernelforge/Runtime/Unicode.h"

#include <cstdlib>
#include <string>

using namespace kernelforge::runtime;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string input(reinterpret_cast<const char *>(data), size);
  size_t split = input.find('\0');
  if (split == std::string::npos || split > 200 || size - split > 2000)
    return 0;
  std::string error;
  std::unique_ptr<Regex> re = Regex::compile(input.substr(0, split), error);
  std::vector<uint32_t> text;
  if (!re || !decodeUtf8(input.substr(split + 1), text, error))
    return 0;
  std::vector<std::pair<size_t, size_t>> matches;
  if (!re->findAll(text, matches, error)) {
    if (error.empty())
      std::abort(); // a search past its step limit says so
    return 0;
  }
  size_t last = 0;
  for (auto [begin, end] : matches) {
    if (begin < last || end <= begin || end > text.size())
      std::abort();
    last = end;
  }
  (void)toNFC(text);
  return 0;
}
