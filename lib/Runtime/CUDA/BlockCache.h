//===- BlockCache.h - Device memory reused instead of freed -----*- C++ -*-===//
//
// Compiled code allocates its temporaries at every call and frees them after
// their last use. Through the driver each allocation costs tens of
// microseconds and each free must wait for the kernels still reading the
// block, a host synchronisation per temporary. With one stream for all work
// neither is needed: a freed block can be handed out again at once, since
// whatever uses it next is queued after whatever used it before. This cache
// keeps freed blocks by (rounded) size and hands them out again; only when
// the driver runs out of memory does it synchronise and return them.
//
// Plain C++ with the driver calls injected, so it is unit-tested without a
// GPU (unittests/Runtime/BlockCacheTest.cpp).
//
//===----------------------------------------------------------------------===//

#ifndef KERNELFORGE_RUNTIME_CUDA_BLOCKCACHE_H
#define KERNELFORGE_RUNTIME_CUDA_BLOCKCACHE_H

#include <cstddef>
#include <functional>
#include <unordered_map>
#include <vector>

namespace kernelforge::runtime {

class BlockCache {
public:
  /// Sizes are rounded up to this many bytes, so that near sizes share.
  static constexpr size_t kGranule = 512;

  struct Driver {
    /// A new block, or null when out of memory.
    std::function<void *(size_t)> allocate;
    /// Returns a block to the driver (the caller has synchronised).
    std::function<void(void *)> free;
    /// Waits for all queued work.
    std::function<void()> synchronize;
  };

  explicit BlockCache(Driver driver) : driver(std::move(driver)) {}
  BlockCache(const BlockCache &) = delete;
  BlockCache &operator=(const BlockCache &) = delete;

  /// A block of at least `bytes`: a cached one of the same rounded size if
  /// any, else a new one (after returning every cached block to the driver
  /// if it is out of memory). Null when even that fails.
  void *allocate(size_t bytes) {
    size_t size = (bytes + kGranule - 1) / kGranule * kGranule;
    auto it = cached.find(size);
    if (it != cached.end() && !it->second.empty()) {
      void *block = it->second.back();
      it->second.pop_back();
      cachedBytes -= size;
      return block;
    }
    void *block = driver.allocate(size);
    if (!block && cachedBytes) {
      releaseCached();
      block = driver.allocate(size);
    }
    if (block)
      sizes[block] = size;
    return block;
  }

  /// Keeps `block` (from allocate) for a later allocation of its size.
  /// False when the block is not one of this cache's.
  bool release(void *block) {
    auto it = sizes.find(block);
    if (it == sizes.end())
      return false;
    cached[it->second].push_back(block);
    cachedBytes += it->second;
    return true;
  }

  /// Waits for queued work, then returns every cached block to the driver.
  void releaseCached() {
    if (!cachedBytes)
      return;
    driver.synchronize();
    for (auto &[size, blocks] : cached) {
      for (void *block : blocks) {
        driver.free(block);
        sizes.erase(block);
      }
      blocks.clear();
    }
    cachedBytes = 0;
  }

  /// Bytes held for reuse.
  size_t cachedSize() const { return cachedBytes; }

private:
  Driver driver;
  /// Every block handed out and not returned to the driver, by its size.
  std::unordered_map<void *, size_t> sizes;
  /// Freed blocks by size.
  std::unordered_map<size_t, std::vector<void *>> cached;
  size_t cachedBytes = 0;
};

} // namespace kernelforge::runtime

#endif // KERNELFORGE_RUNTIME_CUDA_BLOCKCACHE_H
