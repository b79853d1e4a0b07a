//===- Generator.cpp - Generation through a compiled decoder -------------===//

#include "kernelforge/Runtime/Generator.h"
#include "kernelforge/Runtime/LibraryABI.h"
#include "kernelforge/Runtime/Tokenizer.h"
#include "kernelforge/Runtime/Npy.h"

#include <algorithm>
#include <chrono>
#include <cstdio>

#ifdef __GLIBC__
#include <malloc.h>
#endif

using namespace kernelforge::runtime;
namespace abi = kernelforge::abi;

namespace {

/// The roles of a generation entry point's arguments.
struct Roles {
  const ArgSpec *ids = nullptr, *scalar = nullptr, *lastRow = nullptr,
                *cache = nullptr, *logits = nullptr;
  std::vector<const ArgSpec *> params;
};

/// Sorts a generation step's arguments by the roles its signature gives
/// them (LibraryABI.h: `kf.role` in the graph), never by their types.
bool classify(const EntryPoint &entry, Roles &roles, std::string &error) {
  auto fail = [&](const std::string &why) {
    error = "entry point '" + entry.name + "' is not a generation step: " + why;
    return false;
  };
  auto once = [&](const ArgSpec *&slot, const ArgSpec &arg, const char *what) {
    if (slot)
      return fail(std::string("more than one ") + what + " argument");
    slot = &arg;
    return true;
  };
  for (const ArgSpec &arg : entry.args) {
    bool ok = true;
    if (!arg.param.empty())
      roles.params.push_back(&arg);
    else if (arg.hasRole(abi::kOutput))
      ok = once(roles.logits, arg, "output");
    else if (arg.hasRole(abi::kPosition))
      ok = once(roles.scalar, arg, "position");
    else if (arg.hasRole(abi::kLastRow))
      ok = once(roles.lastRow, arg, "last-row");
    else if (arg.hasRole(abi::kTokenIds))
      ok = once(roles.ids, arg, "token-ids");
    else if (arg.hasRole(abi::kKVCache))
      ok = once(roles.cache, arg, "KV-cache");
    else
      return fail("argument " + arg.describe() + " has neither a parameter "
                  "name nor a generation role");
    if (!ok)
      return false;
  }
  if (!roles.ids || !roles.scalar || !roles.cache || !roles.logits)
    return fail("expected arguments with the roles token_ids, position and "
                "kv_cache, and the logits");
  if (!roles.ids->isMemRef() || roles.ids->dtype != "i64")
    return fail("the token ids are " + roles.ids->describe() +
                ", expected i64 ids");
  if (roles.scalar->isMemRef())
    return fail("the position is " + roles.scalar->describe() +
                ", expected an index");
  if (roles.lastRow && roles.lastRow->isMemRef())
    return fail("the last row is " + roles.lastRow->describe() +
                ", expected an index");
  const std::string &cacheType = roles.cache->dtype;
  if ((cacheType != "f32" && cacheType != "bf16" && cacheType != "f16") ||
      roles.cache->shape.size() != 5)
    return fail("the KV cache is " + roles.cache->describe() +
                ", expected f32, bf16 or f16 [layers, 2, heads, positions, "
                "head_dim]");
  if (roles.logits->dtype != "f32" || roles.logits->shape.empty())
    return fail("the logits are " + roles.logits->describe());
  return true;
}

/// Writes bytes once they form whole UTF-8 characters.
class Utf8Stream {
public:
  explicit Utf8Stream(std::function<void(const std::string &)> sink)
      : sink(std::move(sink)) {}
  void write(const std::string &bytes) {
    pending += bytes;
    size_t complete = pending.size();
    // Hold back an incomplete trailing sequence.
    for (size_t back = 1; back <= 3 && back <= pending.size(); ++back) {
      unsigned char c = pending[pending.size() - back];
      if ((c & 0xC0) == 0x80)
        continue;
      size_t need = utf8SequenceLength(c);
      if (need > back)
        complete = pending.size() - back;
      break;
    }
    sink(pending.substr(0, complete));
    pending.erase(0, complete);
  }

  /// Writes what is held back, complete or not.
  void finish() {
    sink(pending);
    pending.clear();
  }

private:
  std::function<void(const std::string &)> sink;
  std::string pending;
};

double since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
      .count();
}

} // namespace

std::unique_ptr<Generator>
Generator::create(const CompiledLibrary &library, bool cuda,
                      std::string &error) {
  EntryPoint prefill, decode;
  if (!library.lookup("prefill", prefill, error) ||
      !library.lookup("decode", decode, error))
    return nullptr;
  Roles p, d;
  if (!classify(prefill, p, error) || !classify(decode, d, error))
    return nullptr;
  if (!p.lastRow || d.lastRow) {
    error = "expected a last_row argument in prefill and none in decode (a "
            "library from before chunked prefill: compile it again)";
    return nullptr;
  }
  if (p.cache->shape != d.cache->shape) {
    error = "prefill's KV cache is " + p.cache->describe() +
            " but decode's is " + d.cache->describe();
    return nullptr;
  }
  if (d.ids->numElements() != 1) {
    error = "decode takes " + d.ids->describe() + " token ids, expected one";
    return nullptr;
  }
  int64_t vocab = p.logits->shape.back();
  if (d.logits->shape.back() != vocab || d.logits->numElements() != vocab) {
    error = "decode's logits are " + d.logits->describe() + ", expected [" +
            std::to_string(vocab) + "]";
    return nullptr;
  }
  int64_t prefillRows = p.logits->numElements() / vocab;
  if (prefillRows != 1 && prefillRows != p.ids->numElements()) {
    error = "prefill's logits are " + p.logits->describe() +
            ", expected the last row's or every row's of " + p.ids->describe() +
            " token ids";
    return nullptr;
  }
  // Decode reads the weights prefill binds: the same names and shapes.
  auto names = [](const Roles &r) {
    std::vector<std::pair<std::string, std::vector<int64_t>>> list;
    for (const ArgSpec *arg : r.params)
      list.push_back({arg->param, arg->shape});
    std::sort(list.begin(), list.end());
    return list;
  };
  if (names(p) != names(d)) {
    error = "prefill and decode take different parameters";
    return nullptr;
  }

  std::unique_ptr<Generator> generator(
      new Generator(std::move(prefill), std::move(decode), cuda));
#ifdef __GLIBC__
  // A step allocates and frees temporaries of up to tens of megabytes (a
  // dequantised weight, a prefill's activations) every call. glibc would
  // map and unmap each one, and the kernel would zero its pages again on
  // every call: keep them in the heap for reuse instead.
  mallopt(M_MMAP_THRESHOLD, 256 << 20);
  mallopt(M_TRIM_THRESHOLD, 512 << 20);
#endif
  if (cuda && !generator->device.bind(library, error))
    return nullptr;
  ModelShapes &s = generator->modelShapes;
  s.prefillTokens = p.ids->numElements();
  s.vocabSize = vocab;
  // [1, S, vocab]: every row's logits; [1, vocab]: the last row's.
  s.allPromptLogits = p.logits->shape.size() == 3;
  s.cacheShape = p.cache->shape;
  s.cacheElementBytes = p.cache->elementBytes();
  s.maxPositions = s.cacheShape[3];
  return generator;
}

bool Generator::loadWeights(const std::string &checkpointPath,
                            int64_t randomSeed, std::string &error) {
  WeightMap map;
  bool loaded =
      randomSeed >= 0
          ? randomWeights(uint64_t(randomSeed), prefill, map, error)
          : loadCheckpointWeights(checkpointPath, prefill, map, error);
  if (loaded)
    setWeights(std::move(map));
  return loaded;
}

std::string
Generator::checkPrompt(const std::vector<int64_t> &prompt) const {
  if (prompt.empty())
    return "the prompt is empty";
  if (static_cast<int64_t>(prompt.size()) > modelShapes.maxPositions)
    return "the prompt has " + std::to_string(prompt.size()) +
           " tokens, more than the model's " +
           std::to_string(modelShapes.maxPositions) + " positions";
  for (int64_t id : prompt)
    if (id < 0 || id >= modelShapes.vocabSize)
      return "token id " + std::to_string(id) +
             " is outside the vocabulary [0, " +
             std::to_string(modelShapes.vocabSize) + ")";
  return "";
}

std::vector<void *> Generator::bind(const EntryPoint &entry, void *ids,
                                    int64_t *scalar, int64_t *lastRow,
                                    std::vector<float> &logits) {
  // On the GPU every buffer has a device copy: weights and the KV cache are
  // uploaded here and stay resident; ids go up and logits come back per step.
  auto resident = [&](void *host, int64_t bytes, bool upload) -> void * {
    return cuda ? device.mirror(host, bytes, upload) : host;
  };
  std::vector<void *> args;
  for (const ArgSpec &arg : entry.args) {
    int64_t bytes = arg.numElements() * arg.elementBytes();
    if (!arg.param.empty())
      args.push_back(resident(weights.at(arg.param).data(), bytes, true));
    else if (arg.isOutput) {
      logits.assign(arg.numElements(), 0.f);
      args.push_back(resident(logits.data(), bytes, false));
    } else if (arg.hasRole(abi::kLastRow))
      args.push_back(lastRow);
    else if (!arg.isMemRef())
      args.push_back(scalar);
    else if (arg.dtype == "i64")
      args.push_back(resident(ids, bytes, false));
    else
      args.push_back(resident(kvCache.data(), bytes, true));
  }
  return args;
}

void Generator::run(const EntryPoint &entry, std::vector<void *> &args,
                        void *ids, std::vector<float> &logits) {
  if (cuda)
    device.upload(ids);
  call(entry, args);
  if (cuda)
    device.download(logits.data());
}

GenerationResult
Generator::generate(const std::vector<int64_t> &prompt,
                        const GenerationOptions &options,
                        const std::function<void(int64_t)> &onToken) {
  const ModelShapes &s = modelShapes;
  if (prefillArgs.empty()) {
    int64_t cacheBytes = s.cacheElementBytes;
    for (int64_t d : s.cacheShape)
      cacheBytes *= d;
    // Whole floats hold the cache's elements (f32, or 16-bit in pairs).
    kvCache.assign((cacheBytes + 3) / 4, 0.f);
    paddedIds.assign(s.prefillTokens, 0);
    prefillArgs =
        bind(prefill, paddedIds.data(), &chunkStart, &last, prefillLogits);
    decodeArgs = bind(decode, &token, &position, nullptr, decodeLogits);
  }

  GenerationResult result;
  // Prefill in chunks of the bucket: [0, S), [S, 2S), ... and a last chunk
  // that ends with the prompt, [L - S, L), recomputing rows the one before
  // it wrote (the same values). A prompt shorter than the bucket is padded
  // (padding never reaches the prompt's logits and its cache rows are
  // overwritten by decode).
  int64_t promptLength = prompt.size(), bucket = s.prefillTokens;
  std::vector<int64_t> starts;
  for (int64_t begin = 0; begin + bucket < promptLength; begin += bucket)
    starts.push_back(begin);
  starts.push_back(std::max<int64_t>(0, promptLength - bucket));
  result.prefillChunks = starts.size();
  auto start = std::chrono::steady_clock::now();
  int64_t logitRowsKept = 0;
  for (int64_t begin : starts) {
    int64_t rows = std::min(bucket, promptLength - begin);
    std::fill(paddedIds.begin(), paddedIds.end(), 0);
    std::copy(prompt.begin() + begin, prompt.begin() + begin + rows,
              paddedIds.begin());
    chunkStart = begin;
    last = rows - 1;
    run(prefill, prefillArgs, paddedIds.data(), prefillLogits);
    if (s.allPromptLogits) {
      // Every row's logits: keep the positions no earlier chunk gave.
      int64_t from = logitRowsKept - begin;
      result.promptLogits.insert(result.promptLogits.end(),
                                 prefillLogits.begin() + from * s.vocabSize,
                                 prefillLogits.begin() + rows * s.vocabSize);
      logitRowsKept = begin + rows;
    }
  }
  result.prefillSeconds = since(start);
  const float *current = prefillLogits.data();
  if (s.allPromptLogits)
    current += last * s.vocabSize;

  Sampler sampler(options.sampler);
  position = promptLength;
  for (int64_t step = 0; step < options.newTokens; ++step) {
    if (options.keepDecodeLogits)
      result.decodeLogits.insert(result.decodeLogits.end(), current,
                                 current + s.vocabSize);
    token = sampler.next(current, s.vocabSize);
    result.generated.push_back(token);
    onToken(token);
    if (token == options.stopToken || step + 1 == options.newTokens)
      break;
    if (position >= s.maxPositions) {
      result.truncated = true;
      break;
    }
    auto t0 = std::chrono::steady_clock::now();
    run(decode, decodeArgs, &token, decodeLogits);
    result.decodeSeconds += since(t0);
    ++result.decodeSteps;
    current = decodeLogits.data();
    ++position;
  }
  return result;
}

bool kernelforge::runtime::writeLogitsNpy(const std::string &path,
                                          const std::vector<float> &logits,
                                          int64_t vocab, std::string &error) {
  NpyArray array;
  array.dtype = "f32";
  array.shape = {static_cast<int64_t>(logits.size()) / vocab, vocab};
  array.data.assign(
      reinterpret_cast<const char *>(logits.data()),
      reinterpret_cast<const char *>(logits.data() + logits.size()));
  return writeNpy(path, array, error);
}

std::vector<GenerationResult> kernelforge::runtime::generateRuns(
    Generator &generator, const std::vector<int64_t> &prompt,
    const GenerationOptions &options, int64_t repeat,
    const Tokenizer *tokenizer,
    const std::function<void(const std::string &)> &sink) {
  Utf8Stream stream(sink);
  std::vector<GenerationResult> runs;
  for (int64_t r = 0; r < std::max<int64_t>(1, repeat); ++r) {
    bool first = runs.empty();
    if (first && tokenizer)
      stream.write(tokenizer->decode(prompt));
    int64_t count = 0;
    int64_t previous = prompt.empty() ? -1 : prompt.back();
    runs.push_back(generator.generate(prompt, options, [&](int64_t token) {
      if (!first)
        return;
      if (tokenizer)
        stream.write(tokenizer->decodeNext(previous, token));
      else
        sink((count ? "," : " -> ") + std::to_string(token));
      previous = token;
      ++count;
    }));
    if (first) {
      stream.finish();
      sink("\n");
    }
  }
  return runs;
}

static double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  size_t n = values.size();
  return n % 2 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
}

GenerationSummary
kernelforge::runtime::summarize(const std::vector<GenerationResult> &runs,
                                int64_t promptTokens, int64_t prefillBucket) {
  GenerationSummary s;
  s.promptTokens = promptTokens;
  s.prefillBucket = prefillBucket;
  s.runs = runs.size();
  if (runs.empty())
    return s;
  std::vector<double> prefill, decode;
  for (const GenerationResult &r : runs) {
    prefill.push_back(r.prefillSeconds);
    if (r.decodeSteps)
      decode.push_back(r.decodeSeconds / r.decodeSteps);
    s.consistent &= r.generated == runs.front().generated;
  }
  s.generated = runs.front().generated;
  s.decodeSteps = runs.front().decodeSteps;
  s.prefillChunks = runs.front().prefillChunks;
  s.prefillMs = 1e3 * median(prefill);
  s.prefillMsMin = 1e3 * *std::min_element(prefill.begin(), prefill.end());
  s.promptTokensPerSecond = promptTokens / median(prefill);
  if (!decode.empty()) {
    s.decodeMsPerToken = 1e3 * median(decode);
    s.decodeMsPerTokenMin =
        1e3 * *std::min_element(decode.begin(), decode.end());
  }
  return s;
}

static std::string format(const char *fmt, double a, double b = 0,
                          double c = 0) {
  char buffer[128];
  std::snprintf(buffer, sizeof(buffer), fmt, a, b, c);
  return buffer;
}

std::string kernelforge::runtime::describe(const GenerationSummary &s) {
  std::string text =
      "prompt: " + std::to_string(s.promptTokens) + " tokens in " +
      format("%.1f ms (%.1f tokens/s", s.prefillMs, s.promptTokensPerSecond) +
      ", bucket " + std::to_string(s.prefillBucket) +
      (s.prefillChunks > 1
           ? " in " + std::to_string(s.prefillChunks) + " chunks"
           : std::string()) +
      "); decode: " + std::to_string(s.decodeSteps) + " tokens, " +
      format("%.2f ms/token", s.decodeMsPerToken);
  if (s.runs > 1) {
    text += "; median of " + std::to_string(s.runs) + " runs (fastest: " +
            format("%.1f ms", s.prefillMsMin);
    if (s.decodeSteps)
      text += format(", %.2f ms/token", s.decodeMsPerTokenMin);
    text += ")";
  }
  return text;
}

std::string kernelforge::runtime::jsonMembers(const GenerationSummary &s) {
  std::string tokens;
  for (int64_t t : s.generated)
    tokens += (tokens.empty() ? "" : ", ") + std::to_string(t);
  return "\"prompt_tokens\": " + std::to_string(s.promptTokens) +
         ", \"prefill_bucket\": " + std::to_string(s.prefillBucket) +
         ", \"prefill_chunks\": " + std::to_string(s.prefillChunks) +
         format(", \"prefill_ms\": %.3f, \"prefill_ms_min\": %.3f", s.prefillMs,
                s.prefillMsMin) +
         format(", \"prompt_tokens_per_s\": %.2f", s.promptTokensPerSecond) +
         ", \"generated\": [" + tokens +
         "], \"decode_steps\": " + std::to_string(s.decodeSteps) +
         format(", \"decode_ms_per_token\": %.3f, "
                "\"decode_ms_per_token_min\": %.3f",
                s.decodeMsPerToken, s.decodeMsPerTokenMin) +
         ", \"runs\": " + std::to_string(s.runs) +
         ", \"consistent\": " + (s.consistent ? "true" : "false");
}
