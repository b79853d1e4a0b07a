//===- HFTokenizer.h - Hugging Face tokenizer.json (BPE) --------*- C++ -*-===//
//
// The BPE tokenizers of Hugging Face `tokenizer.json` files, run the way
// transformers.js (the reference the tests compare with) runs them:
//
//  1. added tokens are cut out of the text first (longest match; their
//     lstrip/rstrip trim the neighbouring whitespace) and become their ids;
//  2. each remaining chunk goes through the normalizer: NFC, Prepend,
//     Replace of a string, or a Sequence of them (SentencePiece's
//     Prepend(U+2581) + Replace(" " -> U+2581) is the Llama 2 / Mistral one);
//  3. the pre-tokenizer: Split by a regular expression (Isolated; the
//     patterns of Llama 3 and Qwen2, see Regex.h), ByteLevel (GPT-2's
//     byte-to-character alphabet, with or without GPT-2's own pattern and
//     add_prefix_space), or a Sequence of them; none for SentencePiece BPE;
//  4. the BPE model: ranked merges, lowest rank first and leftmost on ties;
//     ignore_merges (a piece already in the vocabulary is taken whole);
//     byte_fallback to <0xNN> tokens, else the unk token.
//
// Decoding follows the decoder: ByteLevel maps the alphabet back to bytes;
// the SentencePiece sequence turns U+2581 into spaces, byte tokens into
// their bytes and strips the first leading space. Special tokens decode to
// nothing. The BOS is the leading special token of the TemplateProcessing
// post-processor, or tokenizer_config.json's bos_token when its
// add_bos_token is true (none when it is false).
//
// Anything else (WordPiece or Unigram models, other normalizers or
// pre-tokenizers, regex features Regex.h lacks) is refused at load with a
// message naming the file and the component.
//
//===----------------------------------------------------------------------===//

#ifndef KERNELFORGE_RUNTIME_HFTOKENIZER_H
#define KERNELFORGE_RUNTIME_HFTOKENIZER_H

#include "kernelforge/Runtime/Regex.h"
#include "kernelforge/Runtime/Tokenizer.h"

#include <unordered_map>

namespace kernelforge::runtime {

class HFTokenizer : public Tokenizer {
public:
  /// Loads `path` (a tokenizer.json) and, when it exists, the
  /// tokenizer_config.json next to it.
  static std::unique_ptr<HFTokenizer> load(const std::string &path,
                                           std::string &error);
  ~HFTokenizer() override;

  bool encode(const std::string &text, std::vector<int64_t> &ids,
              std::string &error) const override;
  std::string decodeNext(int64_t previous, int64_t token) const override;
  int64_t vocabSize() const override { return int64_t(pieces.size()); }
  int64_t bos() const override { return bosId; }

  struct NormalizerStep;
  struct PreTokenizerStep;

private:
  HFTokenizer();
  static std::unique_ptr<HFTokenizer> loadChecked(const std::string &path,
                                                  std::string &error);
  /// The text of one token (see decodeNext).
  std::string piece(int64_t token) const;
  /// The normalizer applied to one chunk of text (code points).
  std::vector<uint32_t> normalize(std::vector<uint32_t> text) const;
  /// The pre-tokenizer: the pieces the model encodes one by one; false with
  /// `error` when a pattern passes its step limit on `text`.
  bool preTokenize(const std::vector<uint32_t> &text,
                   std::vector<std::string> &words, std::string &error) const;
  /// The BPE model on one piece.
  void bpe(const std::string &word, std::vector<int64_t> &out) const;

  std::vector<std::string> pieces;
  std::unordered_map<std::string, int64_t> ids;
  /// Merge ranks keyed by left + '\0' + right.
  std::unordered_map<std::string, int64_t> mergeRanks;
  struct AddedToken {
    std::string content;
    int64_t id;
    bool lstrip, rstrip;
  };
  std::vector<AddedToken> added;
  std::vector<bool> special, isAdded;
  std::vector<NormalizerStep> normalizer;
  std::vector<PreTokenizerStep> preTokenizer;
  bool byteLevelDecoder = false, stripFirstSpace = false;
  bool byteFallback = false, ignoreMerges = false;
  int64_t unkId = -1, bosId = -1;
  std::string byteToSymbol[256];
  std::unordered_map<uint32_t, uint8_t> symbolToByte;
  mutable std::unordered_map<std::string, std::vector<int64_t>> cache;
};

} // namespace kernelforge::runtime

#endif // KERNELFORGE_RUNTIME_HFTOKENIZER_H
