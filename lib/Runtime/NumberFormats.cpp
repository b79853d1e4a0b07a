//===- NumberFormats.cpp - 16-bit floats and 8-bit blocks -----------------===//

#include "kernelforge/Runtime/NumberFormats.h"

#include <algorithm>
#include <cmath>
#include <cstring>

using namespace kernelforge::runtime;

static uint32_t bitsOf(float f) {
  uint32_t bits;
  std::memcpy(&bits, &f, 4);
  return bits;
}

static float floatOf(uint32_t bits) {
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

float kernelforge::runtime::halfToFloat(uint16_t h) {
  uint32_t sign = (h & 0x8000u) << 16, exponent = (h >> 10) & 0x1f,
           mantissa = h & 0x3ff, bits;
  if (exponent == 0) {
    if (mantissa == 0) {
      bits = sign;
    } else { // subnormal: renormalise
      exponent = 127 - 15 + 1;
      while (!(mantissa & 0x400)) {
        mantissa <<= 1;
        --exponent;
      }
      bits = sign | (exponent << 23) | ((mantissa & 0x3ff) << 13);
    }
  } else if (exponent == 31) {
    bits = sign | 0x7f800000u | (mantissa << 13);
  } else {
    bits = sign | ((exponent + 127 - 15) << 23) | (mantissa << 13);
  }
  return floatOf(bits);
}

uint16_t kernelforge::runtime::floatToHalf(float f) {
  uint32_t bits = bitsOf(f);
  uint16_t sign = (bits >> 16) & 0x8000;
  uint32_t magnitude = bits & 0x7fffffffu;
  if (magnitude >= 0x7f800000u) // inf or NaN (keep NaN quiet)
    return sign | 0x7c00 | (magnitude > 0x7f800000u ? 0x200 : 0);
  // 65520 and above round to infinity.
  if (magnitude >= 0x477ff000u)
    return sign | 0x7c00;
  int32_t exponent = static_cast<int32_t>(magnitude >> 23) - 127 + 15;
  uint32_t mantissa = (magnitude & 0x7fffff) | 0x800000; // implicit 1
  // Normal halves keep 10 of 23 mantissa bits; subnormals fewer.
  int shift = exponent >= 1 ? 13 : 14 - exponent;
  if (shift > 24)
    return sign; // below half the smallest subnormal
  uint32_t kept = mantissa >> shift;
  uint32_t rest = mantissa & ((1u << shift) - 1), half = 1u << (shift - 1);
  if (rest > half || (rest == half && (kept & 1)))
    ++kept; // may carry into the exponent, which the sum below absorbs
  if (exponent >= 1)
    return sign + ((static_cast<uint32_t>(exponent) << 10) + kept - 0x400);
  return sign | kept;
}

float kernelforge::runtime::bfloat16ToFloat(uint16_t b) {
  return floatOf(static_cast<uint32_t>(b) << 16);
}

uint16_t kernelforge::runtime::floatToBFloat16(float f) {
  uint32_t bits = bitsOf(f);
  if ((bits & 0x7fffffffu) > 0x7f800000u) // NaN: keep it quiet
    return static_cast<uint16_t>((bits >> 16) | 0x40);
  uint32_t rounding = 0x7fff + ((bits >> 16) & 1);
  return static_cast<uint16_t>((bits + rounding) >> 16);
}

namespace {

/// The scale of a block whose largest magnitude is `largest` (quantizeBlock).
float blockScale(float largest, bool halfScale) {
  float scale = largest / 127.f;
  if (halfScale) {
    // Round up to f16: the nearest value, or the next one above it.
    uint16_t bits = floatToHalf(scale);
    if (halfToFloat(bits) < scale)
      ++bits; // 0x7bff + 1 is infinity
    scale = halfToFloat(bits);
  }
  return scale;
}

float inverseOf(float scale) { return scale > 0.f ? 1.f / scale : 0.f; }

/// The larger of `largest` and |x|, ignoring a NaN x as std::fmax does,
/// written so that loops of it vectorise (a select, not a call into libm).
inline float largerMagnitude(float largest, float x) {
  float magnitude = std::fabs(x);
  return magnitude > largest ? magnitude : largest;
}

/// `v` rounded to the nearest integer, ties to even, and clamped to
/// [-127, 127], NaN giving -127: std::fmin(127, std::fmax(-127,
/// std::nearbyint(v))) in the default rounding mode, without calls into
/// libm, so that loops of it vectorise.
inline int8_t quantizeValue(float v) {
  v = v > -127.f ? v : -127.f;
  v = v < 127.f ? v : 127.f;
  // Within +-127, adding 1.5 * 2^23 leaves no fraction bits: the sum is
  // rounded to an integer, ties to even, and taking it away again is exact.
  constexpr float kRounder = 12582912.f;
  return static_cast<int8_t>(static_cast<int32_t>((v + kRounder) - kRounder));
}

} // namespace

float kernelforge::runtime::quantizeBlock(const float *in, int64_t count,
                                          int64_t stride, int8_t *out,
                                          int64_t outStride, bool halfScale) {
  float largest = 0.f;
  for (int64_t i = 0; i < count; ++i)
    largest = largerMagnitude(largest, in[i * stride]);
  float scale = blockScale(largest, halfScale);
  if (halfScale && !std::isfinite(scale))
    return scale;
  float inverse = inverseOf(scale);
  if (stride == 1 && outStride == 1) {
    for (int64_t i = 0; i < count; ++i)
      out[i] = quantizeValue(in[i] * inverse);
  } else {
    for (int64_t i = 0; i < count; ++i)
      out[i * outStride] = quantizeValue(in[i * stride] * inverse);
  }
  return scale;
}

void kernelforge::runtime::quantizeColumns(const float *in, int64_t rows,
                                           int64_t cols, int8_t *out,
                                           float *scales, bool halfScale) {
  // Columns a strip at a time, each row of the strip one vector loop.
  constexpr int64_t kStrip = 256;
  float largest[kStrip], inverse[kStrip];
  for (int64_t c0 = 0; c0 < cols; c0 += kStrip) {
    int64_t width = std::min(kStrip, cols - c0);
    std::fill(largest, largest + width, 0.f);
    for (int64_t r = 0; r < rows; ++r) {
      const float *row = in + r * cols + c0;
      for (int64_t c = 0; c < width; ++c)
        largest[c] = largerMagnitude(largest[c], row[c]);
    }
    for (int64_t c = 0; c < width; ++c) {
      scales[c0 + c] = blockScale(largest[c], halfScale);
      inverse[c] = inverseOf(scales[c0 + c]);
    }
    for (int64_t r = 0; r < rows; ++r) {
      const float *row = in + r * cols + c0;
      int8_t *quantized = out + r * cols + c0;
      for (int64_t c = 0; c < width; ++c)
        quantized[c] = quantizeValue(row[c] * inverse[c]);
    }
  }
}
