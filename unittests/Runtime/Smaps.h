//===- Smaps.h - The mapping that holds an address, from /proc/self/smaps -===//

#ifndef KERNELFORGE_UNITTESTS_RUNTIME_SMAPS_H
#define KERNELFORGE_UNITTESTS_RUNTIME_SMAPS_H

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string>

namespace kernelforge::testing {

/// The mapping of this process that holds an address: its range and its
/// "THPeligible:" line (empty where the kernel prints none).
struct Mapping {
  uintptr_t begin = 0, end = 0;
  std::string thpEligible;
  bool found() const { return end > begin; }
};

inline Mapping mappingOf(const void *p) {
  std::ifstream smaps("/proc/self/smaps");
  auto address = reinterpret_cast<uintptr_t>(p);
  Mapping result;
  std::string line;
  bool inside = false;
  while (std::getline(smaps, line)) {
    uintptr_t begin = 0, end = 0;
    if (std::sscanf(line.c_str(), "%lx-%lx ", &begin, &end) == 2 &&
        line.find('-') < line.find(' ')) {
      inside = address >= begin && address < end;
      if (inside)
        result.begin = begin, result.end = end;
      continue;
    }
    if (inside && line.rfind("THPeligible:", 0) == 0)
      result.thpEligible = line;
  }
  return result;
}

/// Whether transparent huge pages are off ("[never]") or absent here.
inline bool transparentHugePagesOff() {
  std::ifstream enabled("/sys/kernel/mm/transparent_hugepage/enabled");
  std::string modes;
  std::getline(enabled, modes);
  return modes.empty() || modes.find("[never]") != std::string::npos;
}

} // namespace kernelforge::testing

#endif // KERNELFORGE_UNITTESTS_RUNTIME_SMAPS_H
