//===- FuzzInput.h - The fuzzers' input as a file ---------------*- C++ -*-===//
//
// The runtime's readers take paths: each input is written to a file of its
// own (per process) that the reader then opens. The file lives in memory
// (/dev/shm) where there is one: on the disk behind /tmp, writing it took
// most of the time (the npy target ran 1,800 inputs a second there and
// 19,000 in /dev/shm).
//
//===----------------------------------------------------------------------===//

#ifndef KERNELFORGE_FUZZ_FUZZINPUT_H
#define KERNELFORGE_FUZZ_FUZZINPUT_H

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

namespace kernelforge::fuzz {

/// `<dir>/kf-fuzz-<pid>`, made on first use; `<dir>` is $KF_FUZZ_TMP
/// (scripts/fuzz.sh gives each run one and removes it), else /dev/shm where
/// it can be written, else /tmp.
inline const std::string &inputDir() {
  static const std::string dir = [] {
    std::string base = "/tmp";
    if (const char *chosen = std::getenv("KF_FUZZ_TMP"))
      base = chosen;
    else if (access("/dev/shm", W_OK) == 0)
      base = "/dev/shm";
    std::string made = base + "/kf-fuzz-" + std::to_string(getpid());
    ::mkdir(made.c_str(), 0700); // the folder above exists
    return made;
  }();
  return dir;
}

/// Writes `data` to `inputDir()/<name>` and returns the path.
inline std::string asFile(const uint8_t *data, size_t size,
                          const std::string &name) {
  std::string path = inputDir() + "/" + name;
  if (FILE *f = std::fopen(path.c_str(), "wb")) {
    std::fwrite(data, 1, size, f);
    std::fclose(f);
  }
  return path;
}

} // namespace kernelforge::fuzz

#endif // KERNELFORGE_FUZZ_FUZZINPUT_H
