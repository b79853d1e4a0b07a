//===- TemporaryArenaTest.cpp - Compiled libraries' large temporaries -----===//

#include "kernelforge/Runtime/TemporaryArena.h"

#include "Smaps.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <thread>
#include <vector>

using namespace kernelforge::runtime;

namespace {

constexpr int64_t kMiB = int64_t(1) << 20;

TEST(TemporaryArenaTest, SmallRequestsAreMalloc) {
  TemporaryArenaStats before = temporaryArenaStats();
  void *small = allocateTemporary(kArenaMinBytes - 1);
  ASSERT_NE(small, nullptr);
  std::memset(small, 1, kArenaMinBytes - 1);
  EXPECT_EQ(temporaryArenaStats().blocks, before.blocks);
  releaseTemporary(small); // free()d: the arena must not keep it
  EXPECT_EQ(temporaryArenaStats().freeBlocks, before.freeBlocks);
  releaseTemporary(nullptr);
}

TEST(TemporaryArenaTest, FreedBlocksServeTheNextRequestOfTheirSize) {
  void *a = allocateTemporary(3 * kMiB);
  void *b = allocateTemporary(3 * kMiB);
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  EXPECT_NE(a, b);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(a) % 64, 0u);
  std::memset(a, 0x5a, 3 * kMiB);
  std::memset(b, 0xa5, 3 * kMiB);
  EXPECT_EQ(static_cast<unsigned char *>(a)[3 * kMiB - 1], 0x5a);

  int64_t reuses = temporaryArenaStats().reuses;
  releaseTemporary(a);
  // A request an eighth smaller takes the freed block; a larger one cannot.
  void *bigger = allocateTemporary(3 * kMiB + 64);
  EXPECT_NE(bigger, a);
  void *smaller = allocateTemporary(3 * kMiB - 3 * kMiB / 16);
  EXPECT_EQ(smaller, a);
  EXPECT_EQ(temporaryArenaStats().reuses, reuses + 1);
  // Far smaller: a block of its own, not the 3 MiB one.
  releaseTemporary(smaller);
  void *tiny = allocateTemporary(kArenaMinBytes);
  EXPECT_NE(tiny, a);
  for (void *p : {b, bigger, tiny})
    releaseTemporary(p);
}

TEST(TemporaryArenaTest, RequestsLargerThanASlab) {
  int64_t bytes = 40 * kMiB + 123;
  auto *block = static_cast<unsigned char *>(allocateTemporary(bytes));
  ASSERT_NE(block, nullptr);
  block[0] = 1;
  block[bytes - 1] = 2;
  releaseTemporary(block);
  EXPECT_EQ(allocateTemporary(bytes), block);
  releaseTemporary(block);
}

TEST(TemporaryArenaTest, SlabsAreAdvisedAsHugePages) {
  if (kernelforge::testing::transparentHugePagesOff())
    GTEST_SKIP() << "transparent huge pages are off on this machine";
  void *block = allocateTemporary(4 * kMiB);
  ASSERT_NE(block, nullptr);
  std::memset(block, 0, 4 * kMiB);
  std::string eligible = kernelforge::testing::mappingOf(block).thpEligible;
  EXPECT_NE(eligible.find('1'), std::string::npos) << "smaps: '" << eligible
                                                    << "'";
  releaseTemporary(block);
}

TEST(TemporaryArenaTest, ThreadsGetDisjointBlocks) {
  // Each thread fills its blocks with its own byte and checks them before
  // giving them back: two threads holding one block would see the other's.
  std::vector<std::thread> threads;
  std::vector<int> failures(4, 0);
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([t, &failures] {
      for (int i = 0; i < 200; ++i) {
        int64_t bytes = kArenaMinBytes * (1 + (i * 7 + t) % 13);
        auto *block = static_cast<unsigned char *>(allocateTemporary(bytes));
        if (!block) {
          ++failures[t];
          continue;
        }
        std::memset(block, t + 1, bytes);
        std::this_thread::yield();
        for (int64_t j = 0; j < bytes; j += 4096)
          failures[t] += block[j] != t + 1;
        failures[t] += block[bytes - 1] != t + 1;
        releaseTemporary(block);
      }
    });
  for (std::thread &thread : threads)
    thread.join();
  for (int t = 0; t < 4; ++t)
    EXPECT_EQ(failures[t], 0) << "thread " << t;
  EXPECT_GT(temporaryArenaStats().reuses, 0);
}

} // namespace
