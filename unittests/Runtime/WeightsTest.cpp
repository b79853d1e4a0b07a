//===- WeightsTest.cpp - Where weight tensors keep their data -------------===//

#include "kernelforge/Runtime/Weights.h"
#include "kernelforge/Runtime/NumberFormats.h"

#include "Smaps.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <unistd.h>

#ifdef __GLIBC__
#include <malloc.h>
#endif

using namespace kernelforge::runtime;

namespace {

constexpr uintptr_t kMiB = uintptr_t(1) << 20;

TEST(WeightsTest, SmallTensorsAreAlignedAndPadded) {
  WeightTensor tensor("f32", {3, 5});
  ASSERT_NE(tensor.data(), nullptr);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(tensor.data()) % 64, 0u);
  EXPECT_EQ(tensor.byteSize(), 60);
  const auto *bytes = tensor.as<unsigned char>();
  for (int i = 60; i < 64; ++i)
    EXPECT_EQ(bytes[i], 0) << "padding byte " << i;
}

/// Whether [p, p + bytes) overlaps [q, q + bytes).
bool overlap(const void *p, uintptr_t q, uintptr_t bytes) {
  auto a = reinterpret_cast<uintptr_t>(p);
  return a < q + bytes && q < a + bytes;
}

TEST(WeightsTest, LargeTensorsShareFreshHugePageChunks) {
#ifdef __GLIBC__
  // As the Generator sets it: large blocks stay in the heap once freed.
  mallopt(M_MMAP_THRESHOLD, 256 << 20);
#endif
  // Heap memory that was touched and freed (a checkpoint's f32 copy after
  // conversion): a tensor placed there would sit in 4 KiB pages.
  uintptr_t usedBytes = 16 * kMiB;
  void *used = std::malloc(usedBytes);
  auto usedBegin = reinterpret_cast<uintptr_t>(used);
  ASSERT_NE(used, nullptr);
  std::memset(used, 0x77, usedBytes);
  std::free(used);

  // Two 1.5 MiB tensors (and their padding to 64 bytes) one after the other
  // in one mapping that starts on a 2 MiB boundary.
  WeightTensor first("bf16", {768, 1024}), second("i8", {1000, 1537});
  auto a = reinterpret_cast<uintptr_t>(first.data()),
       b = reinterpret_cast<uintptr_t>(second.data());
  EXPECT_EQ(b, a + first.byteSize());
  EXPECT_EQ(b % 64, 0u);
  kernelforge::testing::Mapping mapping =
      kernelforge::testing::mappingOf(first.data());
  ASSERT_TRUE(mapping.found());
  EXPECT_EQ(mapping.begin % (2 * kMiB), 0u);
  EXPECT_GE(mapping.end, b + second.byteSize());
  for (const WeightTensor *t : {&first, &second}) {
    EXPECT_FALSE(overlap(t->data(), usedBegin, usedBytes))
        << "a tensor reuses freed heap memory";
    // Every byte is usable, and the padding is zero.
    std::memset(t->data(), 0x3c, t->byteSize());
    EXPECT_EQ(t->as<unsigned char>()[t->byteSize() - 1], 0x3c);
  }
  EXPECT_EQ(second.as<unsigned char>()[second.byteSize()], 0);
  if (!kernelforge::testing::transparentHugePagesOff()) {
    EXPECT_NE(mapping.thpEligible.find('1'), std::string::npos)
        << "smaps: '" << mapping.thpEligible << "'";
  }
}

TEST(WeightsTest, TensorsOfHalfAChunkOrMoreGetTheirOwnAndUnmapIt) {
  const void *data = nullptr;
  {
    WeightTensor big("f32", {1024, 4096 + 16}); // 16 MiB and a bit
    data = big.data();
    kernelforge::testing::Mapping mapping =
        kernelforge::testing::mappingOf(data);
    ASSERT_TRUE(mapping.found());
    EXPECT_EQ(mapping.begin, reinterpret_cast<uintptr_t>(data));
    std::memset(big.data(), 1, big.byteSize());
  }
  // Dropping the last reference unmaps it.
  EXPECT_FALSE(kernelforge::testing::mappingOf(data).found());
}

} // namespace

namespace {

ArgSpec param(const std::string &name, const std::string &dtype,
              std::vector<int64_t> shape) {
  ArgSpec arg;
  arg.kind = "memref";
  arg.dtype = dtype;
  arg.shape = std::move(shape);
  arg.param = name;
  return arg;
}

// A stacked i8 parameter (two parts of two rows, blocks of 32 along its
// columns) and a bias, saved and read back: the parts are separate tensors
// in the file, and every byte comes back; read into f32 instead, each value
// is q * its block's scale.
TEST(WeightsTest, SavedI8WeightsLoadBackDirectlyOrDequantised) {
  EntryPoint quantized;
  quantized.args = {param("m.{a:2,b:2}.weight", "i8", {4, 64}),
                    param("m.{a:2,b:2}.weight.scales", "f16", {4, 2}),
                    param("n.bias", "f32", {3})};
  WeightMap weights;
  std::string error;
  ASSERT_TRUE(randomWeights(7, quantized, weights, error)) << error;
  std::string path = ::testing::TempDir() + "/kf-weights-" +
                     std::to_string(getpid()) + ".safetensors";
  ASSERT_TRUE(saveCheckpointWeights(path, quantized, weights, error)) << error;
  EXPECT_EQ(checkpointMatrixType(path, error), "i8");
  EXPECT_EQ(weightStorageFor("", path, error), "int8");

  WeightMap loaded;
  ASSERT_TRUE(loadCheckpointWeights(path, quantized, loaded, error)) << error;
  ASSERT_EQ(loaded.size(), weights.size());
  for (const auto &[name, tensor] : weights) {
    const WeightTensor &back = loaded.at(name);
    EXPECT_EQ(back.dtype(), tensor.dtype()) << name;
    EXPECT_EQ(back.shape(), tensor.shape()) << name;
    EXPECT_EQ(std::memcmp(back.data(), tensor.data(), tensor.byteSize()), 0)
        << name;
  }

  EntryPoint wide;
  wide.args = {param("m.{a:2,b:2}.weight", "f32", {4, 64}),
               param("n.bias", "f32", {3})};
  WeightMap floats;
  ASSERT_TRUE(loadCheckpointWeights(path, wide, floats, error)) << error;
  const auto *q = weights.at("m.{a:2,b:2}.weight").as<int8_t>();
  const auto *scales = weights.at("m.{a:2,b:2}.weight.scales").as<uint16_t>();
  const auto *values = floats.at("m.{a:2,b:2}.weight").as<float>();
  for (int64_t r = 0; r < 4; ++r)
    for (int64_t c = 0; c < 64; ++c)
      ASSERT_EQ(values[r * 64 + c],
                q[r * 64 + c] * halfToFloat(scales[r * 2 + c / 32]))
          << r << ", " << c;
  std::remove(path.c_str());
}

} // namespace
