//===- TuningCache.cpp - Measured schedules, kept as JSON -----------------===//

#include "kernelforge/Target/TuningCache.h"
#include "kernelforge/Support/JSONNumbers.h"
#include "kernelforge/Version.h"

#include "mlir/IR/Builders.h"

#include "llvm/Config/llvm-config.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>

using namespace mlir;
using namespace mlir::kf;

static constexpr llvm::StringLiteral kFormat = "kernelforge-tuning-1";

std::string ScheduleChoice::describe() const {
  if (isAttention())
    return llvm::formatv("q{0} k{1}", attentionQueryTile, attentionKeyTile)
        .str();
  std::string prefetch =
      prefetchDistance >= 0 ? llvm::formatv(" pf{0}", prefetchDistance).str()
                            : "";
  return llvm::formatv("{0}x{1} k{2} t{3}{4}{5}{6}", registerRows,
                       registerCols, kTile, threadTile,
                       packWeights ? " packed" : "",
                       columnsOuter ? " cols-outer" : "", prefetch)
      .str();
}

DictionaryAttr ScheduleChoice::toAttr(MLIRContext *context) const {
  Builder b(context);
  if (isAttention())
    return b.getDictionaryAttr(b.getNamedAttr(
        "attention_tiles",
        b.getDenseI64ArrayAttr({attentionQueryTile, attentionKeyTile})));
  SmallVector<NamedAttribute> fields = {
      b.getNamedAttr("register_tile",
                     b.getDenseI64ArrayAttr({registerRows, registerCols})),
      b.getNamedAttr("k_tile", b.getI64IntegerAttr(kTile)),
      b.getNamedAttr("thread_tile", b.getI64IntegerAttr(threadTile)),
      b.getNamedAttr("pack_weights", b.getBoolAttr(packWeights)),
      b.getNamedAttr("columns_outer", b.getBoolAttr(columnsOuter)),
  };
  if (prefetchDistance >= 0)
    fields.push_back(b.getNamedAttr("prefetch_distance",
                                    b.getI64IntegerAttr(prefetchDistance)));
  return b.getDictionaryAttr(fields);
}

std::string mlir::kf::compilerVersion() {
  return std::string("kernelforge-" KF_VERSION_STRING "+llvm-") + LLVM_VERSION_STRING;
}

std::string mlir::kf::tuningKey(const DictionaryAttr &target, StringRef opKind,
                                StringRef problem) {
  std::string key = compilerVersion() + "|";
  llvm::raw_string_ostream os(key);
  if (target) {
    auto str = [&](StringRef name) {
      auto value = target.getAs<StringAttr>(name);
      return value ? value.getValue() : StringRef("?");
    };
    auto num = [&](StringRef name) {
      auto value = target.getAs<IntegerAttr>(name);
      return value ? value.getInt() : int64_t(-1);
    };
    auto fma = target.getAs<BoolAttr>("fma");
    os << str("cpu") << ":" << num("vector_bits") << "b:"
       << num("vector_registers") << "r:" << (fma && fma.getValue() ? "fma" : "nofma");
  } else {
    os << "unknown-target";
  }
  os << "|" << opKind << "|" << problem;
  return key;
}

std::string TuningCache::defaultPath() {
  if (std::optional<std::string> path = llvm::sys::Process::GetEnv("KF_TUNING_CACHE"))
    return *path;
  SmallString<256> dir;
  if (std::optional<std::string> xdg =
          llvm::sys::Process::GetEnv("XDG_CACHE_HOME");
      xdg && !xdg->empty())
    dir = *xdg;
  else if (llvm::sys::path::home_directory(dir))
    llvm::sys::path::append(dir, ".cache");
  else
    dir = ".";
  llvm::sys::path::append(dir, "kernelforge", "tuning.json");
  return std::string(dir);
}

TuningCache TuningCache::load(StringRef path, std::string &problem) {
  TuningCache cache;
  cache.filePath = path.str();
  if (!llvm::sys::fs::exists(path))
    return cache;
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/true);
  if (!buffer) {
    problem = "cannot read tuning cache " + path.str() + ": " +
              buffer.getError().message();
    return cache;
  }
  llvm::Expected<llvm::json::Value> parsed =
      llvm::json::parse((*buffer)->getBuffer());
  if (!parsed) {
    problem = "tuning cache " + path.str() +
              " is not valid JSON: " + llvm::toString(parsed.takeError());
    return cache;
  }
  const llvm::json::Object *root = parsed->getAsObject();
  std::optional<StringRef> format =
      root ? root->getString("format") : std::nullopt;
  if (!format || *format != kFormat) {
    problem = "tuning cache " + path.str() + " is not a " + kFormat.str() +
              " file (no \"format\": \"" + kFormat.str() + "\")";
    return cache;
  }
  const llvm::json::Object *entries = root->getObject("entries");
  if (!entries) {
    problem = "tuning cache " + path.str() + " has no \"entries\" object";
    return cache;
  }
  cache.entries = *entries;
  return cache;
}

/// An entry's `[a, b]` of two integers, if it has one under `name`.
static std::optional<std::pair<int64_t, int64_t>>
readPair(const llvm::json::Object &entry, StringRef name) {
  const llvm::json::Array *pair = entry.getArray(name);
  if (!pair || pair->size() != 2)
    return std::nullopt;
  std::optional<int64_t> first = jsonInteger((*pair)[0]),
                         second = jsonInteger((*pair)[1]);
  if (!first || !second)
    return std::nullopt;
  return std::pair{*first, *second};
}

/// An entry's measured times and candidate count into `s`; false when one
/// is negative or not finite (JSON reads 1e999 as infinity, which it cannot
/// write back).
static bool readTimes(const llvm::json::Object &entry, TunedSchedule &s) {
  s.ms = entry.getNumber("ms").value_or(0);
  s.defaultMs = entry.getNumber("default_ms").value_or(0);
  s.candidates = jsonInteger(entry, "candidates").value_or(0);
  return std::isfinite(s.ms) && std::isfinite(s.defaultMs) && s.ms >= 0 &&
         s.defaultMs >= 0 && s.candidates >= 0;
}

std::optional<TunedSchedule> TuningCache::lookup(StringRef key,
                                                 std::string &problem) const {
  const llvm::json::Value *value = entries.get(key);
  if (!value)
    return std::nullopt;
  const llvm::json::Object *entry = value->getAsObject();
  auto bad = [&](StringRef why) -> std::optional<TunedSchedule> {
    problem = "tuning cache " + filePath + ": entry '" + key.str() + "' " +
              why.str() + "; using the target's default";
    return std::nullopt;
  };
  if (!entry)
    return bad("is not an object");
  TunedSchedule s;
  // The op kind is the third field of the key (tuningKey).
  SmallVector<StringRef, 4> fields;
  key.split(fields, '|', /*MaxSplit=*/3);
  if (fields.size() > 2 && fields[2] == kAttentionKind) {
    std::optional<std::pair<int64_t, int64_t>> tiles =
        readPair(*entry, "attention_tiles");
    if (!tiles)
      return bad("has no attention_tiles [queries, keys]");
    auto [query, keys] = *tiles;
    if (query < 1 || query > kMaxTile || keys < 1 || keys > kMaxTile)
      return bad("has tile sizes out of range");
    s.attentionQueryTile = query;
    s.attentionKeyTile = keys;
    if (!readTimes(*entry, s))
      return bad("has a time or candidate count that is negative or not "
                 "finite");
    return s;
  }
  std::optional<std::pair<int64_t, int64_t>> tile =
      readPair(*entry, "register_tile");
  if (!tile)
    return bad("has no register_tile [rows, cols]");
  std::tie(s.registerRows, s.registerCols) = *tile;
  std::optional<int64_t> kTile = jsonInteger(*entry, "k_tile");
  std::optional<int64_t> threadTile = jsonInteger(*entry, "thread_tile");
  if (!kTile || !threadTile)
    return bad("lacks k_tile or thread_tile");
  s.kTile = *kTile;
  s.threadTile = *threadTile;
  if (s.registerRows < 1 || s.registerRows > kMaxRegisterRows ||
      s.registerCols < 1 || s.registerCols > kMaxRegisterCols ||
      s.kTile < 1 || s.kTile > kMaxTile || s.threadTile < 1 ||
      s.threadTile > kMaxTile)
    return bad("has tile sizes out of range");
  s.packWeights = entry->getBoolean("pack_weights").value_or(false);
  s.columnsOuter = entry->getBoolean("columns_outer").value_or(false);
  if (entry->get("prefetch_distance")) {
    std::optional<int64_t> distance = jsonInteger(*entry, "prefetch_distance");
    if (!distance || *distance < 0 || *distance > kMaxTile)
      return bad("has a prefetch_distance that is not a step count");
    s.prefetchDistance = *distance;
  }
  if (!readTimes(*entry, s))
    return bad("has a time or candidate count that is negative or not finite");
  return s;
}

static llvm::json::Object toJSON(const TunedSchedule &s) {
  if (s.isAttention())
    return llvm::json::Object{
        {"attention_tiles",
         llvm::json::Array{s.attentionQueryTile, s.attentionKeyTile}},
        {"ms", s.ms},
        {"default_ms", s.defaultMs},
        {"candidates", s.candidates},
    };
  llvm::json::Object entry{
      {"register_tile", llvm::json::Array{s.registerRows, s.registerCols}},
      {"k_tile", s.kTile},
      {"thread_tile", s.threadTile},
      {"ms", s.ms},
      {"default_ms", s.defaultMs},
      {"candidates", s.candidates},
      {"pack_weights", s.packWeights},
      {"columns_outer", s.columnsOuter},
  };
  if (s.prefetchDistance >= 0)
    entry["prefetch_distance"] = s.prefetchDistance;
  return entry;
}

void TuningCache::record(StringRef key, const TunedSchedule &s) {
  entries[key] = toJSON(s);
}

LogicalResult TuningCache::save(std::string &error) const {
  StringRef dir = llvm::sys::path::parent_path(filePath);
  if (!dir.empty())
    if (std::error_code ec = llvm::sys::fs::create_directories(dir)) {
      error = "cannot create " + dir.str() + ": " + ec.message();
      return failure();
    }
  std::string temp = filePath + ".tmp" + std::to_string(llvm::sys::Process::getProcessId());
  {
    std::error_code ec;
    llvm::raw_fd_ostream os(temp, ec, llvm::sys::fs::OF_Text);
    if (ec) {
      error = "cannot write " + temp + ": " + ec.message();
      return failure();
    }
    // Written as read: an entry every reader refuses is left out, so one
    // corrupt entry never makes the next file unreadable.
    llvm::json::Object written;
    for (const auto &entry : entries) {
      std::string ignored;
      if (std::optional<TunedSchedule> s = lookup(entry.first, ignored))
        written[entry.first] = toJSON(*s);
    }
    llvm::json::Object root{{"format", kFormat},
                            {"entries", std::move(written)}};
    os << llvm::formatv("{0:2}", llvm::json::Value(std::move(root))) << "\n";
  }
  if (std::error_code ec = llvm::sys::fs::rename(temp, filePath)) {
    llvm::sys::fs::remove(temp);
    error = "cannot write " + filePath + ": " + ec.message();
    return failure();
  }
  return success();
}
