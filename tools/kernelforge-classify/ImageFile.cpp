//===- ImageFile.cpp - PNG images as pixel arrays --------------------------===//

#include "ImageFile.h"

#include <png.h>

#include <algorithm>
#include <cmath>
#include <cstring>

using namespace kernelforge::tools;

bool kernelforge::tools::readPng(const std::string &path, int64_t channels,
                                 Image &image, std::string &error) {
  if (channels != 1 && channels != 3) {
    error = "images with " + std::to_string(channels) +
            " channels are not supported (1: gray, 3: RGB)";
    return false;
  }
  png_image png;
  std::memset(&png, 0, sizeof(png));
  png.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_file(&png, path.c_str())) {
    error = "'" + path + "': not a readable PNG (" + png.message + ")";
    return false;
  }
  if (png.width == 0 || png.height == 0 || png.width > 16384 ||
      png.height > 16384) {
    png_image_free(&png);
    error = "'" + path + "': " + std::to_string(png.width) + "x" +
            std::to_string(png.height) + " pixels is outside 1..16384 a side";
    return false;
  }
  png.format = channels == 1 ? PNG_FORMAT_GRAY : PNG_FORMAT_RGB;
  std::vector<png_byte> bytes(PNG_IMAGE_SIZE(png));
  png_color black = {0, 0, 0};
  if (!png_image_finish_read(&png, &black, bytes.data(), 0, nullptr)) {
    error = "'" + path + "': " + png.message;
    png_image_free(&png);
    return false;
  }
  image.height = png.height;
  image.width = png.width;
  image.channels = channels;
  image.pixels.assign(bytes.begin(), bytes.end());
  return true;
}

Image kernelforge::tools::resizeBilinear(const Image &image, int64_t height,
                                         int64_t width) {
  if (image.height == height && image.width == width)
    return image;
  Image out;
  out.height = height;
  out.width = width;
  out.channels = image.channels;
  out.pixels.resize(height * width * image.channels);
  auto source = [](int64_t i, int64_t from, int64_t to, int64_t &lo,
                   int64_t &hi, float &t) {
    float x = (i + 0.5f) * float(from) / float(to) - 0.5f;
    x = std::clamp(x, 0.0f, float(from - 1));
    lo = int64_t(std::floor(x));
    hi = std::min(lo + 1, from - 1);
    t = x - float(lo);
  };
  for (int64_t y = 0; y < height; ++y) {
    int64_t y0, y1;
    float ty;
    source(y, image.height, height, y0, y1, ty);
    for (int64_t x = 0; x < width; ++x) {
      int64_t x0, x1;
      float tx;
      source(x, image.width, width, x0, x1, tx);
      for (int64_t c = 0; c < image.channels; ++c) {
        auto at = [&](int64_t yy, int64_t xx) {
          return image.pixels[(yy * image.width + xx) * image.channels + c];
        };
        float top = at(y0, x0) * (1 - tx) + at(y0, x1) * tx;
        float bottom = at(y1, x0) * (1 - tx) + at(y1, x1) * tx;
        out.pixels[(y * width + x) * image.channels + c] =
            top * (1 - ty) + bottom * ty;
      }
    }
  }
  return out;
}
