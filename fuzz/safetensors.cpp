//===- safetensors.cpp - Fuzz the safetensors reader -----------------------===//
//
// Any bytes as a .safetensors file: the reader validates the header (JSON,
// dtypes, shapes, offsets, overlaps, sizes that overflow) or says why not;
// every tensor it accepts converts to float32 within its stated size.

#include "FuzzInput.h"

#include "kernelforge/Runtime/SafeTensors.h"

#include <vector>

using namespace kernelforge::runtime;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string error;
  std::string path = kernelforge::fuzz::asFile(data, size, "model.safetensors");
  std::unique_ptr<SafeTensorsFile> file = SafeTensorsFile::open(path, error);
  if (!file)
    return 0;
  for (const auto &[name, tensor] : file->tensors()) {
    if (tensor.numElements() > (1 << 20))
      continue;
    std::vector<float> out(tensor.numElements());
    SafeTensorsFile::toFloat32(tensor, out.data(), error);
  }
  return 0;
}
