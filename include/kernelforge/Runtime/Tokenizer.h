//===- Tokenizer.h - What the runners need of a tokenizer -------*- C++ -*-===//
//
// Text to token ids and back, whatever the file format: GPT-2's byte-level
// BPE (GPT2Tokenizer), llama2.c's tokenizer.bin (Llama2cTokenizer),
// Hugging Face tokenizer.json (HFTokenizer).
//
//===----------------------------------------------------------------------===//

#ifndef KERNELFORGE_RUNTIME_TOKENIZER_H
#define KERNELFORGE_RUNTIME_TOKENIZER_H

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace kernelforge::runtime {

class Tokenizer {
public:
  virtual ~Tokenizer() = default;
  /// Encodes UTF-8 text (no BOS added); false with `error` saying why when
  /// it cannot: `text` is not valid UTF-8, or a pre-tokenizer pattern passes
  /// its step limit on it.
  virtual bool encode(const std::string &text, std::vector<int64_t> &ids,
                      std::string &error) const = 0;
  /// The bytes of `ids` (possibly an incomplete UTF-8 sequence). By
  /// default each token's decodeNext after the one before it.
  virtual std::string decode(const std::vector<int64_t> &ids) const {
    std::string text;
    int64_t previous = -1;
    for (int64_t token : ids) {
      text += decodeNext(previous, token);
      previous = token;
    }
    return text;
  }
  /// The bytes `token` adds after `previous` (-1: none); by default
  /// decode({token}). A format overrides this or decode (or both): those
  /// whose first piece loses its leading space after BOS override this.
  virtual std::string decodeNext(int64_t previous, int64_t token) const {
    (void)previous;
    return decode({token});
  }
  virtual int64_t vocabSize() const = 0;
  /// The id a text starts with when the format has one (llama2.c's BOS);
  /// -1 when it has none (GPT-2).
  virtual int64_t bos() const { return -1; }
};

/// The largest id a vocabulary of `tokens` entries may give a token. Ids
/// are dense: none beyond twice the number of tokens (plus 1024) nor 2^24,
/// so a stray id cannot make the id -> token table huge.
inline int64_t maxTokenId(int64_t tokens) {
  return std::min(int64_t(1) << 24, 2 * tokens + 1024);
}

/// The code points of a text to encode; false with `error` ("not valid
/// UTF-8: ...") when it is not valid UTF-8. Each tokenizer's encode starts
/// with it.
bool decodeTextToEncode(const std::string &text, std::vector<uint32_t> &cps,
                        std::string &error);

/// Bytes of the UTF-8 sequence that starts with `lead` (1 for ASCII and
/// for bytes that cannot lead one).
inline size_t utf8SequenceLength(unsigned char lead) {
  return lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
}

/// GPT-2's byte-level alphabet (also Llama 3's and Qwen2's): the code point
/// that stands for `byte`. Printable Latin-1 bytes stand for themselves, the
/// others for U+0100 onwards, in byte order.
inline uint32_t byteLevelCodePoint(uint8_t byte) {
  auto printable = [](int b) {
    return (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || b >= 0xAE;
  };
  if (printable(byte))
    return byte;
  uint32_t before = 0;
  for (int b = 0; b < byte; ++b)
    before += !printable(b);
  return 256 + before;
}

/// The tokenizer in the first of `dirs` (empty ones skipped) that holds
/// one: llama2.c's tokenizer.bin, GPT-2's vocab.json + merges.txt (or
/// encoder.json + vocab.bpe), or a Hugging Face tokenizer.json (BPE:
/// byte-level or SentencePiece-style). Null with `error` empty when none does; with
/// `error` set when the files found do not load or are of a kind not
/// supported.
std::unique_ptr<Tokenizer>
loadTokenizer(const std::vector<std::string> &dirs, std::string &error);

} // namespace kernelforge::runtime

#endif // KERNELFORGE_RUNTIME_TOKENIZER_H
