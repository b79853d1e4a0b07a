//===- tuning-cache.cpp - Fuzz the tuning cache reader --------------------===//
//
// Any bytes as ~/.cache/kernelforge/tuning.json: either refused as a whole
// with a message (an empty cache), or each entry either gives a schedule
// inside the bounds a real one keeps (so no compile ever follows a corrupt
// tile) or is refused with a message. A cache that loads is saved and read
// back: every accepted entry gives the same schedule again, and the refused
// ones are gone.

#include "FuzzInput.h"

#include "kernelforge/Target/TuningCache.h"

#include "llvm/Support/MemoryBuffer.h"

#include <cstdlib>

using namespace mlir::kf;

namespace {

void require(bool condition) {
  if (!condition)
    std::abort();
}

bool inBounds(const TunedSchedule &s) {
  auto within = [](int64_t size, int64_t most) {
    return size >= 1 && size <= most;
  };
  if (s.isAttention())
    return within(s.attentionQueryTile, kMaxTile) &&
           within(s.attentionKeyTile, kMaxTile);
  return within(s.registerRows, kMaxRegisterRows) &&
         within(s.registerCols, kMaxRegisterCols) &&
         within(s.kTile, kMaxTile) && within(s.threadTile, kMaxTile) &&
         // -1: the pipeline's distance; 0: no prefetches.
         s.prefetchDistance >= -1 && s.prefetchDistance <= kMaxTile;
}

bool same(const TunedSchedule &a, const TunedSchedule &b) {
  return a.describe() == b.describe() && a.candidates == b.candidates &&
         a.ms == b.ms && a.defaultMs == b.defaultMs;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string path = kernelforge::fuzz::asFile(data, size, "tuning.json");
  std::string problem;
  TuningCache cache = TuningCache::load(path, problem);
  if (!problem.empty()) {
    require(cache.size() == 0);
    return 0;
  }
  // The keys are the file's own; lookups go through the public interface.
  std::vector<std::string> keys;
  {
    auto buffer = llvm::MemoryBuffer::getFile(path);
    require(bool(buffer));
    llvm::Expected<llvm::json::Value> value =
        llvm::json::parse((*buffer)->getBuffer());
    require(bool(value));
    for (const auto &entry : *value->getAsObject()->getObject("entries"))
      keys.push_back(entry.first.str());
  }
  require(keys.size() == cache.size());
  std::vector<std::optional<TunedSchedule>> found;
  for (const std::string &key : keys) {
    std::string why;
    std::optional<TunedSchedule> s = cache.lookup(key, why);
    require(s ? why.empty() && inBounds(*s) : !why.empty());
    found.push_back(s);
  }
  // Saved over the input (renamed into place) and read back: the same
  // schedules, and the refused entries left out.
  std::string error;
  require(succeeded(cache.save(error)));
  TuningCache back = TuningCache::load(path, problem);
  require(problem.empty());
  for (size_t i = 0; i < keys.size(); ++i) {
    std::string why;
    std::optional<TunedSchedule> s = back.lookup(keys[i], why);
    require(bool(s) == bool(found[i]) && why.empty());
    if (s)
      require(same(*s, *found[i]));
  }
  return 0;
}
