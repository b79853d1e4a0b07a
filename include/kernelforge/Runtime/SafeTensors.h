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

/// One tensor to write: its name, safetensors dtype (F32, F16, BF16, I8,
/// ...), shape and bytes (the shape's, row-major).
struct SafeTensorData {
  std::string name;
  std::string dtype;
  std::vector<int64_t> shape;
  const void *data = nullptr;
  size_t bytes = 0;
};

/// Writes `tensors` to `path` as a safetensors file (the header padded to 8
/// bytes, the tensors' bytes one after another without gaps, as the format's
/// readers require), with `metadata` as its `__metadata__`. The file is
/// written next to `path` and renamed over it, so a failed write leaves no
/// partial file. False with `error` naming the file, or the tensor whose
/// bytes do not match its shape and dtype, otherwise.
bool writeSafeTensors(const std::string &path,
                      const std::vector<SafeTensorData> &tensors,
                      const std::map<std::string, std::string> &metadata,
                      std::string &error);

} // namespace kernelforge::runtime

#endif // KERNELFORGE_RUNTIME_SAFETENSORS_H
