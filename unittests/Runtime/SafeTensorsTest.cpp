//===- SafeTensorsTest.cpp - Writing safetensors files --------------------===//

#include "kernelforge/Runtime/SafeTensors.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <unistd.h>

using namespace kernelforge::runtime;

namespace {

std::string temporaryPath(const std::string &name) {
  return ::testing::TempDir() + "/kf-safetensors-" + std::to_string(getpid()) +
         "-" + name;
}

std::string fileBytes(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(SafeTensorsTest, WrittenTensorsReadBackByteForByte) {
  std::string path = temporaryPath("roundtrip.safetensors");
  const float values[6] = {1.5f, -2.f, 0.f, 3.25f, 1e-30f, -7.f};
  const int8_t bytes[3] = {-127, 0, 127};
  const uint16_t halves[1] = {0x3c00};
  std::string error;
  ASSERT_TRUE(
      writeSafeTensors(path,
                       {{"w", "F32", {2, 3}, values, sizeof(values)},
                        {"q", "I8", {3}, bytes, sizeof(bytes)},
                        {"q.scales", "F16", {1, 1}, halves, sizeof(halves)}},
                       {{"format", "pt"}}, error))
      << error;
  // The data starts 8-byte aligned after the header.
  std::string raw = fileBytes(path);
  uint64_t headerBytes = 0;
  std::memcpy(&headerBytes, raw.data(), 8);
  EXPECT_EQ(headerBytes % 8, 0u);
  EXPECT_EQ(raw.size(), 8 + headerBytes + sizeof(values) + 3 + 2);
  EXPECT_NE(raw.find("\"__metadata__\":{\"format\":\"pt\"}"),
            std::string::npos);

  std::unique_ptr<SafeTensorsFile> file = SafeTensorsFile::open(path, error);
  ASSERT_TRUE(file) << error;
  EXPECT_EQ(file->tensors().size(), 3u);
  const SafeTensor *w = file->find("w");
  ASSERT_TRUE(w);
  EXPECT_EQ(w->dtype, "F32");
  EXPECT_EQ(w->shape, (std::vector<int64_t>{2, 3}));
  ASSERT_EQ(w->bytes, sizeof(values));
  EXPECT_EQ(std::memcmp(w->data, values, sizeof(values)), 0);
  const SafeTensor *q = file->find("q");
  ASSERT_TRUE(q);
  EXPECT_EQ(q->dtype, "I8");
  EXPECT_EQ(std::memcmp(q->data, bytes, sizeof(bytes)), 0);
  const SafeTensor *s = file->find("q.scales");
  ASSERT_TRUE(s);
  EXPECT_EQ(std::memcmp(s->data, halves, sizeof(halves)), 0);
  std::remove(path.c_str());
}

TEST(SafeTensorsTest, MismatchedBytesAndRepeatedNamesWriteNothing) {
  std::string path = temporaryPath("bad.safetensors");
  const float values[4] = {};
  std::string error;
  EXPECT_FALSE(
      writeSafeTensors(path, {{"w", "F32", {3}, values, 16}}, {}, error));
  EXPECT_EQ(error, path + ": tensor 'w': 16 bytes do not make its shape of "
                          "F32 elements");
  error.clear();
  EXPECT_FALSE(writeSafeTensors(
      path, {{"w", "F32", {4}, values, 16}, {"w", "F32", {4}, values, 16}}, {},
      error));
  EXPECT_EQ(error, path + ": tensor name 'w' is used twice");
  EXPECT_FALSE(std::ifstream(path).good());
  EXPECT_FALSE(std::ifstream(path + ".partial").good());
}

TEST(SafeTensorsTest, UnwritablePathNamesTheFile) {
  std::string path = temporaryPath("missing-dir") + "/w.safetensors";
  const float value = 1.f;
  std::string error;
  EXPECT_FALSE(
      writeSafeTensors(path, {{"w", "F32", {1}, &value, 4}}, {}, error));
  EXPECT_EQ(error.rfind(path + ": cannot write: ", 0), 0u) << error;
}

} // namespace
