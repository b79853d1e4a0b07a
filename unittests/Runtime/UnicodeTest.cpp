//===- UnicodeTest.cpp - NFC and character classes ------------------------===//

#include "kernelforge/Runtime/Unicode.h"

#include <gtest/gtest.h>

using namespace kernelforge::runtime;

namespace {

using CPs = std::vector<uint32_t>;

// Expected values from the Unicode Character Database (the NFC column of
// NormalizationTest.txt for these sequences).
TEST(UnicodeTest, NFCComposes) {
  EXPECT_EQ(toNFC({'e', 0x301}), (CPs{0xE9}));
  EXPECT_EQ(toNFC({'A', 0x30A, 'x'}), (CPs{0xC5, 'x'}));
  // A singleton (ANGSTROM SIGN) becomes its canonical equivalent.
  EXPECT_EQ(toNFC({0x212B}), (CPs{0xC5}));
  // Marks are put in canonical order first: dot below (220) before
  // acute (230), and the dot below joins the a.
  EXPECT_EQ(toNFC({'a', 0x301, 0x323}), (CPs{0x1EA1, 0x301}));
  // Two marks of one class: the second is blocked by the first.
  EXPECT_EQ(toNFC({'a', 0x305, 0x301}), (CPs{'a', 0x305, 0x301}));
  // Excluded from composition: DEVANAGARI LETTER QA stays decomposed.
  EXPECT_EQ(toNFC({0x958}), (CPs{0x915, 0x93C}));
  // A non-starter decomposition.
  EXPECT_EQ(toNFC({0x344}), (CPs{0x308, 0x301}));
  // Hangul: L V T jamo compose arithmetically; a syllable stays.
  EXPECT_EQ(toNFC({0x1100, 0x1161, 0x11A8}), (CPs{0xAC01}));
  EXPECT_EQ(toNFC({0xD55C}), (CPs{0xD55C}));
  // A leading mark has no starter to join.
  EXPECT_EQ(toNFC({0x301, 'e'}), (CPs{0x301, 'e'}));
  EXPECT_EQ(toNFC({'h', 'i'}), (CPs{'h', 'i'}));
}

TEST(UnicodeTest, Classes) {
  EXPECT_TRUE(isLetter('a'));
  EXPECT_TRUE(isLetter(0x4E2D)); // 中
  EXPECT_FALSE(isLetter('1'));
  EXPECT_TRUE(isNumber(0x661)); // ARABIC-INDIC DIGIT ONE
  EXPECT_TRUE(isNumber(0xBD));  // ½
  EXPECT_TRUE(isWhiteSpace(0x3000));
  EXPECT_FALSE(isWhiteSpace(0x200B));
  EXPECT_EQ(combiningClass(0x301), 230);
  EXPECT_EQ(combiningClass(0x323), 220);
  EXPECT_EQ(combiningClass('a'), 0);
}

TEST(UnicodeTest, Utf8) {
  std::vector<uint32_t> cps;
  std::string error;
  ASSERT_TRUE(decodeUtf8("a\xC3\xA9\xF0\x9F\xA4\x97", cps, error));
  EXPECT_EQ(cps, (CPs{'a', 0xE9, 0x1F917}));
  EXPECT_EQ(encodeUtf8(cps.data(), cps.data() + cps.size()),
            "a\xC3\xA9\xF0\x9F\xA4\x97");
  EXPECT_FALSE(decodeUtf8("\xED\xA0\x80", cps, error)); // a surrogate
  EXPECT_FALSE(decodeUtf8("\xC0\xAF", cps, error));     // overlong
}

} // namespace
