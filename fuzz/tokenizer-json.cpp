//===- tokenizer-json.cpp - Fuzz the tokenizer.json reader and encoder ----===//
//
// Any bytes as a tokenizer.json: loaded or refused with a message; a
// tokenizer that loads encodes a few texts (added tokens, spaces, digits,
// accents, emoji) to ids inside its vocabulary and decodes them back.

#include "FuzzInput.h"

#include "kernelforge/Runtime/HFTokenizer.h"

#include <cstdlib>

using namespace kernelforge::runtime;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string error;
  std::unique_ptr<HFTokenizer> tok = HFTokenizer::load(
      kernelforge::fuzz::asFile(data, size, "tokenizer.json"), error);
  if (!tok)
    return 0;
  for (const char *text : {"Hello world", "  a  b\n\n12345 <s></s>", "caf\xC3\xA9 e\xCC\x81",
                           "\xF0\x9F\xA4\x97 \xE4\xB8\xAD\xE6\x96\x87", "I'M can't"}) {
    std::vector<int64_t> ids;
    if (!tok->encode(text, ids, error))
      std::abort(); // valid UTF-8 always encodes
    for (int64_t id : ids)
      if (id < 0 || id >= tok->vocabSize())
        std::abort();
    (void)tok->decode(ids);
  }
  return 0;
}
