//===- GPT2Tokenizer.cpp - GPT-2's byte-level BPE -------------------------===//

#include "kernelforge/Runtime/GPT2Tokenizer.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <limits>
#include <sstream>

using namespace kernelforge::runtime;

namespace {

bool readFile(const std::string &path, std::string &text, std::string &error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "cannot open '" + path + "'";
    return false;
  }
  std::ostringstream s;
  s << in.rdbuf();
  text = s.str();
  return true;
}

} // namespace

std::vector<std::pair<size_t, size_t>>
GPT2Tokenizer::split(const std::vector<uint32_t> &cps) {
  std::vector<std::pair<size_t, size_t>> pieces;
  size_t n = cps.size(), i = 0;
  auto other = [&](uint32_t cp) {
    return !isWhiteSpace(cp) && !isLetter(cp) && !isNumber(cp);
  };
  // ` ?X+` for a class X: the optional space, then one or more of X.
  auto run = [&](size_t at, auto &&cls) -> size_t {
    size_t j = at;
    if (j < n && cps[j] == ' ' && j + 1 < n && cls(cps[j + 1]))
      ++j;
    if (j >= n || !cls(cps[j]))
      return 0;
    while (j < n && cls(cps[j]))
      ++j;
    return j - at;
  };
  while (i < n) {
    size_t len = 0;
    // 's 't 're 've 'm 'll 'd
    if (cps[i] == '\'' && i + 1 < n) {
      uint32_t a = cps[i + 1], b = i + 2 < n ? cps[i + 2] : 0;
      if (a == 's' || a == 't' || a == 'm' || a == 'd')
        len = 2;
      else if ((a == 'r' && b == 'e') || (a == 'v' && b == 'e') ||
               (a == 'l' && b == 'l'))
        len = 3;
    }
    if (!len)
      len = run(i, isLetter);
    if (!len)
      len = run(i, isNumber);
    if (!len)
      len = run(i, other);
    if (!len && isWhiteSpace(cps[i])) {
      size_t j = i;
      while (j < n && isWhiteSpace(cps[j]))
        ++j;
      // \s+(?!\S): a run followed by a non-space gives back its last
      // character (when it has more than one); otherwise \s+ takes it all.
      if (j < n && j - i > 1)
        len = j - i - 1;
      else
        len = j - i;
    }
    if (!len)
      len = 1; // unreachable: every character is in one of the classes
    pieces.push_back({i, i + len});
    i += len;
  }
  return pieces;
}

namespace {
/// `dir`/`name` for the first of `names` that exists, else "".
std::string fileIn(const std::string &dir,
                   std::initializer_list<const char *> names) {
  for (const char *name : names) {
    std::string path = dir + "/" + name;
    if (std::ifstream(path).good())
      return path;
  }
  return "";
}
} // namespace

bool GPT2Tokenizer::existsIn(const std::string &dir) {
  return !fileIn(dir, {"vocab.json", "encoder.json"}).empty() &&
         !fileIn(dir, {"merges.txt", "vocab.bpe"}).empty();
}

std::unique_ptr<GPT2Tokenizer>
GPT2Tokenizer::loadFirst(const std::vector<std::string> &dirs,
                         std::string &error) {
  error.clear();
  for (const std::string &dir : dirs)
    if (!dir.empty() && existsIn(dir))
      return load(fileIn(dir, {"vocab.json", "encoder.json"}),
                  fileIn(dir, {"merges.txt", "vocab.bpe"}), error);
  return nullptr;
}

std::unique_ptr<GPT2Tokenizer>
GPT2Tokenizer::load(const std::string &vocabPath, const std::string &mergesPath,
                    std::string &error) {
  std::unique_ptr<GPT2Tokenizer> tok(new GPT2Tokenizer());
  for (int byte = 0; byte < 256; ++byte) {
    uint32_t cp = byteLevelCodePoint(uint8_t(byte));
    appendUtf8(tok->byteToSymbol[byte], cp);
    tok->symbolToByte[cp] = static_cast<uint8_t>(byte);
  }

  std::string text;
  if (!readFile(vocabPath, text, error))
    return nullptr;
  nlohmann::json vocab = nlohmann::json::parse(text, nullptr, false);
  if (!vocab.is_object()) {
    error = "'" + vocabPath + "' is not a JSON object of token -> id";
    return nullptr;
  }
  // Ids are unique (decoding needs one token per id) and no larger than
  // maxTokenId allows.
  const int64_t maxId = maxTokenId(static_cast<int64_t>(vocab.size()));
  std::vector<bool> taken;
  for (auto &[token, id] : vocab.items()) {
    if (!id.is_number_integer() || id.get<int64_t>() < 0) {
      error = "'" + vocabPath + "': token '" + token + "' has no valid id";
      return nullptr;
    }
    int64_t value = id.get<int64_t>();
    if (value > maxId) {
      error = "'" + vocabPath + "': token '" + token + "' has id " +
              std::to_string(value) + ", beyond the largest a vocabulary of " +
              std::to_string(vocab.size()) + " tokens may use (" +
              std::to_string(maxId) + ")";
      return nullptr;
    }
    if (value >= static_cast<int64_t>(tok->idToToken.size())) {
      tok->idToToken.resize(value + 1);
      taken.resize(value + 1);
    }
    if (taken[value]) {
      error = "'" + vocabPath + "': tokens '" + tok->idToToken[value] +
              "' and '" + token + "' share id " + std::to_string(value);
      return nullptr;
    }
    taken[value] = true;
    tok->tokenToId[token] = value;
    tok->idToToken[value] = token;
  }

  if (!readFile(mergesPath, text, error))
    return nullptr;
  std::istringstream lines(text);
  std::string line;
  int64_t rank = 0, lineNo = 0;
  while (std::getline(lines, line)) {
    ++lineNo;
    if (!line.empty() && line.back() == '\r')
      line.pop_back();
    if (line.empty() || line.rfind("#version", 0) == 0)
      continue;
    size_t space = line.find(' ');
    if (space == std::string::npos || space == 0 || space + 1 == line.size()) {
      error = "'" + mergesPath + "' line " + std::to_string(lineNo) +
              ": expected two symbols separated by a space";
      return nullptr;
    }
    tok->mergeRanks[{line.substr(0, space), line.substr(space + 1)}] = rank++;
  }
  return tok;
}

void GPT2Tokenizer::bpe(const std::string &piece,
                        std::vector<int64_t> &ids) const {
  auto cached = cache.find(piece);
  if (cached != cache.end()) {
    ids.insert(ids.end(), cached->second.begin(), cached->second.end());
    return;
  }
  std::vector<std::string> symbols;
  for (unsigned char byte : piece)
    symbols.push_back(byteToSymbol[byte]);
  while (symbols.size() > 1) {
    int64_t best = std::numeric_limits<int64_t>::max();
    size_t at = 0;
    for (size_t i = 0; i + 1 < symbols.size(); ++i) {
      auto it = mergeRanks.find({symbols[i], symbols[i + 1]});
      if (it != mergeRanks.end() && it->second < best) {
        best = it->second;
        at = i;
      }
    }
    if (best == std::numeric_limits<int64_t>::max())
      break;
    // Merge every occurrence of the best pair, left to right.
    std::string first = symbols[at], second = symbols[at + 1];
    std::vector<std::string> merged;
    for (size_t i = 0; i < symbols.size();) {
      if (i + 1 < symbols.size() && symbols[i] == first &&
          symbols[i + 1] == second) {
        merged.push_back(first + second);
        i += 2;
      } else {
        merged.push_back(symbols[i++]);
      }
    }
    symbols = std::move(merged);
  }
  std::vector<int64_t> out;
  for (const std::string &symbol : symbols) {
    auto it = tokenToId.find(symbol);
    if (it != tokenToId.end()) {
      out.push_back(it->second);
      continue;
    }
    // Not in the vocabulary (a truncated vocabulary): fall back to bytes.
    size_t i = 0;
    while (i < symbol.size()) {
      size_t len = utf8SequenceLength(symbol[i]);
      auto byteIt = tokenToId.find(symbol.substr(i, len));
      if (byteIt != tokenToId.end())
        out.push_back(byteIt->second);
      i += len;
    }
  }
  cache.emplace(piece, out);
  ids.insert(ids.end(), out.begin(), out.end());
}

bool GPT2Tokenizer::encode(const std::string &text, std::vector<int64_t> &ids,
                           std::string &error) const {
  std::vector<uint32_t> cps;
  if (!decodeTextToEncode(text, cps, error))
    return false;
  ids.clear();
  for (auto [begin, end] : split(cps)) {
    std::string piece;
    for (size_t i = begin; i < end; ++i)
      appendUtf8(piece, cps[i]);
    bpe(piece, ids);
  }
  return true;
}

std::string GPT2Tokenizer::decode(const std::vector<int64_t> &ids) const {
  std::string bytes;
  for (int64_t id : ids) {
    if (id < 0 || id >= vocabSize())
      continue;
    const std::string &token = idToToken[id];
    std::vector<uint32_t> cps;
    std::string ignored;
    if (!decodeUtf8(token, cps, ignored))
      continue;
    for (uint32_t cp : cps) {
      auto it = symbolToByte.find(cp);
      if (it != symbolToByte.end())
        bytes += static_cast<char>(it->second);
    }
  }
  return bytes;
}
