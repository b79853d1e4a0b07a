//===- Unicode.cpp - UTF-8, character classes and NFC ---------------------===//

#include "kernelforge/Runtime/Unicode.h"

#include <algorithm>
#include <iterator>

using namespace kernelforge::runtime;

namespace {

struct CodePointRange {
  uint32_t first, last;
};
struct CombiningClass {
  uint32_t cp, ccc;
};
/// `cp` decomposes canonically into `first` (and `second` when not 0).
struct Decomposition {
  uint32_t cp, first, second;
};
/// `first` + `second` compose into `composite`.
struct Composition {
  uint32_t first, second, composite;
};
#include "NormalizationTables.inc"
#include "UnicodeTables.inc"

template <size_t N>
bool inRanges(const CodePointRange (&ranges)[N], uint32_t cp) {
  auto it = std::upper_bound(
      std::begin(ranges), std::end(ranges), cp,
      [](uint32_t value, const CodePointRange &r) { return value < r.first; });
  return it != std::begin(ranges) && cp <= std::prev(it)->last;
}

// Hangul syllables compose and decompose arithmetically.
constexpr uint32_t kSBase = 0xAC00, kLBase = 0x1100, kVBase = 0x1161,
                   kTBase = 0x11A7, kLCount = 19, kVCount = 21, kTCount = 28,
                   kNCount = kVCount * kTCount, kSCount = kLCount * kNCount;

void decompose(uint32_t cp, std::vector<uint32_t> &out) {
  if (cp >= kSBase && cp < kSBase + kSCount) {
    uint32_t s = cp - kSBase;
    out.push_back(kLBase + s / kNCount);
    out.push_back(kVBase + (s % kNCount) / kTCount);
    if (s % kTCount)
      out.push_back(kTBase + s % kTCount);
    return;
  }
  auto it = std::lower_bound(
      std::begin(kDecompositions), std::end(kDecompositions), cp,
      [](const Decomposition &d, uint32_t value) { return d.cp < value; });
  if (it == std::end(kDecompositions) || it->cp != cp) {
    out.push_back(cp);
    return;
  }
  decompose(it->first, out);
  if (it->second)
    decompose(it->second, out);
}

/// The primary composite of `first` + `second`, or 0.
uint32_t compose(uint32_t first, uint32_t second) {
  if (first >= kLBase && first < kLBase + kLCount && second >= kVBase &&
      second < kVBase + kVCount)
    return kSBase + ((first - kLBase) * kVCount + (second - kVBase)) * kTCount;
  if (first >= kSBase && first < kSBase + kSCount &&
      (first - kSBase) % kTCount == 0 && second > kTBase &&
      second < kTBase + kTCount)
    return first + (second - kTBase);
  auto it = std::lower_bound(std::begin(kCompositions), std::end(kCompositions),
                             std::make_pair(first, second),
                             [](const Composition &c, std::pair<uint32_t, uint32_t> v) {
                               return std::make_pair(c.first, c.second) < v;
                             });
  if (it != std::end(kCompositions) && it->first == first &&
      it->second == second)
    return it->composite;
  return 0;
}

} // namespace

bool kernelforge::runtime::isLetter(uint32_t cp) {
  return inRanges(kLetterRanges, cp);
}
bool kernelforge::runtime::isNumber(uint32_t cp) {
  return inRanges(kNumberRanges, cp);
}
bool kernelforge::runtime::isWhiteSpace(uint32_t cp) {
  return (cp >= 0x9 && cp <= 0xD) || cp == 0x20 || cp == 0x85 || cp == 0xA0 ||
         cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 ||
         cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

uint8_t kernelforge::runtime::combiningClass(uint32_t cp) {
  auto it = std::lower_bound(
      std::begin(kCombiningClasses), std::end(kCombiningClasses), cp,
      [](const CombiningClass &c, uint32_t value) { return c.cp < value; });
  return it != std::end(kCombiningClasses) && it->cp == cp ? uint8_t(it->ccc)
                                                           : 0;
}

std::vector<uint32_t>
kernelforge::runtime::toNFC(const std::vector<uint32_t> &codePoints) {
  // Below U+0300 nothing decomposes, combines or composes.
  if (std::all_of(codePoints.begin(), codePoints.end(),
                  [](uint32_t cp) { return cp < 0x300; }))
    return codePoints;
  std::vector<uint32_t> d;
  d.reserve(codePoints.size());
  for (uint32_t cp : codePoints)
    decompose(cp, d);
  // Canonical ordering: each run of non-starters sorted (stably) by class.
  for (size_t i = 0; i < d.size();) {
    if (combiningClass(d[i]) == 0) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < d.size() && combiningClass(d[j]) != 0)
      ++j;
    std::stable_sort(d.begin() + i, d.begin() + j, [](uint32_t a, uint32_t b) {
      return combiningClass(a) < combiningClass(b);
    });
    i = j;
  }
  // Canonical composition (UAX #15): a character joins the last starter
  // when it is adjacent to it or every mark between has a lower class.
  std::vector<uint32_t> out;
  out.reserve(d.size());
  long starter = -1;
  int lastClass = 256; // no starter yet: nothing composes
  for (uint32_t cp : d) {
    int cls = combiningClass(cp);
    if (starter >= 0 && (lastClass < cls || lastClass == 0)) {
      if (uint32_t c = compose(out[starter], cp)) {
        out[starter] = c;
        continue;
      }
    }
    if (cls == 0)
      starter = long(out.size());
    lastClass = cls;
    out.push_back(cp);
  }
  return out;
}

bool kernelforge::runtime::decodeUtf8(const std::string &text,
                                      std::vector<uint32_t> &codePoints,
                                      std::string &error) {
  codePoints.clear();
  size_t i = 0, n = text.size();
  while (i < n) {
    unsigned char c = text[i];
    uint32_t cp;
    size_t len;
    if (c < 0x80) {
      cp = c;
      len = 1;
    } else if (c >= 0xC2 && c < 0xE0) {
      cp = c & 0x1F;
      len = 2;
    } else if (c >= 0xE0 && c < 0xF0) {
      cp = c & 0x0F;
      len = 3;
    } else if (c >= 0xF0 && c < 0xF5) {
      cp = c & 0x07;
      len = 4;
    } else {
      error = "invalid UTF-8 byte 0x" +
              std::string(1, "0123456789abcdef"[c >> 4]) +
              std::string(1, "0123456789abcdef"[c & 15]) + " at byte " +
              std::to_string(i);
      return false;
    }
    if (i + len > n) {
      error = "truncated UTF-8 sequence at byte " + std::to_string(i);
      return false;
    }
    for (size_t k = 1; k < len; ++k) {
      unsigned char cc = text[i + k];
      if ((cc & 0xC0) != 0x80) {
        error =
            "invalid UTF-8 continuation byte at byte " + std::to_string(i + k);
        return false;
      }
      cp = (cp << 6) | (cc & 0x3F);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
        cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      error = "invalid UTF-8 sequence (overlong, surrogate or out of range) "
              "at byte " +
              std::to_string(i);
      return false;
    }
    codePoints.push_back(cp);
    i += len;
  }
  return true;
}

void kernelforge::runtime::appendUtf8(std::string &out, uint32_t cp) {
  if (cp < 0x80) {
    out += char(cp);
  } else if (cp < 0x800) {
    out += char(0xC0 | (cp >> 6));
    out += char(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += char(0xE0 | (cp >> 12));
    out += char(0x80 | ((cp >> 6) & 0x3F));
    out += char(0x80 | (cp & 0x3F));
  } else {
    out += char(0xF0 | (cp >> 18));
    out += char(0x80 | ((cp >> 12) & 0x3F));
    out += char(0x80 | ((cp >> 6) & 0x3F));
    out += char(0x80 | (cp & 0x3F));
  }
}

std::string kernelforge::runtime::encodeUtf8(const uint32_t *begin,
                                             const uint32_t *end) {
  std::string out;
  for (const uint32_t *p = begin; p != end; ++p)
    appendUtf8(out, *p);
  return out;
}
