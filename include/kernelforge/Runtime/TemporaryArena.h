//===- TemporaryArena.h - Compiled libraries' large temporaries -*- C++ -*-===//
//
// What the runtime installs as a library's `_kf_allocator`
// (LibraryABI.h): large temporaries come from slabs mapped once and advised
// as transparent huge pages before they are touched, and freed blocks are
// kept for the next allocation of about the same size.
//
//===----------------------------------------------------------------------===//

#ifndef KERNELFORGE_RUNTIME_TEMPORARYARENA_H
#define KERNELFORGE_RUNTIME_TEMPORARYARENA_H

#include <cstdint>

namespace kernelforge::runtime {

/// Requests below this many bytes go to malloc.
inline constexpr int64_t kArenaMinBytes = int64_t(64) << 10;

/// A block of at least `bytes` (64-byte aligned), or null when memory is
/// exhausted. Thread-safe.
void *allocateTemporary(long long bytes);
/// Returns a block of allocateTemporary, or frees one of malloc or
/// aligned_alloc. Thread-safe; null is ignored.
void releaseTemporary(void *block);

struct TemporaryArenaStats {
  /// Bytes mapped for slabs, blocks carved from them, blocks now free for
  /// reuse, and allocations served by a freed block.
  int64_t slabBytes = 0, blocks = 0, freeBlocks = 0, reuses = 0;
};
TemporaryArenaStats temporaryArenaStats();

} // namespace kernelforge::runtime

#endif // KERNELFORGE_RUNTIME_TEMPORARYARENA_H
