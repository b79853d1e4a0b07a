//===- llama2c-tokenizer.cpp - Fuzz llama2.c's tokenizer.bin reader -------===//
//
// Any bytes as a tokenizer.bin: loaded or refused with a message; one that
// loads encodes texts to ids inside its vocabulary.

#include "FuzzInput.h"

#include "kernelforge/Runtime/Llama2cTokenizer.h"

#include <cstdlib>

using namespace kernelforge::runtime;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string error;
  std::unique_ptr<Llama2cTokenizer> tok = Llama2cTokenizer::load(
      kernelforge::fuzz::asFile(data, size, "tokenizer.bin"), error);
  if (!tok)
    return 0;
  for (const char *text : {"Hello world", "  12 \xC3\xA9\xF0\x9F\xA4\x97"}) {
    std::vector<int64_t> ids;
    if (!tok->encode(text, ids, error))
      std::abort();
    for (int64_t id : ids)
      if (id < 0 || id >= tok->vocabSize())
        std::abort();
    (void)tok->decode(ids);
  }
  return 0;
}
