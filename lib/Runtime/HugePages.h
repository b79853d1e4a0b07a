//===- HugePages.h - Fresh mappings advised as huge pages -------*- C++ -*-===//
//
// Private to the runtime: the weights and the temporary arena take their
// memory from here, in regions of megabytes shared by many buffers.
//
//===----------------------------------------------------------------------===//

#ifndef KERNELFORGE_LIB_RUNTIME_HUGEPAGES_H
#define KERNELFORGE_LIB_RUNTIME_HUGEPAGES_H

#include <cstdint>

namespace kernelforge::runtime {

inline constexpr uintptr_t kHugePageBytes = uintptr_t(2) << 20;

/// A new anonymous mapping of `bytes` rounded up to 2 MiB, 2 MiB-aligned and
/// advised as transparent huge pages before anything touches it (memory the
/// heap hands back was often touched before, and stays in 4 KiB pages
/// whatever it is advised later). Zero-filled. Null where mmap fails or the
/// system has no mmap.
void *mapHugePages(uintptr_t bytes);

/// Unmaps a region of mapHugePages given the same `bytes`.
void unmapHugePages(void *region, uintptr_t bytes);

/// A new anonymous mapping of `bytes` in the system's default pages,
/// zero-filled, which unmapPages gives back to the system at once (freed
/// heap memory can stay resident); malloc where the system has no mmap.
/// Null when out of memory.
void *mapPages(uintptr_t bytes);

/// Unmaps (or frees) a region of mapPages given the same `bytes`.
void unmapPages(void *region, uintptr_t bytes);

} // namespace kernelforge::runtime

#endif // KERNELFORGE_LIB_RUNTIME_HUGEPAGES_H
