//===- kernelforge-tokenize.cpp - Encode and decode with a model's tokenizer ===//
//
// kernelforge-tokenize DIR [--bos] [--json] [TEXT...]
// kernelforge-tokenize DIR --json-lines < texts.jsonl
// kernelforge-tokenize DIR --decode ID,ID,...
//
// DIR holds a tokenizer (tokenizer.json, tokenizer.bin, or vocab.json +
// merges.txt), as the runners find it. Each TEXT is encoded to its ids
// (comma-separated, or a JSON array with --json); --bos puts the
// tokenizer's BOS first when it has one. With --json-lines every line of
// the standard input is a JSON string and every output line a JSON array,
// which is how the exactness tests feed a corpus through one process.
// --decode prints the text of ids. Built on the runtime only.
//
//===----------------------------------------------------------------------===//

#include "kernelforge/Runtime/Tokenizer.h"
#include "kernelforge/Version.h"

#include <nlohmann/json.hpp>

#include <iostream>
#include <sstream>

using namespace kernelforge::runtime;

static int fail(const std::string &message) {
  std::cerr << "kernelforge-tokenize: error: " << message << "\n";
  return 1;
}

static void usage() {
  std::cerr << "usage: kernelforge-tokenize DIR [--bos] [--json] [TEXT...]\n"
               "       kernelforge-tokenize DIR --json-lines < texts.jsonl\n"
               "       kernelforge-tokenize DIR --decode ID,ID,...\n";
}

static std::string joinIds(const std::vector<int64_t> &ids, bool asJson) {
  if (asJson)
    return nlohmann::json(ids).dump();
  std::string out;
  for (size_t i = 0; i < ids.size(); ++i)
    out += (i ? "," : "") + std::to_string(ids[i]);
  return out;
}

int main(int argc, char **argv) {
  std::string dir, decodeIds;
  bool bos = false, asJson = false, jsonLines = false, decode = false;
  std::vector<std::string> texts;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--bos") {
      bos = true;
    } else if (arg == "--json") {
      asJson = true;
    } else if (arg == "--json-lines") {
      jsonLines = true;
    } else if (arg == "--decode") {
      if (i + 1 >= argc)
        return fail("missing ids after --decode");
      decode = true;
      decodeIds = argv[++i];
    } else if (arg == "--help" || arg == "-h") {
      usage();
      return 0;
    } else if (arg == "--version") {
      std::cout << "KernelForge " KF_VERSION_STRING
                   " (runtime only: no compiler)\n";
      return 0;
    } else if (arg.size() > 1 && arg[0] == '-' && arg[1] == '-') {
      usage();
      return fail("unknown option " + arg);
    } else if (dir.empty()) {
      dir = arg;
    } else {
      texts.push_back(arg);
    }
  }
  if (dir.empty()) {
    usage();
    return fail("no tokenizer directory given");
  }
  std::string error;
  std::unique_ptr<Tokenizer> tokenizer = loadTokenizer({dir}, error);
  if (!tokenizer)
    return fail(error.empty() ? "no tokenizer in '" + dir +
                                    "' (tokenizer.json, tokenizer.bin, or "
                                    "vocab.json + merges.txt)"
                              : error);
  if (decode) {
    std::vector<int64_t> ids;
    std::stringstream list(decodeIds);
    std::string item;
    while (std::getline(list, item, ',')) {
      char *end = nullptr;
      long long id = std::strtoll(item.c_str(), &end, 10);
      if (item.empty() || *end || id < 0 || id >= tokenizer->vocabSize())
        return fail("'" + item + "' is not a token id (the vocabulary has " +
                    std::to_string(tokenizer->vocabSize()) + ")");
      ids.push_back(id);
    }
    std::cout << tokenizer->decode(ids) << "\n";
    return 0;
  }
  auto encodeOne = [&](const std::string &text, const std::string &where) {
    std::vector<int64_t> ids;
    if (bos && tokenizer->bos() >= 0)
      ids.push_back(tokenizer->bos());
    if (!tokenizer->encode(text, ids, error)) {
      fail("cannot encode " + where + ": " + error);
      return false;
    }
    std::cout << joinIds(ids, asJson || jsonLines) << "\n";
    return true;
  };
  if (jsonLines) {
    std::string line;
    for (int lineNo = 1; std::getline(std::cin, line); ++lineNo) {
      nlohmann::json text = nlohmann::json::parse(line, nullptr, false);
      if (!text.is_string())
        return fail("standard input line " + std::to_string(lineNo) +
                    " is not a JSON string");
      if (!encodeOne(text.get<std::string>(),
                     "line " + std::to_string(lineNo)))
        return 1;
    }
    return 0;
  }
  if (texts.empty()) {
    usage();
    return fail("no text given (or --json-lines to read standard input)");
  }
  for (size_t i = 0; i < texts.size(); ++i)
    if (!encodeOne(texts[i], "text " + std::to_string(i + 1)))
      return 1;
  return 0;
}
