//===- signature.cpp - Fuzz the compiled-library signature reader --------===//
//
// Any bytes as an entry point's JSON signature: read into arguments whose
// kinds and element types the runtime supports and whose byte counts fit in
// memory, or refused with a message.

#include "kernelforge/Runtime/CompiledLibrary.h"

#include <cstdint>
#include <cstdlib>
#include <string>

using namespace kernelforge::runtime;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  EntryPoint entry;
  std::string error;
  std::string text(reinterpret_cast<const char *>(data), size);
  if (!parseSignature(text, "main", entry, error)) {
    if (error.empty())
      std::abort();
    return 0;
  }
  for (const ArgSpec &arg : entry.args) {
    if (!arg.isMemRef())
      continue;
    int64_t bytes = arg.elementBytes();
    for (int64_t d : arg.shape)
      if (d < 0 || __builtin_mul_overflow(bytes, d, &bytes))
        std::abort();
    if (bytes != arg.numElements() * arg.elementBytes())
      std::abort();
  }
  return 0;
}
