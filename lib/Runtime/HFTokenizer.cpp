//===- HFTokenizer.cpp - Hugging Face tokenizer.json (SentencePiece BPE) --===//

#include "kernelforge/Runtime/HFTokenizer.h"
#include "kernelforge/Runtime/GPT2Tokenizer.h"

#include <nlohmann/json.hpp>

#include <fstream>

using namespace kernelforge::runtime;

/// U+2581 LOWER ONE EIGHTH BLOCK, SentencePiece's word boundary.
static const std::string kBoundary = "\xE2\x96\x81";

/// Whether the normalizer is SentencePiece's: Prepend(U+2581) and
/// Replace(" " -> U+2581), in a Sequence or alone.
static bool isSentencePieceNormalizer(const nlohmann::json &n) {
  if (!n.is_object())
    return false;
  std::vector<nlohmann::json> steps;
  if (n.value("type", "") == "Sequence" && n.contains("normalizers"))
    steps = n["normalizers"].get<std::vector<nlohmann::json>>();
  else
    steps = {n};
  bool prepend = false, replace = false;
  for (const nlohmann::json &step : steps) {
    std::string type = step.value("type", "");
    if (type == "Prepend" && step.value("prepend", "") == kBoundary)
      prepend = true;
    else if (type == "Replace" && step.contains("pattern") &&
             step["pattern"].value("String", "") == " " &&
             step.value("content", "") == kBoundary)
      replace = true;
    else
      return false;
  }
  return prepend && replace;
}

std::unique_ptr<HFTokenizer> HFTokenizer::load(const std::string &path,
                                               std::string &error) {
  std::ifstream in(path);
  if (!in) {
    error = "cannot read '" + path + "'";
    return nullptr;
  }
  nlohmann::json t = nlohmann::json::parse(in, nullptr, false);
  if (!t.is_object() || !t.contains("model") || !t["model"].is_object()) {
    error = path + ": not a Hugging Face tokenizer.json (no model)";
    return nullptr;
  }
  const nlohmann::json &model = t["model"];
  std::string type = model.value("type", "");
  if (type != "BPE") {
    error = path + ": tokenizer model '" + type +
            "' is not supported (SentencePiece-style BPE only)";
    return nullptr;
  }
  if (t.contains("pre_tokenizer") && !t["pre_tokenizer"].is_null()) {
    error = path + ": pre_tokenizer '" +
            t["pre_tokenizer"].value("type", "?") +
            "' is not supported yet (byte-level BPE tokenizer.json: Llama 3, "
            "Qwen2); SentencePiece-style BPE (Llama 2, Mistral) is";
    return nullptr;
  }
  if (!isSentencePieceNormalizer(t.value("normalizer", nlohmann::json()))) {
    error = path + ": the normalizer is not SentencePiece's (Prepend and "
                   "Replace of spaces by U+2581)";
    return nullptr;
  }
  if (!model.contains("vocab") || !model["vocab"].is_object() ||
      !model.contains("merges") || !model["merges"].is_array()) {
    error = path + ": the BPE model has no vocab or merges";
    return nullptr;
  }
  std::unique_ptr<HFTokenizer> tok(new HFTokenizer());
  for (auto &[piece, id] : model["vocab"].items()) {
    if (!id.is_number_integer() || id.get<int64_t>() < 0 ||
        id.get<int64_t>() > (int64_t(1) << 24)) {
      error = path + ": vocab entry '" + piece + "' has a bad id";
      return nullptr;
    }
    int64_t index = id.get<int64_t>();
    if (int64_t(tok->pieces.size()) <= index)
      tok->pieces.resize(index + 1);
    tok->pieces[index] = piece;
    tok->ids[piece] = index;
  }
  int64_t rank = 0;
  for (const nlohmann::json &merge : model["merges"]) {
    std::string left, right;
    if (merge.is_string()) {
      std::string m = merge.get<std::string>();
      size_t space = m.find(' ');
      if (space == std::string::npos) {
        error = path + ": merge '" + m + "' is not two pieces";
        return nullptr;
      }
      left = m.substr(0, space);
      right = m.substr(space + 1);
    } else if (merge.is_array() && merge.size() == 2) {
      left = merge[0].get<std::string>();
      right = merge[1].get<std::string>();
    } else {
      error = path + ": merge " + std::to_string(rank) + " is malformed";
      return nullptr;
    }
    tok->mergeRanks.emplace(std::make_pair(left, right), rank++);
  }
  tok->special.assign(tok->pieces.size(), false);
  if (t.contains("added_tokens") && t["added_tokens"].is_array())
    for (const nlohmann::json &added : t["added_tokens"]) {
      int64_t id = added.value("id", int64_t(-1));
      std::string content = added.value("content", "");
      if (id < 0 || id >= int64_t(tok->pieces.size()))
        continue;
      if (added.value("special", false))
        tok->special[id] = true;
      if (content == "<s>")
        tok->bosId = id;
    }
  std::string unk = model.value("unk_token", "");
  if (auto found = tok->ids.find(unk); found != tok->ids.end())
    tok->unkId = found->second;
  return tok;
}

bool HFTokenizer::encode(const std::string &text, std::vector<int64_t> &out,
                         std::string &error) const {
  std::vector<uint32_t> codePoints;
  if (!decodeUtf8(text, codePoints, error))
    return false;
  if (text.empty())
    return true;
  // Normalize: a boundary first, spaces as boundaries.
  std::string normalized = kBoundary;
  for (char c : text)
    normalized += c == ' ' ? kBoundary : std::string(1, c);
  // One symbol per character; characters outside the vocabulary fall back
  // to their bytes' tokens (or <unk>).
  std::vector<std::string> symbols;
  std::vector<bool> fixed; // byte or unk tokens never merge
  std::vector<int64_t> fixedIds;
  for (size_t i = 0; i < normalized.size();) {
    size_t n = utf8SequenceLength(normalized[i]);
    std::string character = normalized.substr(i, n);
    i += n;
    if (ids.count(character)) {
      symbols.push_back(character);
      fixed.push_back(false);
      fixedIds.push_back(-1);
      continue;
    }
    for (unsigned char byte : character) {
      char name[8];
      std::snprintf(name, sizeof(name), "<0x%02X>", byte);
      auto found = ids.find(name);
      symbols.push_back(name);
      fixed.push_back(true);
      fixedIds.push_back(found != ids.end() ? found->second : unkId);
    }
  }
  // Merge the lowest-ranked adjacent pair, leftmost first, until none is
  // in the merges.
  while (true) {
    int64_t best = -1;
    size_t at = 0;
    for (size_t i = 0; i + 1 < symbols.size(); ++i) {
      if (fixed[i] || fixed[i + 1])
        continue;
      auto found = mergeRanks.find({symbols[i], symbols[i + 1]});
      if (found != mergeRanks.end() && (best < 0 || found->second < best)) {
        best = found->second;
        at = i;
      }
    }
    if (best < 0)
      break;
    symbols[at] += symbols[at + 1];
    symbols.erase(symbols.begin() + at + 1);
    fixed.erase(fixed.begin() + at + 1);
    fixedIds.erase(fixedIds.begin() + at + 1);
  }
  for (size_t i = 0; i < symbols.size(); ++i) {
    if (fixed[i]) {
      out.push_back(fixedIds[i]);
      continue;
    }
    auto found = ids.find(symbols[i]);
    out.push_back(found != ids.end() ? found->second : unkId);
  }
  return true;
}

std::string HFTokenizer::piece(int64_t token) const {
  if (token < 0 || token >= vocabSize() || special[token])
    return "";
  const std::string &p = pieces[token];
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
  // The decoder strips the space the normalizer prepended to the text.
  bool first = previous < 0 || previous == bosId;
  if (first && !text.empty() && text[0] == ' ')
    text.erase(0, 1);
  return text;
}
