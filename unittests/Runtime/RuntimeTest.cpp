//===- RuntimeTest.cpp - Memref descriptors and .npy files ----------------===//

#include "kernelforge/Runtime/CompiledLibrary.h"
#include "kernelforge/Runtime/Npy.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <unistd.h>

using namespace kernelforge::runtime;

namespace {

// MLIR's C interface reads {allocated, aligned, offset, sizes[], strides[]}
// as 64-bit words, strides in elements, row-major for a contiguous buffer.
TEST(MemRefDescriptorTest, RowMajorLayout) {
  float data[24];
  MemRefDescriptor desc(data, {2, 3, 4});
  auto *words = static_cast<int64_t *>(desc.get());
  EXPECT_EQ(reinterpret_cast<float *>(words[0]), data);
  EXPECT_EQ(reinterpret_cast<float *>(words[1]), data);
  EXPECT_EQ(words[2], 0);
  EXPECT_EQ(words[3], 2);
  EXPECT_EQ(words[4], 3);
  EXPECT_EQ(words[5], 4);
  EXPECT_EQ(words[6], 12);
  EXPECT_EQ(words[7], 4);
  EXPECT_EQ(words[8], 1);
}

TEST(NpyTest, RoundTripKeepsShapeTypeAndBytes) {
  NpyArray array;
  array.dtype = "i64";
  array.shape = {3, 2};
  array.data.resize(6 * sizeof(int64_t));
  for (int64_t i = 0; i < 6; ++i)
    std::memcpy(array.data.data() + i * 8, &i, 8);
  std::string path = testing::TempDir() + "kf_roundtrip.npy";
  std::string error;
  ASSERT_TRUE(writeNpy(path, array, error)) << error;
  NpyArray back;
  ASSERT_TRUE(readNpy(path, back, error)) << error;
  EXPECT_EQ(back.dtype, "i64");
  EXPECT_EQ(back.shape, array.shape);
  EXPECT_EQ(back.data, array.data);
  std::remove(path.c_str());
}

TEST(NpyTest, TruncatedDataIsAnErrorNamingTheFile) {
  NpyArray array;
  array.dtype = "f32";
  array.shape = {4};
  array.data.resize(16);
  std::string path = testing::TempDir() + "kf_truncated.npy";
  std::string error;
  ASSERT_TRUE(writeNpy(path, array, error)) << error;
  // Drop the last element's bytes.
  FILE *f = std::fopen(path.c_str(), "r+b");
  ASSERT_NE(f, nullptr);
  std::fseek(f, 0, SEEK_END);
  long size = std::ftell(f);
  std::fclose(f);
  ASSERT_EQ(truncate(path.c_str(), size - 4), 0);
  NpyArray back;
  EXPECT_FALSE(readNpy(path, back, error));
  EXPECT_NE(error.find(path), std::string::npos) << error;
  EXPECT_NE(error.find("shorter than its shape"), std::string::npos) << error;
  std::remove(path.c_str());
}

TEST(NpyTest, NotAnNpyFile) {
  std::string path = testing::TempDir() + "kf_not.npy";
  FILE *f = std::fopen(path.c_str(), "wb");
  std::fputs("hello", f);
  std::fclose(f);
  NpyArray back;
  std::string error;
  EXPECT_FALSE(readNpy(path, back, error));
  EXPECT_NE(error.find("not a .npy file"), std::string::npos) << error;
  std::remove(path.c_str());
}

TEST(CompiledLibraryTest, MissingLibraryIsAnError) {
  std::string error;
  EXPECT_EQ(CompiledLibrary::load("/nonexistent/model.so", error), nullptr);
  EXPECT_NE(error.find("cannot load '/nonexistent/model.so'"), std::string::npos)
      << error;
}


TEST(SignatureTest, ReadsArgumentsInOrder) {
  EntryPoint entry;
  std::string error;
  ASSERT_TRUE(parseSignature(
      R"({"name": "f", "args": [
            {"kind": "memref", "dtype": "f32", "shape": [2, 3], "param": "w"},
            {"kind": "scalar", "dtype": "index", "role": "position"},
            {"kind": "memref", "dtype": "bf16", "shape": [4], "role": "output"}]})",
      "f", entry, error))
      << error;
  ASSERT_EQ(entry.args.size(), 3u);
  EXPECT_EQ(entry.name, "f");
  EXPECT_EQ(entry.args[0].shape, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(entry.args[0].param, "w");
  EXPECT_EQ(entry.args[0].role, "input");
  EXPECT_FALSE(entry.args[0].isOutput);
  EXPECT_EQ(entry.args[1].role, "position");
  EXPECT_TRUE(entry.args[2].isOutput);
  EXPECT_EQ(entry.args[2].numElements() * entry.args[2].elementBytes(), 8);
}

// Fields of the wrong JSON type used to throw out of the runtime (ending the
// program), and sizes were trusted (negative or overflowing byte counts).
TEST(SignatureTest, MalformedSignaturesAreErrors) {
  struct Case {
    const char *text, *message;
  } cases[] = {
      {"not json", "malformed signature of 'f'"},
      {R"({"args": 3})", "malformed signature of 'f'"},
      {R"({"args": [7]})", "argument 0 of 'f' is not an object"},
      {R"({"args": [{"kind": 1, "dtype": "f32"}]})",
       "'kind' of argument 0 of 'f' is not a string"},
      {R"({"args": [{"kind": "memref", "dtype": "f32", "shape": 5}]})",
       "the shape of argument 0 of 'f' is not an array"},
      {R"({"args": [{"kind": "memref", "dtype": "f32", "shape": [2.5]}]})",
       "has a size that is not a non-negative integer"},
      {R"({"args": [{"kind": "memref", "dtype": "f32", "shape": [-4]}]})",
       "has a size that is not a non-negative integer"},
      {R"({"args": [{"kind": "memref", "dtype": "f32",
                      "shape": [4294967296, 4294967296]}]})",
       "has more bytes than fit in memory"},
      {R"({"args": [{"kind": "memref", "dtype": "f32"}, {"kind": "tensor", "dtype": "f32"}]})",
       "unsupported argument 1 of 'f'"},
      {R"({"args": [{"kind": "memref", "dtype": "q4"}]})",
       "unsupported argument 0 of 'f'"},
  };
  for (const Case &c : cases) {
    EntryPoint entry;
    std::string error;
    EXPECT_FALSE(parseSignature(c.text, "f", entry, error)) << c.text;
    EXPECT_NE(error.find(c.message), std::string::npos)
        << c.text << " -> " << error;
  }
}

} // namespace
