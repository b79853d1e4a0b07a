//===- HFTokenizer.cpp - Hugging Face tokenizer.json (BPE) ----------------===//

#include "kernelforge/Runtime/HFTokenizer.h"

#include "kernelforge/Runtime/Unicode.h"

#include <nlohmann/json.hpp>

#include <cstring>
#include <fstream>
#include <limits>

using namespace kernelforge::runtime;
using nlohmann::json;

/// U+2581 LOWER ONE EIGHTH BLOCK, SentencePiece's word boundary.
static const std::string kBoundary = "\xE2\x96\x81";

/// The pattern the ByteLevel pre-tokenizer splits by when use_regex is set.
static const char *kGPT2Pattern =
    "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|"
    "\\s+(?!\\S)|\\s+";

struct HFTokenizer::NormalizerStep {
  enum Kind { NFC, Prepend, Replace } kind;
  /// Prepend's text, or Replace's pattern and replacement, as code points.
  std::vector<uint32_t> text, by;
};

struct HFTokenizer::PreTokenizerStep {
  enum Kind { Split, ByteLevel } kind;
  std::shared_ptr<Regex> regex; // Split; ByteLevel with use_regex
  bool invert = false, addPrefixSpace = false;
};

HFTokenizer::HFTokenizer() = default;
HFTokenizer::~HFTokenizer() = default;

namespace {

// Accessors that never throw: a missing key or a value of another type
// reads as the default.
std::string stringOf(const json &object, const char *key) {
  if (object.is_object() && object.contains(key) && object[key].is_string())
    return object[key].get<std::string>();
  return "";
}
bool flagOf(const json &object, const char *key) {
  return object.is_object() && object.contains(key) &&
         object[key].is_boolean() && object[key].get<bool>();
}
int64_t intOf(const json &object, const char *key, int64_t otherwise) {
  if (object.is_object() && object.contains(key) &&
      object[key].is_number_integer())
    return object[key].get<int64_t>();
  return otherwise;
}
json fieldOf(const json &object, const char *key) {
  return object.is_object() && object.contains(key) ? object[key] : json();
}

/// The steps of a component: a Sequence's list (under `listKey`) or the
/// component alone.
std::vector<json> stepsOf(const json &component, const char *listKey) {
  json list = fieldOf(component, listKey);
  if (stringOf(component, "type") == "Sequence" && list.is_array())
    return list.get<std::vector<json>>();
  return {component};
}

/// Escapes `text` for Regex (a Split by a plain string).
std::string literalPattern(const std::string &text) {
  std::string out;
  for (char c : text) {
    if (std::strchr("\\^$.|?*+()[]{}/-", c))
      out += '\\';
    out += c;
  }
  return out;
}

/// The code points of `text` (invalid UTF-8: none; JSON strings are valid).
std::vector<uint32_t> codePoints(const std::string &text) {
  std::vector<uint32_t> out;
  std::string ignored;
  decodeUtf8(text, out, ignored);
  return out;
}

/// JavaScript's String.prototype.trim's whitespace.
bool isTrimmed(uint32_t cp) {
  return isWhiteSpace(cp) || cp == 0xFEFF;
}

} // namespace

std::unique_ptr<HFTokenizer> HFTokenizer::load(const std::string &path,
                                               std::string &error) {
  // The reader checks types before it reads; a JSON exception left is a
  // bug, reported as a malformed file rather than a crash.
  try {
    return loadChecked(path, error);
  } catch (const std::exception &e) {
    error = path + ": malformed tokenizer.json (" + e.what() + ")";
    return nullptr;
  }
}

std::unique_ptr<HFTokenizer>
HFTokenizer::loadChecked(const std::string &path, std::string &error) {
  std::ifstream in(path);
  if (!in) {
    error = "cannot read '" + path + "'";
    return nullptr;
  }
  json t = json::parse(in, nullptr, false);
  if (!t.is_object() || !t.contains("model") || !t["model"].is_object()) {
    error = path + ": not a Hugging Face tokenizer.json (no model)";
    return nullptr;
  }
  auto refuse = [&](const std::string &message) {
    error = path + ": " + message;
    return nullptr;
  };
  const json &model = t["model"];
  std::string type = stringOf(model, "type");
  if (type != "BPE")
    return refuse("tokenizer model '" + type +
                  "' is not supported (BPE only: byte-level or "
                  "SentencePiece-style)");
  if (!model.contains("vocab") || !model["vocab"].is_object() ||
      !model.contains("merges") || !model["merges"].is_array())
    return refuse("the BPE model has no vocab or merges");
  for (const char *affix : {"continuing_subword_prefix", "end_of_word_suffix"})
    if (!stringOf(model, affix).empty())
      return refuse(std::string("the BPE model's ") + affix +
                    " is not supported");

  std::unique_ptr<HFTokenizer> tok(new HFTokenizer());
  tok->byteFallback = flagOf(model, "byte_fallback");
  tok->ignoreMerges = flagOf(model, "ignore_merges");

  // The normalizer.
  json normalizer = fieldOf(t, "normalizer");
  if (!normalizer.is_null()) {
    for (const json &step : stepsOf(normalizer, "normalizers")) {
      std::string kind = step.is_object() ? stringOf(step, "type") : "?";
      if (kind == "NFC") {
        tok->normalizer.push_back({NormalizerStep::NFC, {}, {}});
      } else if (kind == "Prepend" && fieldOf(step, "prepend").is_string()) {
        tok->normalizer.push_back(
            {NormalizerStep::Prepend, codePoints(stringOf(step, "prepend")), {}});
      } else if (kind == "Replace" &&
                 fieldOf(fieldOf(step, "pattern"), "String").is_string()) {
        std::string from = stringOf(fieldOf(step, "pattern"), "String");
        if (from.empty())
          return refuse("a Replace normalizer of an empty string");
        tok->normalizer.push_back({NormalizerStep::Replace, codePoints(from),
                                   codePoints(stringOf(step, "content"))});
      } else {
        return refuse("normalizer '" + kind +
                      "' is not supported (NFC, Prepend, Replace of a "
                      "string, and Sequences of them are)");
      }
    }
  }

  // The pre-tokenizer.
  json preTokenizer = fieldOf(t, "pre_tokenizer");
  bool byteLevel = false;
  if (!preTokenizer.is_null()) {
    for (const json &step : stepsOf(preTokenizer, "pretokenizers")) {
      std::string kind = step.is_object() ? stringOf(step, "type") : "?";
      PreTokenizerStep pre;
      std::string pattern;
      if (kind == "Split") {
        pre.kind = PreTokenizerStep::Split;
        std::string behavior = stringOf(step, "behavior");
        if (behavior != "Isolated")
          return refuse("Split behavior '" + behavior +
                        "' is not supported (Isolated is)");
        pre.invert = flagOf(step, "invert");
        json p = fieldOf(step, "pattern");
        if (fieldOf(p, "Regex").is_string())
          pattern = p["Regex"].get<std::string>();
        else if (fieldOf(p, "String").is_string())
          pattern = literalPattern(p["String"].get<std::string>());
        else
          return refuse("a Split pre-tokenizer without a pattern");
      } else if (kind == "ByteLevel") {
        pre.kind = PreTokenizerStep::ByteLevel;
        pre.addPrefixSpace = flagOf(step, "add_prefix_space");
        if (!fieldOf(step, "use_regex").is_boolean() || flagOf(step, "use_regex"))
          pattern = kGPT2Pattern;
        byteLevel = true;
      } else {
        return refuse("pre_tokenizer '" + kind +
                      "' is not supported (Split, ByteLevel and Sequences "
                      "of them are; SentencePiece-style BPE has none)");
      }
      if (!pattern.empty()) {
        std::string why;
        std::unique_ptr<Regex> re = Regex::compile(pattern, why);
        if (!re)
          return refuse("the pre-tokenizer pattern: " + why);
        pre.regex = std::move(re);
      }
      tok->preTokenizer.push_back(std::move(pre));
    }
  }
  if (!byteLevel && tok->normalizer.empty())
    return refuse("neither a byte-level pre-tokenizer nor a normalizer: "
                  "not a byte-level or SentencePiece-style BPE");

  // The decoder.
  json decoder = fieldOf(t, "decoder");
  for (const json &step : stepsOf(decoder, "decoders")) {
    std::string kind = stringOf(step, "type");
    if (kind == "ByteLevel")
      tok->byteLevelDecoder = true;
    else if (kind == "Strip" && intOf(step, "start", 0) >= 1)
      tok->stripFirstSpace = true;
  }
  if (byteLevel != tok->byteLevelDecoder)
    return refuse("the decoder does not match the pre-tokenizer (byte-level "
                  "in one and not the other)");
  for (int byte = 0; byte < 256; ++byte) {
    uint32_t cp = byteLevelCodePoint(uint8_t(byte));
    appendUtf8(tok->byteToSymbol[byte], cp);
    tok->symbolToByte[cp] = uint8_t(byte);
  }

  // Vocabulary, merges and added tokens, with ids no larger than
  // maxTokenId allows.
  json addedTokens = fieldOf(t, "added_tokens");
  const int64_t kMaxId = maxTokenId(int64_t(
      model["vocab"].size() +
      (addedTokens.is_array() ? addedTokens.size() : 0)));
  auto place = [&](const std::string &piece, int64_t index) {
    if (int64_t(tok->pieces.size()) <= index)
      tok->pieces.resize(index + 1);
    tok->pieces[index] = piece;
    tok->ids[piece] = index;
  };
  for (auto &[piece, id] : model["vocab"].items()) {
    if (!id.is_number_integer() || id.get<int64_t>() < 0 ||
        id.get<int64_t>() > kMaxId)
      return refuse("vocab entry '" + piece + "' has a bad id");
    place(piece, id.get<int64_t>());
  }
  int64_t rank = 0;
  for (const json &merge : model["merges"]) {
    std::string left, right;
    if (merge.is_string()) {
      std::string m = merge.get<std::string>();
      size_t space = m.find(' ');
      if (space == std::string::npos)
        return refuse("merge '" + m + "' is not two pieces");
      left = m.substr(0, space);
      right = m.substr(space + 1);
    } else if (merge.is_array() && merge.size() == 2 && merge[0].is_string() &&
               merge[1].is_string()) {
      left = merge[0].get<std::string>();
      right = merge[1].get<std::string>();
    } else {
      return refuse("merge " + std::to_string(rank) + " is malformed");
    }
    tok->mergeRanks.emplace(left + '\0' + right, rank++);
  }
  for (const json &a : addedTokens.is_array() ? addedTokens : json::array()) {
    int64_t id = intOf(a, "id", -1);
    std::string content = stringOf(a, "content");
    if (id < 0 || id > kMaxId || content.empty())
      return refuse("added token " + a.dump() + " has no id or content");
    place(content, id);
    tok->added.push_back(
        {content, id, flagOf(a, "lstrip"), flagOf(a, "rstrip")});
  }
  tok->special.assign(tok->pieces.size(), false);
  tok->isAdded.assign(tok->pieces.size(), false);
  for (const json &a : addedTokens.is_array() ? addedTokens : json::array()) {
    int64_t id = intOf(a, "id", -1);
    tok->isAdded[id] = true;
    tok->special[id] = flagOf(a, "special");
  }
  if (auto found = tok->ids.find(stringOf(model, "unk_token"));
      found != tok->ids.end())
    tok->unkId = found->second;

  // BOS: tokenizer_config.json's add_bos_token and bos_token, else the
  // post-processor's leading special token.
  json config;
  std::string configPath = path.substr(0, path.find_last_of('/') + 1) +
                           "tokenizer_config.json";
  if (path.find('/') == std::string::npos)
    configPath = "tokenizer_config.json";
  if (std::ifstream configIn(configPath); configIn)
    config = json::parse(configIn, nullptr, false);
  auto idOf = [&](const json &token) -> int64_t {
    std::string content = token.is_string() ? token.get<std::string>()
                                            : stringOf(token, "content");
    auto found = tok->ids.find(content);
    return found != tok->ids.end() ? found->second : -1;
  };
  json single = fieldOf(fieldOf(t, "post_processor"), "single");
  if (single.is_array() && !single.empty())
    tok->bosId = idOf(fieldOf(fieldOf(single[0], "SpecialToken"), "id"));
  if (fieldOf(config, "add_bos_token").is_boolean())
    tok->bosId = flagOf(config, "add_bos_token")
                     ? idOf(fieldOf(config, "bos_token"))
                     : -1;
  return tok;
}

std::vector<uint32_t>
HFTokenizer::normalize(std::vector<uint32_t> text) const {
  for (const NormalizerStep &step : normalizer) {
    switch (step.kind) {
    case NormalizerStep::NFC:
      text = toNFC(text);
      break;
    case NormalizerStep::Prepend:
      if (!text.empty())
        text.insert(text.begin(), step.text.begin(), step.text.end());
      break;
    case NormalizerStep::Replace: {
      const std::vector<uint32_t> &from = step.text, &to = step.by;
      std::vector<uint32_t> out;
      for (size_t i = 0; i < text.size();) {
        if (i + from.size() <= text.size() &&
            std::equal(from.begin(), from.end(), text.begin() + i)) {
          out.insert(out.end(), to.begin(), to.end());
          i += from.size();
        } else {
          out.push_back(text[i++]);
        }
      }
      text = std::move(out);
      break;
    }
    }
  }
  return text;
}

bool HFTokenizer::preTokenize(const std::vector<uint32_t> &text,
                              std::vector<std::string> &words,
                              std::string &error) const {
  std::vector<std::vector<uint32_t>> parts{text};
  bool mapped = false;
  for (const PreTokenizerStep &step : preTokenizer) {
    std::vector<std::vector<uint32_t>> next;
    for (std::vector<uint32_t> &part : parts) {
      if (step.kind == PreTokenizerStep::ByteLevel && step.addPrefixSpace &&
          (part.empty() || part[0] != ' '))
        part.insert(part.begin(), ' ');
      if (!step.regex) {
        next.push_back(std::move(part));
        continue;
      }
      // Split (Isolated) keeps the text between matches too; the inverted
      // Split and ByteLevel's pattern keep the matches only.
      bool matchesOnly =
          step.kind == PreTokenizerStep::ByteLevel || step.invert;
      std::vector<std::pair<size_t, size_t>> matches;
      if (!step.regex->findAll(part, matches, error)) {
        error = "the pre-tokenizer's pattern: " + error;
        return false;
      }
      size_t last = 0;
      for (auto [begin, end] : matches) {
        if (begin > last && !matchesOnly)
          next.emplace_back(part.begin() + last, part.begin() + begin);
        next.emplace_back(part.begin() + begin, part.begin() + end);
        last = end;
      }
      if (last < part.size() && !matchesOnly)
        next.emplace_back(part.begin() + last, part.end());
    }
    parts = std::move(next);
    mapped |= step.kind == PreTokenizerStep::ByteLevel;
  }
  words.clear();
  for (const std::vector<uint32_t> &part : parts) {
    std::string utf8 = encodeUtf8(part.data(), part.data() + part.size());
    if (!mapped) {
      words.push_back(std::move(utf8));
      continue;
    }
    std::string word;
    for (unsigned char byte : utf8)
      word += byteToSymbol[byte];
    words.push_back(std::move(word));
  }
  return true;
}

void HFTokenizer::bpe(const std::string &word, std::vector<int64_t> &out) const {
  if (word.empty())
    return;
  if (ignoreMerges) {
    if (auto found = ids.find(word); found != ids.end()) {
      out.push_back(found->second);
      return;
    }
  }
  if (auto cached = cache.find(word); cached != cache.end()) {
    out.insert(out.end(), cached->second.begin(), cached->second.end());
    return;
  }
  std::vector<std::string> symbols;
  for (size_t i = 0; i < word.size();) {
    size_t n = std::min(utf8SequenceLength(word[i]), word.size() - i);
    symbols.push_back(word.substr(i, n));
    i += n;
  }
  // Merge the lowest-ranked adjacent pair, leftmost first, until none is
  // in the merges.
  std::string key;
  while (symbols.size() > 1) {
    int64_t best = std::numeric_limits<int64_t>::max();
    size_t at = 0;
    for (size_t i = 0; i + 1 < symbols.size(); ++i) {
      key.assign(symbols[i]).append(1, '\0').append(symbols[i + 1]);
      auto found = mergeRanks.find(key);
      if (found != mergeRanks.end() && found->second < best) {
        best = found->second;
        at = i;
      }
    }
    if (best == std::numeric_limits<int64_t>::max())
      break;
    symbols[at] += symbols[at + 1];
    symbols.erase(symbols.begin() + at + 1);
  }
  std::vector<int64_t> result;
  for (const std::string &symbol : symbols) {
    if (auto found = ids.find(symbol); found != ids.end()) {
      result.push_back(found->second);
      continue;
    }
    // Not in the vocabulary: its bytes' <0xNN> tokens when the model falls
    // back to bytes and has them all, else the unk token (if any).
    std::vector<int64_t> bytes;
    if (byteFallback)
      for (unsigned char byte : symbol) {
        char name[8];
        std::snprintf(name, sizeof(name), "<0x%02X>", byte);
        auto found = ids.find(name);
        if (found == ids.end()) {
          bytes.clear();
          break;
        }
        bytes.push_back(found->second);
      }
    if (!bytes.empty())
      result.insert(result.end(), bytes.begin(), bytes.end());
    else if (unkId >= 0)
      result.push_back(unkId);
  }
  if (word.size() < 256 && cache.size() < 100000)
    cache.emplace(word, result);
  out.insert(out.end(), result.begin(), result.end());
}

bool HFTokenizer::encode(const std::string &text, std::vector<int64_t> &out,
                         std::string &error) const {
  std::vector<uint32_t> all;
  if (!decodeTextToEncode(text, all, error))
    return false;
  // Cut out the added tokens (longest match at each position).
  struct Chunk {
    size_t begin, end; // bytes of `text`
    int64_t added;     // the added token's index, or -1
  };
  std::vector<Chunk> chunks;
  size_t start = 0;
  for (size_t i = 0; i < text.size();) {
    int64_t best = -1;
    for (size_t k = 0; k < added.size(); ++k)
      if (text.compare(i, added[k].content.size(), added[k].content) == 0 &&
          (best < 0 || added[k].content.size() > added[best].content.size()))
        best = int64_t(k);
    if (best < 0) {
      ++i;
      continue;
    }
    if (i > start)
      chunks.push_back({start, i, -1});
    chunks.push_back({i, i + added[best].content.size(), best});
    i += added[best].content.size();
    start = i;
  }
  if (start < text.size())
    chunks.push_back({start, text.size(), -1});
  std::vector<std::vector<uint32_t>> texts(chunks.size());
  for (size_t c = 0; c < chunks.size(); ++c) {
    if (chunks[c].added >= 0)
      continue;
    std::string ignored;
    decodeUtf8(text.substr(chunks[c].begin, chunks[c].end - chunks[c].begin),
               texts[c], ignored);
  }
  // lstrip/rstrip trim the whitespace next to an added token.
  for (size_t c = 0; c < chunks.size(); ++c) {
    if (chunks[c].added < 0)
      continue;
    const AddedToken &token = added[chunks[c].added];
    if (token.lstrip && c > 0)
      while (!texts[c - 1].empty() && isTrimmed(texts[c - 1].back()))
        texts[c - 1].pop_back();
    if (token.rstrip && c + 1 < chunks.size()) {
      std::vector<uint32_t> &next = texts[c + 1];
      size_t n = 0;
      while (n < next.size() && isTrimmed(next[n]))
        ++n;
      next.erase(next.begin(), next.begin() + n);
    }
  }
  for (size_t c = 0; c < chunks.size(); ++c) {
    if (chunks[c].added >= 0) {
      out.push_back(added[chunks[c].added].id);
      continue;
    }
    if (texts[c].empty())
      continue;
    std::vector<uint32_t> normalized = normalize(std::move(texts[c]));
    std::vector<std::string> words;
    if (!preTokenize(normalized, words, error))
      return false;
    for (const std::string &word : words)
      bpe(word, out);
  }
  return true;
}

std::string HFTokenizer::piece(int64_t token) const {
  if (token < 0 || token >= vocabSize() || special[token])
    return "";
  const std::string &p = pieces[token];
  if (isAdded[token])
    return p;
  if (byteLevelDecoder) {
    std::vector<uint32_t> cps;
    std::string ignored, bytes;
    decodeUtf8(p, cps, ignored);
    for (uint32_t cp : cps) {
      auto found = symbolToByte.find(cp);
      if (found != symbolToByte.end())
        bytes += char(found->second);
      else
        appendUtf8(bytes, cp);
    }
    return bytes;
  }
  unsigned byte;
  if (p.size() == 6 && p.compare(0, 3, "<0x") == 0 && p[5] == '>' &&
      std::sscanf(p.c_str(), "<0x%02X>", &byte) == 1)
    return std::string(1, char(byte));
  std::string text;
  for (size_t i = 0; i < p.size();) {
    if (p.compare(i, kBoundary.size(), kBoundary) == 0) {
      text += ' ';
      i += kBoundary.size();
    } else {
      text += p[i++];
    }
  }
  return text;
}

std::string HFTokenizer::decodeNext(int64_t previous, int64_t token) const {
  std::string text = piece(token);
  // The SentencePiece decoder strips the space the normalizer prepended.
  bool first = previous < 0 || previous == bosId;
  if (stripFirstSpace && first && !text.empty() && text[0] == ' ')
    text.erase(0, 1);
  return text;
}
