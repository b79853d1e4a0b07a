//===- BlockCacheTest.cpp - Device blocks reused instead of freed ---------===//

#include "../../lib/Runtime/CUDA/BlockCache.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <map>

using kernelforge::runtime::BlockCache;

namespace {

/// A fake driver over malloc with a byte budget, counting its calls.
struct FakeDriver {
  size_t budget = 1 << 20, used = 0;
  int allocations = 0, frees = 0, synchronizations = 0;
  std::map<void *, size_t> live;

  BlockCache::Driver driver() {
    BlockCache::Driver d;
    d.allocate = [this](size_t bytes) -> void * {
      if (used + bytes > budget)
        return nullptr;
      ++allocations;
      used += bytes;
      void *block = std::malloc(bytes);
      live[block] = bytes;
      return block;
    };
    d.free = [this](void *block) {
      EXPECT_TRUE(live.count(block));
      EXPECT_GT(synchronizations, 0) << "freed before waiting for the stream";
      ++frees;
      used -= live[block];
      live.erase(block);
      std::free(block);
    };
    d.synchronize = [this] { ++synchronizations; };
    return d;
  }
};

TEST(BlockCache, ReusesFreedBlocksOfTheSameRoundedSize) {
  FakeDriver fake;
  BlockCache cache(fake.driver());
  void *a = cache.allocate(1000);
  void *b = cache.allocate(1000);
  EXPECT_NE(a, b);
  EXPECT_TRUE(cache.release(a));
  // 1000 and 1024 bytes round to the same 1024: the freed block comes back,
  // without a new allocation or any wait.
  EXPECT_EQ(cache.allocate(1024), a);
  EXPECT_EQ(fake.allocations, 2);
  EXPECT_EQ(fake.synchronizations, 0);
  // Another size gets a block of its own.
  EXPECT_TRUE(cache.release(b));
  void *c = cache.allocate(4096);
  EXPECT_NE(c, b);
  EXPECT_EQ(fake.allocations, 3);
  EXPECT_EQ(cache.cachedSize(), 1024u);
  cache.release(a);
  cache.release(c);
  cache.releaseCached();
}

TEST(BlockCache, ARepeatedStepAllocatesOnlyOnce) {
  FakeDriver fake;
  BlockCache cache(fake.driver());
  for (int step = 0; step < 100; ++step) {
    std::vector<void *> temporaries;
    for (size_t bytes : {3072u, 9216u, 3072u, 12288u})
      temporaries.push_back(cache.allocate(bytes));
    for (void *block : temporaries)
      cache.release(block);
  }
  EXPECT_EQ(fake.allocations, 4);
  EXPECT_EQ(fake.frees, 0);
  EXPECT_EQ(fake.synchronizations, 0);
  cache.releaseCached();
  EXPECT_EQ(fake.frees, 4);
  EXPECT_TRUE(fake.live.empty());
}

TEST(BlockCache, OutOfMemoryReturnsCachedBlocksAfterWaiting) {
  FakeDriver fake;
  fake.budget = 8192;
  BlockCache cache(fake.driver());
  void *a = cache.allocate(4096);
  void *b = cache.allocate(4096);
  cache.release(a);
  cache.release(b);
  // No room for 6144 bytes until the two cached blocks go back, which
  // waits for the stream first.
  void *c = cache.allocate(6144);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(fake.synchronizations, 1);
  EXPECT_EQ(fake.frees, 2);
  EXPECT_EQ(cache.cachedSize(), 0u);
  // Beyond the budget even then: null.
  EXPECT_EQ(cache.allocate(4096), nullptr);
  cache.release(c);
  cache.releaseCached();
}

TEST(BlockCache, RefusesBlocksItDidNotHandOut) {
  FakeDriver fake;
  BlockCache cache(fake.driver());
  int local = 0;
  EXPECT_FALSE(cache.release(&local));
  EXPECT_EQ(cache.cachedSize(), 0u);
}

} // namespace
