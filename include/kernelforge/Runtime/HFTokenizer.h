//===- HFTokenizer.h - Hugging Face tokenizer.json (SentencePiece BPE) -*- C++ -*-===//
//
// The SentencePiece-style BPE of a Hugging Face `tokenizer.json` (Llama 2,
// Mistral): the normalizer prepends U+2581 and turns spaces into it, there
// is no pre-tokenizer, the model is BPE with ranked merges and byte
// fallback (<0xNN> tokens for characters outside the vocabulary), and the
// decoder undoes the U+2581s, the byte tokens and the leading space.
// Other layouts (a ByteLevel pre-tokenizer, WordPiece, Unigram) are refused
// with a message naming what is not supported.
//
//===----------------------------------------------------------------------===//

#ifndef KERNELFORGE_RUNTIME_HFTOKENIZER_H
#define KERNELFORGE_RUNTIME_HFTOKENIZER_H

#include "kernelforge/Runtime/Tokenizer.h"

#include <map>
#include <unordered_map>

namespace kernelforge::runtime {

class HFTokenizer : public Tokenizer {
public:
  static std::unique_ptr<HFTokenizer> load(const std::string &path,
                                           std::string &error);

  bool encode(const std::string &text, std::vector<int64_t> &ids,
              std::string &error) const override;
  std::string decodeNext(int64_t previous, int64_t token) const override;
  int64_t vocabSize() const override { return int64_t(pieces.size()); }
  int64_t bos() const override { return bosId; }

private:
  HFTokenizer() = default;
  /// The text of one token: U+2581 as a space, a byte token as its byte,
  /// special tokens as nothing.
  std::string piece(int64_t token) const;

  std::vector<std::string> pieces;
  std::unordered_map<std::string, int64_t> ids;
  std::map<std::pair<std::string, std::string>, int64_t> mergeRanks;
  std::vector<bool> special;
  int64_t unkId = -1, bosId = -1;
};

} // namespace kernelforge::runtime

#endif // KERNELFORGE_RUNTIME_HFTOKENIZER_H
