//===- TemporaryArena.cpp - Compiled libraries' large temporaries ---------===//
//
// A compiled graph allocates its intermediate buffers on every call, the
// same sizes in the same order. Served by malloc, they land in 4 KiB pages
// whose physical placement differs from process to process, and with it the
// cache sets and TLB reach of the products that walk them: GPT-2 124M's
// 64-token prefill took 40 to 55 ms (one process's median) depending on the
// process. Here they come from slabs mapped once and advised as huge pages
// before they are first touched; a freed block waits for the next request
// of about its size, so after the first call nothing is mapped or faulted.
//
//===----------------------------------------------------------------------===//

#include "kernelforge/Runtime/TemporaryArena.h"

#include "HugePages.h"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <map>
#include <mutex>
#include <unordered_map>

using namespace kernelforge::runtime;

namespace {

constexpr uintptr_t kSlabBytes = uintptr_t(32) << 20;
constexpr uintptr_t kAlignment = 64;
/// At most this many slabs (4 GiB of 32 MiB ones); then malloc.
constexpr int kMaxSlabs = 128;

uintptr_t roundUp(uintptr_t value, uintptr_t multiple) {
  return (value + multiple - 1) / multiple * multiple;
}

/// Slab address ranges, read without the lock by every release: an entry
/// is written before the count that publishes it.
struct SlabRange {
  std::atomic<uintptr_t> begin{0}, end{0};
};
SlabRange slabRanges[kMaxSlabs];
std::atomic<int> slabCount{0};

bool inSlab(void *block) {
  auto address = reinterpret_cast<uintptr_t>(block);
  int count = slabCount.load(std::memory_order_acquire);
  for (int i = 0; i < count; ++i)
    if (address >= slabRanges[i].begin.load(std::memory_order_relaxed) &&
        address < slabRanges[i].end.load(std::memory_order_relaxed))
      return true;
  return false;
}

struct Arena {
  std::mutex mutex;
  /// Freed blocks by size, and the size of every block carved.
  std::multimap<uintptr_t, void *> freeBlocks;
  std::unordered_map<void *, uintptr_t> sizes;
  /// The unused rest of the newest slab.
  uintptr_t next = 0, limit = 0;
  int64_t slabBytes = 0, reuses = 0;

  /// Maps a slab for at least `bytes`, 2 MiB-aligned and advised as huge
  /// pages; false when out of slabs or memory.
  bool grow(uintptr_t bytes) {
    int index = slabCount.load(std::memory_order_relaxed);
    if (index == kMaxSlabs)
      return false;
    uintptr_t size = std::max(kSlabBytes, roundUp(bytes, kHugePageBytes));
    void *mapped = mapHugePages(size);
    if (!mapped)
      return false;
    auto begin = reinterpret_cast<uintptr_t>(mapped);
    slabRanges[index].begin.store(begin, std::memory_order_relaxed);
    slabRanges[index].end.store(begin + size, std::memory_order_relaxed);
    slabCount.store(index + 1, std::memory_order_release);
    next = begin;
    limit = begin + size;
    slabBytes += size;
    return true;
  }

  /// A block of `size` (a multiple of kAlignment), or null.
  void *take(uintptr_t size) {
    std::lock_guard<std::mutex> lock(mutex);
    // The smallest free block that fits, if it wastes at most an eighth.
    auto found = freeBlocks.lower_bound(size);
    if (found != freeBlocks.end() && found->first <= size + size / 8) {
      void *block = found->second;
      freeBlocks.erase(found);
      ++reuses;
      return block;
    }
    if (limit - next < size && !grow(size))
      return nullptr;
    void *block = reinterpret_cast<void *>(next);
    next += size;
    sizes[block] = size;
    return block;
  }

  void give(void *block) {
    std::lock_guard<std::mutex> lock(mutex);
    freeBlocks.emplace(sizes.at(block), block);
  }
};

/// Never destroyed: libraries may release blocks during exit.
Arena &arena() {
  static Arena *instance = new Arena;
  return *instance;
}

} // namespace

void *kernelforge::runtime::allocateTemporary(long long bytes) {
  if (bytes < kArenaMinBytes)
    return std::malloc(bytes > 0 ? bytes : 1);
  if (void *block = arena().take(roundUp(uintptr_t(bytes), kAlignment)))
    return block;
  return std::malloc(bytes);
}

void kernelforge::runtime::releaseTemporary(void *block) {
  if (!block)
    return;
  if (inSlab(block))
    arena().give(block);
  else
    std::free(block);
}

TemporaryArenaStats kernelforge::runtime::temporaryArenaStats() {
  Arena &a = arena();
  std::lock_guard<std::mutex> lock(a.mutex);
  TemporaryArenaStats stats;
  stats.slabBytes = a.slabBytes;
  stats.blocks = a.sizes.size();
  stats.freeBlocks = a.freeBlocks.size();
  stats.reuses = a.reuses;
  return stats;
}
