//===- npy.cpp - Fuzz the .npy reader --------------------------------------===//
//
// Any bytes as a .npy file: read as an array whose data has exactly the
// size its dtype and shape say, or refused with a message.

#include "FuzzInput.h"

#include "kernelforge/Runtime/ElementType.h"
#include "kernelforge/Runtime/Npy.h"

#include <cstdlib>

using namespace kernelforge::runtime;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  NpyArray array;
  std::string error;
  if (!readNpy(kernelforge::fuzz::asFile(data, size, "array.npy"), array, error))
    return 0;
  if (int64_t(array.data.size()) !=
      elementCount(array.shape) * elementBytes(array.dtype))
    std::abort();
  return 0;
}
