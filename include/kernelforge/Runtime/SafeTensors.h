//===- SafeTensors.h - Memory-mapped .safetensors checkpoints ---*- C++ -*-===//
//
// Reads the safetensors format (an 8-byte little-endian header length, a
// JSON header mapping tensor names to dtype, shape and byte offsets, then the
// data) by mapping the file. Every offset is checked against the header and
// the file size before any byte is read.
//
//===----------------------------------------------------------------------===//

#ifndef KERNELFORGE_RUNTIME_SAFETENSORS_H
#define KERNELFORGE_RUNTIME_SAFETENSORS_H

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace kernelforge::runtime {

struct SafeTensor {
  std::string dtype; ///< as in the file: F32, F16, BF16, ...
  std::vector<int64_t> shape;
  const uint8_t *data = nullptr;
  size_t bytes = 0;

  int64_t numElements() const;
};

class SafeTensorsFile {
public:
  ~SafeTensorsFile();
  SafeTensorsFile(const SafeTensorsFile &) = delete;
  SafeTensorsFile &operator=(const SafeTensorsFile &) = delete;

  /// Maps and validates `path`; null with `error` naming the file and the
  /// problem otherwise.
  static std::unique_ptr<SafeTensorsFile> open(const std::string &path,
                                               std::string &error);

  const std::string &path() const { return filePath; }
  const std::map<std::string, SafeTensor> &tensors() const { return entries; }
  const SafeTensor *find(const std::string &name) const;

  /// Copies `tensor` into `out` as float32, converting F16 and BF16.
  static bool toFloat32(const SafeTensor &tensor, float *out,
                        std::string &error);

private:
  SafeTensorsFile() = default;
  std::string filePath;
  void *mapping = nullptr;
  size_t mappedBytes = 0;
  std::map<std::string, SafeTensor> entries;
};

} // namespace kernelforge::runtime

#endif // KERNELFORGE_RUNTIME_SAFETENSORS_H
