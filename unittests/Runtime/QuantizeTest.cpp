//===- QuantizeTest.cpp - int8 blocks with f16 or f32 scales -------------===//

#include "kernelforge/Runtime/NumberFormats.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

using namespace kernelforge::runtime;

namespace {

/// The f16 value just below `h` (h > 0), from the bit pattern.
double halfBelow(float h) { return halfToFloat(floatToHalf(h) - 1); }

/// Checks one block against float64: |q| <= 127, and each value within half
/// a step (the scale) of q * scale.
void expectBlock(const std::vector<float> &x, const std::vector<int8_t> &q,
                 float scale) {
  for (size_t i = 0; i < x.size(); ++i) {
    EXPECT_LE(std::abs(int(q[i])), 127);
    EXPECT_LE(std::abs(double(x[i]) - double(q[i]) * scale),
              0.5 * double(scale) * (1 + 1e-6))
        << "value " << i << " = " << x[i];
  }
}

TEST(QuantizeTest, HalfScaleIsTheSmallestF16AtLeastMaxOver127) {
  std::mt19937 rng(7);
  for (double magnitude : {1e-7, 3e-6, 1e-4, 0.02, 0.3, 5.0, 1e4, 2e6}) {
    std::normal_distribution<float> normal(0.f, float(magnitude));
    std::vector<float> x(32);
    for (float &v : x)
      v = normal(rng);
    std::vector<int8_t> q(32);
    float scale = quantizeBlock(x.data(), 32, 1, q.data(), 1, true);
    double largest = 0;
    for (float v : x)
      largest = std::max(largest, std::abs(double(v)));
    ASSERT_TRUE(std::isfinite(scale)) << magnitude;
    // Exactly an f16 value, at least max / 127, and the one below is not.
    EXPECT_EQ(halfToFloat(floatToHalf(scale)), scale);
    EXPECT_GE(double(scale), double(float(largest) / 127.f));
    EXPECT_LT(halfBelow(scale), double(float(largest) / 127.f)) << magnitude;
    expectBlock(x, q, scale);
  }
}

TEST(QuantizeTest, StridedBlockMatchesTheF32ScaleWhereF16HoldsIt) {
  // A block read down a column (stride 3) and written with stride 2.
  std::vector<float> x(32 * 3);
  for (int i = 0; i < 32; ++i)
    x[i * 3] = (i - 15.5f) * 0.25f; // max |x| = 3.875: 3.875 / 127 rounds up
  std::vector<int8_t> q(64, 99);
  float f32 = quantizeBlock(x.data(), 32, 3, q.data(), 2, false);
  EXPECT_FLOAT_EQ(f32, 3.875f / 127.f);
  float f16 = quantizeBlock(x.data(), 32, 3, q.data(), 2, true);
  EXPECT_GE(f16, f32);
  EXPECT_LT(f16, f32 * (1 + 1.0 / 1024));
  for (int i = 0; i < 32; ++i) {
    EXPECT_EQ(q[2 * i + 1], 99) << "wrote between the output stride";
    EXPECT_LE(std::abs(x[i * 3] - q[2 * i] * f16), f16 / 2 * (1 + 1e-6));
  }
}

TEST(QuantizeTest, ZeroBlockAndOverflow) {
  std::vector<float> zeros(32, 0.f);
  std::vector<int8_t> q(32, 5);
  EXPECT_EQ(quantizeBlock(zeros.data(), 32, 1, q.data(), 1, true), 0.f);
  for (int8_t v : q)
    EXPECT_EQ(v, 0);
  // 127 * 65504 is the largest magnitude f16 scales hold.
  std::vector<float> big(32, 1.f);
  big[3] = 127.f * 65504.f * 1.01f;
  EXPECT_TRUE(std::isinf(quantizeBlock(big.data(), 32, 1, q.data(), 1, true)));
  EXPECT_TRUE(std::isfinite(quantizeBlock(big.data(), 32, 1, q.data(), 1, false)));
}

TEST(QuantizeTest, RoundsHalfToEvenAndClampsLikeNearbyint) {
  // max |x| = 127: the f32 scale is exactly 1, so q is x rounded.
  std::vector<float> x = {127.f,   0.5f,    1.5f,    2.5f,  -0.5f,
                          -1.5f,   -2.5f,   126.5f,  -126.5f, 3.4999f,
                          -3.5001f, 0.49999997f, -127.f, 64.5f, -0.f};
  x.resize(32, 7.25f);
  std::vector<int8_t> q(32);
  ASSERT_EQ(quantizeBlock(x.data(), 32, 1, q.data(), 1, false), 1.f);
  for (size_t i = 0; i < x.size(); ++i)
    EXPECT_EQ(q[i], int8_t(std::nearbyint(x[i]))) << "x = " << x[i];
  // A NaN does not count towards the scale and becomes -127, as
  // std::fmin(127, std::fmax(-127, NaN)) does.
  x[5] = std::numeric_limits<float>::quiet_NaN();
  ASSERT_EQ(quantizeBlock(x.data(), 32, 1, q.data(), 1, false), 1.f);
  EXPECT_EQ(q[5], -127);
  EXPECT_EQ(q[0], 127);
}

TEST(QuantizeTest, ColumnsMatchStridedBlocks) {
  // 300 columns: a strip of 256 and a partial one; each column its own
  // magnitude, one all zero, one holding a NaN.
  const int rows = 32, cols = 300;
  std::mt19937 rng(11);
  std::vector<float> x(rows * cols);
  for (int c = 0; c < cols; ++c) {
    std::normal_distribution<float> normal(0.f, std::pow(10.f, c % 9 - 5));
    for (int r = 0; r < rows; ++r)
      x[r * cols + c] = c == 17 ? 0.f : normal(rng);
  }
  x[5 * cols + 260] = std::numeric_limits<float>::quiet_NaN();
  for (bool half : {false, true}) {
    std::vector<int8_t> byColumns(rows * cols, 99), byBlocks(rows * cols, 99);
    std::vector<float> scales(cols);
    quantizeColumns(x.data(), rows, cols, byColumns.data(), scales.data(),
                    half);
    for (int c = 0; c < cols; ++c) {
      float scale = quantizeBlock(x.data() + c, rows, cols,
                                  byBlocks.data() + c, cols, half);
      EXPECT_EQ(scales[c], scale) << "column " << c << " half " << half;
    }
    EXPECT_EQ(byColumns, byBlocks) << "half " << half;
    EXPECT_EQ(scales[17], 0.f);
  }
}

} // namespace
