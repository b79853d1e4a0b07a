//===- NumberFormats.h - 16-bit floats and 8-bit blocks ----------*- C++ -*-===//
//
// Conversions between float32 and the storage types weights are kept in:
// IEEE half (f16), bfloat16 (bf16), both rounded to nearest even, and 8-bit
// integers with one float32 scale per block of the reduction dimension.
//
//===----------------------------------------------------------------------===//

#ifndef KERNELFORGE_RUNTIME_NUMBERFORMATS_H
#define KERNELFORGE_RUNTIME_NUMBERFORMATS_H

#include <cstdint>

namespace kernelforge::runtime {

float halfToFloat(uint16_t h);
/// Round to nearest even; overflow gives infinity, NaN stays NaN.
uint16_t floatToHalf(float f);
float bfloat16ToFloat(uint16_t b);
/// Round to nearest even; NaN stays NaN.
uint16_t floatToBFloat16(float f);

/// Symmetric 8-bit quantisation of `count` values read with `stride`
/// (elements) from `in`: scale = max|x| / 127, q = round(x / scale), so that
/// x ~ q * scale with an error of at most scale / 2. Returns the scale (0
/// for an all-zero block, whose values are then 0). With `halfScale` the
/// scale is the smallest f16 value at least max|x| / 127 (exactly
/// representable as f16, so storing it loses nothing, and |q| <= 127 still
/// holds); for max|x| / 127 below f16's normal range it is a subnormal, whose
/// spacing of 2^-24 bounds the error by max|x| / 254 + 2^-25. Infinite when
/// max|x| / 127 exceeds f16's largest value (65504).
float quantizeBlock(const float *in, int64_t count, int64_t stride,
                    int8_t *out, int64_t outStride, bool halfScale = false);

/// quantizeBlock for every column of a row-major [rows, cols] block at once
/// (the blocks of a weight whose scales run along its rows): column c gets
/// the values and the scale (in scales[c]) of
/// quantizeBlock(in + c, rows, cols, out + c, cols, halfScale), except that
/// a column whose scale is infinite, which quantizeBlock leaves unwritten,
/// gets unspecified values.
void quantizeColumns(const float *in, int64_t rows, int64_t cols, int8_t *out,
                     float *scales, bool halfScale = false);

} // namespace kernelforge::runtime

#endif // KERNELFORGE_RUNTIME_NUMBERFORMATS_H
