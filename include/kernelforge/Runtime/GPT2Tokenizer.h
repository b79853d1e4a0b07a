//===- GPT2Tokenizer.h - GPT-2's byte-level BPE -----------------*- C++ -*-===//
//
// The tokenizer of GPT-2 (and of gpt-3-encoder): text is split by GPT-2's
// pre-tokenizer pattern
//   's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
// each piece's UTF-8 bytes are mapped to printable characters, merged by
// the ranked BPE merges, and looked up in the vocabulary.
//
//===----------------------------------------------------------------------===//

#ifndef KERNELFORGE_RUNTIME_GPT2TOKENIZER_H
#define KERNELFORGE_RUNTIME_GPT2TOKENIZER_H

#include "kernelforge/Runtime/Tokenizer.h"
#include "kernelforge/Runtime/Unicode.h"

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace kernelforge::runtime {

class GPT2Tokenizer : public Tokenizer {
public:
  /// Reads vocab.json (or encoder.json) and merges.txt (or vocab.bpe).
  static std::unique_ptr<GPT2Tokenizer> load(const std::string &vocabPath,
                                             const std::string &mergesPath,
                                             std::string &error);
  /// Whether `dir` holds a tokenizer's files: vocab.json + merges.txt, or
  /// encoder.json + vocab.bpe.
  static bool existsIn(const std::string &dir);
  /// The tokenizer of the first of `dirs` (empty ones skipped) that holds
  /// its files. Null with `error` empty when none does, with `error` set when
  /// the files found do not load.
  static std::unique_ptr<GPT2Tokenizer>
  loadFirst(const std::vector<std::string> &dirs, std::string &error);

  /// Encodes UTF-8 text; false with `error` when `text` is not valid UTF-8.
  bool encode(const std::string &text, std::vector<int64_t> &ids,
              std::string &error) const override;
  /// The bytes of `ids` (possibly an incomplete UTF-8 sequence); ids outside
  /// the vocabulary decode to nothing.
  std::string decode(const std::vector<int64_t> &ids) const override;
  int64_t vocabSize() const override {
    return static_cast<int64_t>(idToToken.size());
  }

  /// The pre-tokenizer alone: the pieces of `codePoints` as [begin, end)
  /// index pairs.
  static std::vector<std::pair<size_t, size_t>>
  split(const std::vector<uint32_t> &codePoints);

private:
  GPT2Tokenizer() = default;
  void bpe(const std::string &piece, std::vector<int64_t> &ids) const;

  std::unordered_map<std::string, int64_t> tokenToId;
  std::vector<std::string> idToToken;
  std::map<std::pair<std::string, std::string>, int64_t> mergeRanks;
  std::string byteToSymbol[256];
  std::unordered_map<uint32_t, uint8_t> symbolToByte;
  mutable std::unordered_map<std::string, std::vector<int64_t>> cache;
};

} // namespace kernelforge::runtime

#endif // KERNELFORGE_RUNTIME_GPT2TOKENIZER_H
