//===- Npy.h - NumPy .npy files ---------------------------------*- C++ -*-===//

#ifndef KERNELFORGE_RUNTIME_NPY_H
#define KERNELFORGE_RUNTIME_NPY_H

#include <cstdint>
#include <string>
#include <vector>

namespace kernelforge::runtime {

/// A C-ordered array as stored in a .npy file; `dtype` uses MLIR's names
/// (f32, f64, i32, i64, f16).
struct NpyArray {
  std::string dtype;
  std::vector<int64_t> shape;
  std::vector<char> data;
};

/// Reads a little-endian, C-ordered .npy file (format 1.0 to 3.0). False and
/// `error` (naming the file and the problem) otherwise.
bool readNpy(const std::string &path, NpyArray &array, std::string &error);
/// Writes `array` as a format 1.0 .npy file.
bool writeNpy(const std::string &path, const NpyArray &array,
              std::string &error);

} // namespace kernelforge::runtime

#endif // KERNELFORGE_RUNTIME_NPY_H
