//===- Unicode.h - UTF-8, character classes and NFC -------------*- C++ -*-===//
//
// What the tokenizers need of Unicode: UTF-8 decoding (strict) and encoding,
// the letter and number categories (\p{L}, \p{N}), White_Space, and
// canonical composition (NFC), from tables generated out of Python's
// unicodedata by python/kernelforge/gen_unicode_tables.py.
//
//===----------------------------------------------------------------------===//

#ifndef KERNELFORGE_RUNTIME_UNICODE_H
#define KERNELFORGE_RUNTIME_UNICODE_H

#include <cstdint>
#include <string>
#include <vector>

namespace kernelforge::runtime {

/// Decodes UTF-8 into code points; false on invalid input (with the byte
/// offset of the problem in `error`).
bool decodeUtf8(const std::string &text, std::vector<uint32_t> &codePoints,
                std::string &error);
/// Appends the UTF-8 encoding of `cp`.
void appendUtf8(std::string &out, uint32_t cp);
/// The UTF-8 encoding of code points [begin, end).
std::string encodeUtf8(const uint32_t *begin, const uint32_t *end);

/// Unicode general category L* (\p{L}).
bool isLetter(uint32_t cp);
/// Unicode general category N* (\p{N}).
bool isNumber(uint32_t cp);
/// The Unicode White_Space property.
bool isWhiteSpace(uint32_t cp);

/// Canonical combining class (0 for starters).
uint8_t combiningClass(uint32_t cp);
/// Normalization Form C: canonical decomposition, canonical ordering of
/// combining marks, then canonical composition (Hangul included).
std::vector<uint32_t> toNFC(const std::vector<uint32_t> &codePoints);

} // namespace kernelforge::runtime

#endif // KERNELFORGE_RUNTIME_UNICODE_H
