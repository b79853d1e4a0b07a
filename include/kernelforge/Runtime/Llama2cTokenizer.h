//===- Llama2cTokenizer.h - llama2.c's tokenizer.bin ------------*- C++ -*-===//
//
// The SentencePiece-style BPE of llama2.c's `tokenizer.bin`: an int32
// max_token_length, then per token a float32 score, an int32 byte length
// and the bytes. Ids 0, 1, 2 are <unk>, BOS and EOS; ids 3..258 the byte
// tokens <0x00>..<0xFF>; pieces carry a leading space where SentencePiece
// writes U+2581.
//
// Encoding follows llama2.c: a space is prepended to non-empty text, each
// UTF-8 character becomes its token (or its bytes' tokens when it has
// none), and the adjacent pair whose merged piece scores highest is merged
// until no merged piece is in the vocabulary.
//
//===----------------------------------------------------------------------===//

#ifndef KERNELFORGE_RUNTIME_LLAMA2CTOKENIZER_H
#define KERNELFORGE_RUNTIME_LLAMA2CTOKENIZER_H

#include "kernelforge/Runtime/Tokenizer.h"

#include <memory>
#include <unordered_map>

namespace kernelforge::runtime {

class Llama2cTokenizer : public Tokenizer {
public:
  static constexpr int64_t kBos = 1, kEos = 2, kFirstByte = 3;

  /// Reads `path`; null with `error` (naming the file and the token) when
  /// it is not a well-formed tokenizer.bin.
  static std::unique_ptr<Llama2cTokenizer> load(const std::string &path,
                                                std::string &error);

  bool encode(const std::string &text, std::vector<int64_t> &ids,
              std::string &error) const override;
  std::string decodeNext(int64_t previous, int64_t token) const override;
  int64_t vocabSize() const override { return int64_t(pieces.size()); }
  int64_t bos() const override { return kBos; }

private:
  Llama2cTokenizer() = default;
  /// The bytes of one token after `previous`.
  std::string piece(int64_t previous, int64_t token) const;

  std::vector<std::string> pieces;
  std::vector<float> scores;
  std::unordered_map<std::string, int64_t> ids;
};

} // namespace kernelforge::runtime

#endif // KERNELFORGE_RUNTIME_LLAMA2CTOKENIZER_H
