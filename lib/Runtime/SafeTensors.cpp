//===- SafeTensors.cpp - Memory-mapped .safetensors checkpoints -----------===//

#include "kernelforge/Runtime/SafeTensors.h"
#include "kernelforge/Runtime/NumberFormats.h"
#include "kernelforge/Runtime/ElementType.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace kernelforge::runtime;

int64_t SafeTensor::numElements() const { return elementCount(shape); }

static int64_t dtypeBytes(const std::string &dtype) {
  if (dtype == "F64" || dtype == "I64" || dtype == "U64")
    return 8;
  if (dtype == "F32" || dtype == "I32" || dtype == "U32")
    return 4;
  if (dtype == "F16" || dtype == "BF16" || dtype == "I16" || dtype == "U16")
    return 2;
  if (dtype == "I8" || dtype == "U8" || dtype == "BOOL" || dtype == "F8_E4M3" ||
      dtype == "F8_E5M2")
    return 1;
  return 0;
}

SafeTensorsFile::~SafeTensorsFile() {
  if (mapping)
    munmap(mapping, mappedBytes);
}

std::unique_ptr<SafeTensorsFile> SafeTensorsFile::open(const std::string &path,
                                                       std::string &error) {
  auto fail = [&](const std::string &message) {
    error = path + ": " + message;
    return nullptr;
  };
  int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0)
    return fail(std::string("cannot open: ") + std::strerror(errno));
  struct stat st;
  if (fstat(fd, &st) != 0) {
    ::close(fd);
    return fail("cannot stat");
  }
  size_t size = static_cast<size_t>(st.st_size);
  if (size < 8) {
    ::close(fd);
    return fail("truncated: " + std::to_string(size) +
                " bytes, shorter than the 8-byte header length");
  }
  void *map = mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  ::close(fd);
  if (map == MAP_FAILED)
    return fail("cannot map the file");
  std::unique_ptr<SafeTensorsFile> file(new SafeTensorsFile());
  file->filePath = path;
  file->mapping = map;
  file->mappedBytes = size;
  const uint8_t *bytes = static_cast<const uint8_t *>(map);

  uint64_t headerLength = 0;
  for (int i = 7; i >= 0; --i)
    headerLength = (headerLength << 8) | bytes[i];
  if (headerLength > size - 8)
    return fail("header length " + std::to_string(headerLength) +
                " runs past the end of the file (" + std::to_string(size) +
                " bytes): truncated or not a safetensors file");
  std::string headerText(reinterpret_cast<const char *>(bytes + 8),
                         headerLength);
  nlohmann::json header = nlohmann::json::parse(headerText, nullptr, false);
  if (!header.is_object())
    return fail("the header is not a JSON object: corrupt or not a "
                "safetensors file");
  const uint8_t *data = bytes + 8 + headerLength;
  size_t dataBytes = size - 8 - headerLength;
  for (auto &[name, entry] : header.items()) {
    if (name == "__metadata__")
      continue;
    if (!entry.is_object() || !entry.contains("dtype") ||
        !entry.contains("shape") || !entry.contains("data_offsets") ||
        !entry["dtype"].is_string() || !entry["shape"].is_array() ||
        !entry["data_offsets"].is_array() || entry["data_offsets"].size() != 2)
      return fail("tensor '" + name +
                  "': header entry needs dtype, shape and two data_offsets");
    SafeTensor tensor;
    tensor.dtype = entry["dtype"].get<std::string>();
    for (const auto &dim : entry["shape"]) {
      if (!dim.is_number_integer() || dim.get<int64_t>() < 0)
        return fail("tensor '" + name + "': shape holds a non-integer or "
                    "negative dimension");
      tensor.shape.push_back(dim.get<int64_t>());
    }
    const auto &offsets = entry["data_offsets"];
    if (!offsets[0].is_number_unsigned() || !offsets[1].is_number_unsigned())
      return fail("tensor '" + name + "': data_offsets must be unsigned integers");
    uint64_t begin = offsets[0].get<uint64_t>(), end = offsets[1].get<uint64_t>();
    int64_t elementBytes = dtypeBytes(tensor.dtype);
    if (elementBytes == 0)
      return fail("tensor '" + name + "': unknown dtype " + tensor.dtype);
    if (begin > end || end > dataBytes)
      return fail("tensor '" + name + "': bytes [" + std::to_string(begin) +
                  ", " + std::to_string(end) + ") lie outside the " +
                  std::to_string(dataBytes) + "-byte data section (truncated file?)");
    // The shape's bytes, checked: a shape like [2^62 + 3] must not wrap
    // around to the byte count it is compared with.
    int64_t shapeBytes = checkedByteCount(tensor.shape, elementBytes);
    if (shapeBytes < 0)
      return fail("tensor '" + name + "': its shape holds more than 2^63 bytes");
    if (static_cast<uint64_t>(shapeBytes) != end - begin)
      return fail("tensor '" + name + "': " + std::to_string(end - begin) +
                  " bytes for " + std::to_string(tensor.numElements()) + " " +
                  tensor.dtype + " elements");
    tensor.data = data + begin;
    tensor.bytes = end - begin;
    file->entries.emplace(name, std::move(tensor));
  }
  return file;
}

const SafeTensor *SafeTensorsFile::find(const std::string &name) const {
  auto it = entries.find(name);
  return it == entries.end() ? nullptr : &it->second;
}

bool SafeTensorsFile::toFloat32(const SafeTensor &tensor, float *out,
                                std::string &error) {
  int64_t n = tensor.numElements();
  if (tensor.dtype == "F32") {
    std::memcpy(out, tensor.data, n * 4);
    return true;
  }
  if (tensor.dtype == "F16" || tensor.dtype == "BF16") {
    bool brain = tensor.dtype == "BF16";
    for (int64_t i = 0; i < n; ++i) {
      uint16_t h;
      std::memcpy(&h, tensor.data + 2 * i, 2);
      if (brain) {
        uint32_t bits = uint32_t(h) << 16;
        std::memcpy(&out[i], &bits, 4);
      } else {
        out[i] = halfToFloat(h);
      }
    }
    return true;
  }
  error = "dtype " + tensor.dtype + " is not a float type (expected F32, "
          "F16 or BF16)";
  return false;
}

bool kernelforge::runtime::writeSafeTensors(
    const std::string &path, const std::vector<SafeTensorData> &tensors,
    const std::map<std::string, std::string> &metadata, std::string &error) {
  nlohmann::json header = nlohmann::json::object();
  if (!metadata.empty())
    header["__metadata__"] = metadata;
  uint64_t offset = 0;
  for (const SafeTensorData &tensor : tensors) {
    int64_t elementBytes = dtypeBytes(tensor.dtype);
    int64_t expected = checkedByteCount(tensor.shape, elementBytes);
    if (elementBytes == 0 || expected < 0 ||
        static_cast<uint64_t>(expected) != tensor.bytes) {
      error = path + ": tensor '" + tensor.name +
              "': " + std::to_string(tensor.bytes) +
              " bytes do not make its shape of " + tensor.dtype + " elements";
      return false;
    }
    if (tensor.name == "__metadata__" || header.contains(tensor.name)) {
      error = path + ": tensor name '" + tensor.name + "' is used twice";
      return false;
    }
    header[tensor.name] = {{"dtype", tensor.dtype},
                           {"shape", tensor.shape},
                           {"data_offsets", {offset, offset + tensor.bytes}}};
    offset += tensor.bytes;
  }
  std::string text = header.dump();
  // The data starts 8-byte aligned: the header is padded with spaces.
  text.append((8 - text.size() % 8) % 8, ' ');
  std::string temporary = path + ".partial";
  int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) {
    error = path + ": cannot write: " + std::strerror(errno);
    return false;
  }
  auto writeAll = [&](const void *data, size_t bytes) {
    const char *from = static_cast<const char *>(data);
    while (bytes > 0) {
      ssize_t done = ::write(fd, from, std::min<size_t>(bytes, 1 << 30));
      if (done < 0 && errno == EINTR)
        continue;
      if (done <= 0)
        return false;
      from += done;
      bytes -= static_cast<size_t>(done);
    }
    return true;
  };
  uint8_t length[8];
  for (int i = 0; i < 8; ++i)
    length[i] = static_cast<uint8_t>(uint64_t(text.size()) >> (8 * i));
  bool written = writeAll(length, 8) && writeAll(text.data(), text.size());
  for (const SafeTensorData &tensor : tensors)
    written = written && writeAll(tensor.data, tensor.bytes);
  std::string why = written ? "" : std::strerror(errno);
  if (::close(fd) != 0 && written) {
    written = false;
    why = std::strerror(errno);
  }
  if (written && std::rename(temporary.c_str(), path.c_str()) != 0) {
    written = false;
    why = std::strerror(errno);
  }
  if (!written) {
    std::remove(temporary.c_str());
    error = path + ": cannot write: " + why;
  }
  return written;
}
