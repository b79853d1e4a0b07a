//===- Llama2cTokenizer.cpp - llama2.c's tokenizer.bin --------------------===//

#include "kernelforge/Runtime/Llama2cTokenizer.h"
#include "kernelforge/Runtime/GPT2Tokenizer.h"

#include <cstring>
#include <fstream>
#include <iterator>

using namespace kernelforge::runtime;

std::unique_ptr<Llama2cTokenizer>
Llama2cTokenizer::load(const std::string &path, std::string &error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "cannot read '" + path + "'";
    return nullptr;
  }
  std::string bytes((std::istreambuf_iterator<char>(in)),
                    std::istreambuf_iterator<char>());
  size_t at = 0;
  auto read = [&](void *out, size_t n) {
    if (bytes.size() - at < n)
      return false;
    std::memcpy(out, bytes.data() + at, n);
    at += n;
    return true;
  };
  int32_t maxLength = 0;
  if (!read(&maxLength, 4) || maxLength <= 0 || maxLength > 1 << 16) {
    error = path + ": not a llama2.c tokenizer.bin (bad max_token_length)";
    return nullptr;
  }
  std::unique_ptr<Llama2cTokenizer> t(new Llama2cTokenizer());
  while (at < bytes.size()) {
    float score;
    int32_t length;
    size_t id = t->pieces.size();
    if (!read(&score, 4) || !read(&length, 4) || length < 0 ||
        length > maxLength || bytes.size() - at < size_t(length)) {
      error = path + ": token " + std::to_string(id) +
              " is truncated or longer than max_token_length " +
              std::to_string(maxLength);
      return nullptr;
    }
    std::string piece = bytes.substr(at, length);
    at += length;
    t->ids.emplace(piece, int64_t(id)); // the first id of a duplicate wins
    t->pieces.push_back(std::move(piece));
    t->scores.push_back(score);
  }
  if (t->pieces.size() < size_t(kFirstByte + 256)) {
    error = path + ": " + std::to_string(t->pieces.size()) +
            " tokens, fewer than <unk>, BOS, EOS and the 256 byte tokens";
    return nullptr;
  }
  return t;
}

bool Llama2cTokenizer::encode(const std::string &text,
                              std::vector<int64_t> &out,
                              std::string &error) const {
  std::vector<uint32_t> codePoints;
  if (!decodeTextToEncode(text, codePoints, error))
    return false;
  std::vector<int64_t> tokens;
  // The dummy prefix SentencePiece adds.
  std::string input = text.empty() ? text : " " + text;
  for (size_t i = 0; i < input.size();) {
    size_t n = utf8SequenceLength(input[i]);
    std::string character = input.substr(i, n);
    auto found = ids.find(character);
    if (found != ids.end()) {
      tokens.push_back(found->second);
    } else {
      for (unsigned char byte : character)
        tokens.push_back(kFirstByte + byte);
    }
    i += n;
  }
  // Merge the best-scoring adjacent pair until none merges.
  while (true) {
    float best = -1e10f;
    size_t bestAt = 0;
    int64_t bestId = -1;
    for (size_t i = 0; i + 1 < tokens.size(); ++i) {
      auto found = ids.find(pieces[tokens[i]] + pieces[tokens[i + 1]]);
      if (found != ids.end() && scores[found->second] > best) {
        best = scores[found->second];
        bestAt = i;
        bestId = found->second;
      }
    }
    if (bestId < 0)
      break;
    tokens[bestAt] = bestId;
    tokens.erase(tokens.begin() + bestAt + 1);
  }
  out.insert(out.end(), tokens.begin(), tokens.end());
  return true;
}

std::string Llama2cTokenizer::piece(int64_t previous, int64_t token) const {
  if (token < 0 || token >= vocabSize() || token == kBos || token == kEos)
    return "";
  if (token >= kFirstByte && token < kFirstByte + 256)
    return std::string(1, char(token - kFirstByte));
  const std::string &p = pieces[token];
  // SentencePiece's dummy prefix is not part of the text.
  if (previous == kBos && !p.empty() && p[0] == ' ')
    return p.substr(1);
  return p;
}

std::string Llama2cTokenizer::decodeNext(int64_t previous,
                                         int64_t token) const {
  return piece(previous, token);
}
