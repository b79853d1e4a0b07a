//===- Npy.cpp - NumPy .npy files -----------------------------------------===//

#include "kernelforge/Runtime/Npy.h"
#include "kernelforge/Runtime/ElementType.h"

#include <cstring>
#include <fstream>
#include <sstream>

using namespace kernelforge::runtime;

static const char kMagic[] = "\x93NUMPY";

static std::string toDescr(const std::string &dtype) {
  if (dtype == "f32") return "<f4";
  if (dtype == "f64") return "<f8";
  if (dtype == "f16") return "<f2";
  if (dtype == "i32") return "<i4";
  if (dtype == "i64") return "<i8";
  if (dtype == "i8") return "|i1";
  if (dtype == "u8") return "|u1";
  // NumPy has no bfloat16: bf16 arrays travel as their bit patterns.
  if (dtype == "bf16") return "<u2";
  return "";
}

static std::string fromDescr(const std::string &descr) {
  for (const char *dtype : {"f32", "f64", "f16", "i32", "i64", "i8", "u8", "bf16"})
    if (toDescr(dtype) == descr)
      return dtype;
  return "";
}

/// The value of `'key':` in the header dictionary, up to its end.
static std::string field(const std::string &header, const std::string &key) {
  size_t at = header.find("'" + key + "'");
  if (at == std::string::npos)
    return "";
  at = header.find(':', at);
  if (at == std::string::npos)
    return "";
  return header.substr(at + 1);
}

bool kernelforge::runtime::readNpy(const std::string &path, NpyArray &array,
                          std::string &error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "cannot open '" + path + "'";
    return false;
  }
  char magic[8];
  if (!in.read(magic, 8) || std::memcmp(magic, kMagic, 6) != 0) {
    error = "'" + path + "' is not a .npy file (bad magic)";
    return false;
  }
  uint32_t headerLength = 0;
  if (magic[6] == 1) {
    unsigned char bytes[2];
    in.read(reinterpret_cast<char *>(bytes), 2);
    headerLength = bytes[0] | (bytes[1] << 8);
  } else {
    unsigned char bytes[4];
    in.read(reinterpret_cast<char *>(bytes), 4);
    headerLength = bytes[0] | (bytes[1] << 8) | (bytes[2] << 16) |
                   (uint32_t(bytes[3]) << 24);
  }
  // NumPy writes headers of a few hundred bytes; a length past 1 MiB is a
  // corrupt file, not a reason to allocate gigabytes.
  if (headerLength > (1u << 20)) {
    error = "'" + path + "': .npy header length " +
            std::to_string(headerLength) + " is past 1 MiB";
    return false;
  }
  std::string header(headerLength, '\0');
  if (!in || !in.read(header.data(), headerLength)) {
    error = "'" + path + "': truncated .npy header";
    return false;
  }
  std::string descr = field(header, "descr");
  size_t q1 = descr.find('\''), q2 = descr.find('\'', q1 + 1);
  array.dtype = q1 == std::string::npos ? "" : fromDescr(descr.substr(q1 + 1, q2 - q1 - 1));
  if (array.dtype.empty()) {
    error = "'" + path + "': unsupported dtype (expected little-endian "
            "float16/32/64, int8/32/64 or uint8)";
    return false;
  }
  if (field(header, "fortran_order").find("True") < 8) {
    error = "'" + path + "': Fortran-ordered arrays are not supported";
    return false;
  }
  std::string shape = field(header, "shape");
  size_t open = shape.find('('), close = shape.find(')');
  if (open == std::string::npos || close == std::string::npos) {
    error = "'" + path + "': malformed shape in the .npy header";
    return false;
  }
  array.shape.clear();
  std::stringstream dims(shape.substr(open + 1, close - open - 1));
  std::string dim;
  while (std::getline(dims, dim, ',')) {
    if (dim.find_first_not_of(" ") == std::string::npos)
      continue;
    size_t first = dim.find_first_not_of(" "), last = dim.find_last_not_of(" ");
    std::string digits = dim.substr(first, last - first + 1);
    if (digits.empty() || digits.size() > 12 ||
        digits.find_first_not_of("0123456789") != std::string::npos) {
      error = "'" + path + "': malformed shape in the .npy header";
      return false;
    }
    array.shape.push_back(std::stoll(digits));
  }
  // At most 2^36 bytes (a bound that no product of the dimensions above
  // can overflow on the way).
  int64_t bytes = elementBytes(array.dtype);
  for (int64_t size : array.shape) {
    if (size != 0 && bytes > (int64_t(1) << 36) / size) {
      error = "'" + path + "': the array is larger than 64 GiB";
      return false;
    }
    bytes *= size;
  }
  // The data must be in the file before anything is allocated for it.
  std::streampos start = in.tellg();
  in.seekg(0, std::ios::end);
  std::streamoff available = in.tellg() - start;
  in.seekg(start);
  if (available < bytes) {
    error = "'" + path + "': data shorter than its shape says";
    return false;
  }
  array.data.assign(bytes, 0);
  if (!in.read(array.data.data(), bytes)) {
    error = "'" + path + "': data shorter than its shape says";
    return false;
  }
  return true;
}

bool kernelforge::runtime::writeNpy(const std::string &path, const NpyArray &array,
                           std::string &error) {
  std::string descr = toDescr(array.dtype);
  if (descr.empty()) {
    error = "cannot write dtype " + array.dtype + " to '" + path + "'";
    return false;
  }
  std::ostringstream header;
  header << "{'descr': '" << descr << "', 'fortran_order': False, 'shape': (";
  for (int64_t size : array.shape)
    header << size << ",";
  header << "), }";
  std::string text = header.str();
  // Magic (6) + version (2) + length (2) + header + '\n' is a multiple of 64.
  size_t total = 10 + text.size() + 1;
  text.append((64 - total % 64) % 64, ' ');
  text.push_back('\n');
  std::ofstream out(path, std::ios::binary);
  if (!out) {
    error = "cannot write '" + path + "'";
    return false;
  }
  out.write(kMagic, 6);
  out.put(1);
  out.put(0);
  out.put(static_cast<char>(text.size() & 0xff));
  out.put(static_cast<char>(text.size() >> 8));
  out << text;
  out.write(array.data.data(), array.data.size());
  if (!out) {
    error = "cannot write '" + path + "'";
    return false;
  }
  return true;
}
