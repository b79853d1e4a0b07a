//===- ConfigReader.h - Typed reads of a Hugging Face config.json -*- C++ -*-===//
//
// Shared by the model families' config parsers: each read names the file and
// the key in its error.
//
//===----------------------------------------------------------------------===//

#ifndef KERNELFORGE_MODELS_CONFIGREADER_H
#define KERNELFORGE_MODELS_CONFIGREADER_H

#include "kernelforge/Support/JSONNumbers.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"

#include <cmath>
#include <optional>

namespace kernelforge::models {

using llvm::Error;
using llvm::Twine;
namespace json = llvm::json;

inline Error configError(llvm::StringRef source, const Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 (source + ": " + message).str());
}

/// Typed, validated reads of config.json keys.
class ConfigReader {
public:
  ConfigReader(const json::Object &object, llvm::StringRef source)
      : object(object), source(source) {}

  /// Bounds on sizes, so that a corrupt config is an error, not a graph
  /// of endless layers or a tensor past any memory.
  static constexpr int64_t kMaxSize = int64_t(1) << 24;
  static constexpr int64_t kMaxCount = 1024;

  /// A required positive integer, at most `limit`.
  Error positive(llvm::StringRef key, int64_t &out,
                 int64_t limit = kMaxSize) const {
    const json::Value *value = object.get(key);
    if (!value)
      return configError(source, "missing key '" + key + "'");
    std::optional<int64_t> number = mlir::kf::jsonInteger(*value);
    if (!number || *number <= 0)
      return configError(source, "expected '" + key +
                                     "' to be a positive integer");
    if (*number > limit)
      return configError(source, "expected '" + key + "' to be at most " +
                                     Twine(limit) + ", got " + Twine(*number));
    out = *number;
    return Error::success();
  }

  /// An optional positive integer (at most `limit`); null or absent leaves
  /// `out` unchanged.
  Error optionalPositive(llvm::StringRef key, int64_t &out,
                         int64_t limit = kMaxSize) const {
    const json::Value *value = object.get(key);
    if (!value || value->getAsNull())
      return Error::success();
    return positive(key, out, limit);
  }

  Error optionalNumber(llvm::StringRef key, double &out) const {
    const json::Value *value = object.get(key);
    if (!value)
      return Error::success();
    std::optional<double> number = value->getAsNumber();
    // 1e999 parses as infinity.
    if (!number || !std::isfinite(*number) || !(*number > 0))
      return configError(source, "expected '" + key +
                                     "' to be a positive finite number");
    out = *number;
    return Error::success();
  }

  Error optionalBool(llvm::StringRef key, bool &out) const {
    const json::Value *value = object.get(key);
    if (!value)
      return Error::success();
    std::optional<bool> flag = value->getAsBoolean();
    if (!flag)
      return configError(source, "expected '" + key + "' to be true or false");
    out = *flag;
    return Error::success();
  }

  std::optional<llvm::StringRef> string(llvm::StringRef key) const {
    return object.getString(key);
  }

private:
  const json::Object &object;
  llvm::StringRef source;
};

/// Parses `text` as a JSON object into `out`, or an error naming `source`.
inline Error parseConfigObject(llvm::StringRef text, llvm::StringRef source,
                               json::Value &out) {
  llvm::Expected<json::Value> parsed = json::parse(text);
  if (!parsed)
    return configError(source, "invalid JSON: " +
                                   llvm::toString(parsed.takeError()));
  if (!parsed->getAsObject())
    return configError(source, "expected a JSON object");
  out = std::move(*parsed);
  return Error::success();
}

} // namespace kernelforge::models

#endif // KERNELFORGE_MODELS_CONFIGREADER_H
