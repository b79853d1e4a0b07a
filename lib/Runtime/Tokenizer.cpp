//===- Tokenizer.cpp - The tokenizer of a model directory -----------------===//

#include "kernelforge/Runtime/Tokenizer.h"

#include "kernelforge/Runtime/GPT2Tokenizer.h"
#include "kernelforge/Runtime/HFTokenizer.h"
#include "kernelforge/Runtime/Llama2cTokenizer.h"
#include "kernelforge/Runtime/Unicode.h"

#include <sys/stat.h>

using namespace kernelforge::runtime;

static bool isFile(const std::string &path) {
  struct stat info;
  return stat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode);
}

bool kernelforge::runtime::decodeTextToEncode(const std::string &text,
                                              std::vector<uint32_t> &cps,
                                              std::string &error) {
  if (decodeUtf8(text, cps, error))
    return true;
  error = "not valid UTF-8: " + error;
  return false;
}

std::unique_ptr<Tokenizer>
kernelforge::runtime::loadTokenizer(const std::vector<std::string> &dirs,
                                    std::string &error) {
  error.clear();
  for (const std::string &dir : dirs) {
    if (dir.empty())
      continue;
    if (isFile(dir + "/tokenizer.bin"))
      return Llama2cTokenizer::load(dir + "/tokenizer.bin", error);
    if (GPT2Tokenizer::existsIn(dir))
      return GPT2Tokenizer::loadFirst({dir}, error);
    if (isFile(dir + "/tokenizer.json"))
      return HFTokenizer::load(dir + "/tokenizer.json", error);
  }
  return nullptr;
}
