//===- NumberFormats.cpp - 16-bit floats and 8-bit blocks -----------------===//

#include "kernelforge/Runtime/NumberFormats.h"

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

float kernelforge::runtime::quantizeBlock(const float *in, int64_t count,
                                          int64_t stride, int8_t *out,
                                          int64_t outStride, bool halfScale) {
  float largest = 0.f;
  for (int64_t i = 0; i < count; ++i)
    largest = std::fmax(largest, std::fabs(in[i * stride]));
  float scale = largest / 127.f;
  if (halfScale) {
    // Round up to f16: the nearest value, or the next one above it.
    uint16_t bits = floatToHalf(scale);
    if (halfToFloat(bits) < scale)
      ++bits; // 0x7bff + 1 is infinity
    scale = halfToFloat(bits);
    if (!std::isfinite(scale))
      return scale;
  }
  float inverse = scale > 0.f ? 1.f / scale : 0.f;
  for (int64_t i = 0; i < count; ++i) {
    float q = std::nearbyint(in[i * stride] * inverse);
    q = std::fmin(127.f, std::fmax(-127.f, q));
    out[i * outStride] = static_cast<int8_t>(q);
  }
  return scale;
}
