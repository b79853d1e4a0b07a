//===- HugePages.cpp - Fresh mappings advised as huge pages ---------------===//

#include "HugePages.h"

#include <cstdlib>

#ifdef __linux__
#include <sys/mman.h>
#endif

using namespace kernelforge::runtime;

namespace {
uintptr_t roundUp(uintptr_t bytes, uintptr_t multiple) {
  return (bytes + multiple - 1) / multiple * multiple;
}
} // namespace

void *kernelforge::runtime::mapHugePages(uintptr_t bytes) {
#ifdef __linux__
  uintptr_t size = roundUp(bytes, kHugePageBytes);
  if (size == 0)
    return nullptr;
  void *mapped = mmap(nullptr, size + kHugePageBytes, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mapped == MAP_FAILED)
    return nullptr;
  auto start = reinterpret_cast<uintptr_t>(mapped);
  uintptr_t begin = roundUp(start, kHugePageBytes);
  // Unmap the unaligned head and tail.
  if (begin > start)
    munmap(mapped, begin - start);
  if (start + kHugePageBytes > begin)
    munmap(reinterpret_cast<void *>(begin + size),
           start + kHugePageBytes - begin);
  madvise(reinterpret_cast<void *>(begin), size, MADV_HUGEPAGE);
  return reinterpret_cast<void *>(begin);
#else
  (void)bytes;
  return nullptr;
#endif
}

void kernelforge::runtime::unmapHugePages(void *region, uintptr_t bytes) {
#ifdef __linux__
  if (region)
    munmap(region, roundUp(bytes, kHugePageBytes));
#else
  (void)region;
  (void)bytes;
#endif
}

void *kernelforge::runtime::mapPages(uintptr_t bytes) {
#ifdef __linux__
  void *mapped = mmap(nullptr, bytes ? bytes : 1, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  return mapped == MAP_FAILED ? nullptr : mapped;
#else
  return std::calloc(bytes ? bytes : 1, 1);
#endif
}

void kernelforge::runtime::unmapPages(void *region, uintptr_t bytes) {
#ifdef __linux__
  if (region)
    munmap(region, bytes ? bytes : 1);
#else
  (void)bytes;
  std::free(region);
#endif
}
