//===- ImageFile.h - PNG images as pixel arrays -----------------*- C++ -*-===//
//
// What kernelforge-classify needs of image files: a PNG (any colour type or
// bit depth libpng reads) as 8-bit pixels, height x width x channels, with
// 1 (gray) or 3 (RGB) channels as the model asks; transparency is composited
// onto black. And a bilinear resize (half-pixel centres, as PIL's BILINEAR
// on upscaling).
//
//===----------------------------------------------------------------------===//

#ifndef KERNELFORGE_TOOLS_CLASSIFY_IMAGEFILE_H
#define KERNELFORGE_TOOLS_CLASSIFY_IMAGEFILE_H

#include <cstdint>
#include <string>
#include <vector>

namespace kernelforge::tools {

struct Image {
  int64_t height = 0, width = 0, channels = 0;
  /// Row-major, channels last, 0..255.
  std::vector<float> pixels;
};

/// Reads `path`; false with `error` naming the file and the problem.
bool readPng(const std::string &path, int64_t channels, Image &image,
             std::string &error);

/// `image` resized to height x width.
Image resizeBilinear(const Image &image, int64_t height, int64_t width);

} // namespace kernelforge::tools

#endif // KERNELFORGE_TOOLS_CLASSIFY_IMAGEFILE_H
