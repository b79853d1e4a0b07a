//===- gpt2-tokenizer.cpp - Fuzz GPT-2's vocab.json + merges.txt reader ---===//
//
// The input is a vocab.json, a 0 byte, a merges.txt and optionally a 0 byte
// and a text. The pair loads or is refused with a message; a tokenizer that
// loads encodes the text (when it is valid UTF-8) and a few fixed ones to ids
// inside its vocabulary. Where the vocabulary holds all 256 byte symbols,
// decoding gives back the text's bytes exactly.

#include "FuzzInput.h"

#include "kernelforge/Runtime/GPT2Tokenizer.h"

#include <nlohmann/json.hpp>

#include <cstdlib>

using namespace kernelforge::runtime;

namespace {

/// Whether `vocabText` is a JSON object with each of the 256 byte-level
/// symbols as a key: then every text encodes to tokens that decode back to
/// its bytes exactly (ids are unique in a vocabulary that loads).
bool holdsEveryByte(const std::string &vocabText) {
  nlohmann::json vocab = nlohmann::json::parse(vocabText, nullptr, false);
  if (!vocab.is_object())
    return false;
  for (int byte = 0; byte < 256; ++byte) {
    std::string symbol;
    appendUtf8(symbol, byteLevelCodePoint(static_cast<uint8_t>(byte)));
    if (!vocab.contains(symbol))
      return false;
  }
  return true;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string input(reinterpret_cast<const char *>(data), size);
  size_t first = input.find('\0');
  if (first == std::string::npos)
    return 0;
  size_t second = input.find('\0', first + 1);
  std::string vocab = input.substr(0, first);
  std::string merges = input.substr(
      first + 1, second == std::string::npos ? std::string::npos
                                             : second - first - 1);
  std::string error;
  std::unique_ptr<GPT2Tokenizer> tok = GPT2Tokenizer::load(
      kernelforge::fuzz::asFile(data, vocab.size(), "vocab.json"),
      kernelforge::fuzz::asFile(
          reinterpret_cast<const uint8_t *>(merges.data()), merges.size(),
          "merges.txt"),
      error);
  if (!tok) {
    if (error.empty())
      std::abort(); // a refusal always says why
    return 0;
  }
  std::vector<std::string> texts = {"Hello world", "I'm  here's\n\n 12345",
                                    "caf\xC3\xA9 \xF0\x9F\xA4\x97 \xE4\xB8\xAD"};
  if (second != std::string::npos)
    texts.push_back(input.substr(second + 1));
  bool exact = holdsEveryByte(vocab);
  for (const std::string &text : texts) {
    std::vector<int64_t> ids;
    if (!tok->encode(text, ids, error))
      continue; // not UTF-8: refused with a message (only the fuzzed text)
    for (int64_t id : ids)
      if (id < 0 || id >= tok->vocabSize())
        std::abort();
    std::string back = tok->decode(ids);
    if (exact && back != text)
      std::abort();
  }
  return 0;
}
