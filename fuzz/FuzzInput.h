//===- FuzzInput.h - The fuzzers' input as a file ---------------*- C++ -*-===//
//
// The runtime's readers take paths: each input is written to a file of its
// own (per process) that the reader then opens.
//
//===----------------------------------------------------------------------===//

#ifndef KERNELFORGE_FUZZ_FUZZINPUT_H
#define KERNELFORGE_FUZZ_FUZZINPUT_H

#include <cstdint>
#include <cstdio>
#include <string>
#include <unistd.h>

namespace kernelforge::fuzz {

/// Writes `data` to `<tmp>/kf-fuzz-<pid>/<name>` and returns the path.
inline std::string asFile(const uint8_t *data, size_t size,
                          const std::string &name) {
  std::string dir = "/tmp/kf-fuzz-" + std::to_string(getpid());
  static bool made = [&] {
    std::string command = "mkdir -p " + dir;
    return std::system(command.c_str()) == 0;
  }();
  (void)made;
  std::string path = dir + "/" + name;
  if (FILE *f = std::fopen(path.c_str(), "wb")) {
    std::fwrite(data, 1, size, f);
    std::fclose(f);
  }
  return path;
}

} // namespace kernelforge::fuzz

#endif // KERNELFORGE_FUZZ_FUZZINPUT_H
