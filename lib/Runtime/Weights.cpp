//===- Weights.cpp - Bind checkpoint tensors to entry-point parameters ----===//

#include "kernelforge/Runtime/Weights.h"
#include "kernelforge/Runtime/ElementType.h"
#include "kernelforge/Runtime/NumberFormats.h"
#include "kernelforge/Runtime/SafeTensors.h"

#include "HugePages.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <new>
#include <optional>
#include <set>
#include <sstream>

using namespace kernelforge::runtime;

namespace {

/// Weights of 64 KiB or more share 2 MiB-aligned chunks of huge pages, one
/// after another: decode streams every one of them per token, and a
/// mat-vec that walks a row-major [k, n] weight down its columns would
/// touch a new 4 KiB page per row. A mapping per tensor would waste up to a
/// huge page at each one's end (tens of megabytes for GPT-2), and heap
/// memory freed by an earlier buffer (a checkpoint's f32 copy before its
/// conversion) has been touched already and keeps its 4 KiB pages whatever
/// it is advised. A chunk is unmapped when the last tensor in it goes.
class WeightChunks {
public:
  static constexpr uintptr_t kMinBytes = uintptr_t(64) << 10;

  /// 64-byte aligned, zero-filled storage for `bytes` (a multiple of 64),
  /// or null where no mapping can be made.
  std::shared_ptr<void> take(uintptr_t bytes) {
    std::lock_guard<std::mutex> lock(mutex);
    // A tensor of half a chunk or more gets a chunk of its own and leaves
    // the current one's rest to the next.
    if (bytes >= kChunkBytes / 2) {
      std::shared_ptr<Chunk> own = newChunk(bytes);
      return own ? at(own, own->begin) : nullptr;
    }
    if (!current || limit - next < bytes) {
      current = newChunk(kChunkBytes);
      if (!current)
        return nullptr;
      next = current->begin;
      limit = current->begin + current->size;
    }
    std::shared_ptr<void> storage = at(current, next);
    next += bytes;
    return storage;
  }

private:
  static constexpr uintptr_t kChunkBytes = uintptr_t(32) << 20;

  struct Chunk {
    Chunk(uintptr_t begin, uintptr_t size) : begin(begin), size(size) {}
    Chunk(const Chunk &) = delete;
    Chunk &operator=(const Chunk &) = delete;
    ~Chunk() { unmapHugePages(reinterpret_cast<void *>(begin), size); }
    const uintptr_t begin, size;
  };

  static std::shared_ptr<Chunk> newChunk(uintptr_t bytes) {
    void *region = mapHugePages(bytes);
    if (!region)
      return nullptr;
    return std::make_shared<Chunk>(reinterpret_cast<uintptr_t>(region),
                                   bytes);
  }

  /// `address` in `chunk`, keeping the chunk mapped while it is held.
  static std::shared_ptr<void> at(const std::shared_ptr<Chunk> &chunk,
                                  uintptr_t address) {
    return std::shared_ptr<void>(chunk, reinterpret_cast<void *>(address));
  }

  std::mutex mutex;
  std::shared_ptr<Chunk> current;
  uintptr_t next = 0, limit = 0;
};

/// The float32 values of one tensor while it is converted, in a mapping of
/// its own (huge pages from 2 MiB up) that goes back to the system when the
/// tensor is done: the heap, which the Generator's mallopt keeps from
/// shrinking, would hold on to the largest (GPT-2's embedding, 154 MB) next
/// to the weights. Not cleared: whoever fills it writes every value (zeroing
/// and faulting in fresh 4 KiB pages first took about half of an int8 or
/// bf16 load's time).
class ScratchValues {
public:
  explicit ScratchValues(int64_t count)
      : bytes(std::max<uintptr_t>(1, uintptr_t(count) * 4)) {
    huge = bytes >= kHugePageBytes && (region = mapHugePages(bytes));
    if (!huge && !(region = mapPages(bytes)))
      throw std::bad_alloc();
  }
  ScratchValues(const ScratchValues &) = delete;
  ScratchValues &operator=(const ScratchValues &) = delete;
  ~ScratchValues() {
    if (huge)
      unmapHugePages(region, bytes);
    else
      unmapPages(region, bytes);
  }

  float *data() { return static_cast<float *>(region); }

private:
  uintptr_t bytes;
  void *region = nullptr;
  bool huge = false;
};

/// Never destroyed: tensors may outlive static destruction.
WeightChunks &weightChunks() {
  static WeightChunks *chunks = new WeightChunks;
  return *chunks;
}

} // namespace

WeightTensor::WeightTensor(std::string dtype, std::vector<int64_t> shape)
    : type(std::move(dtype)), dims(std::move(shape)) {
  int64_t bytes = std::max<int64_t>(64, (byteSize() + 63) / 64 * 64);
  if (uintptr_t(bytes) >= WeightChunks::kMinBytes)
    storage = weightChunks().take(bytes);
  if (!storage) {
    storage = std::shared_ptr<void>(std::aligned_alloc(64, bytes), std::free);
    if (!storage)
      throw std::bad_alloc();
  }
  // Every element is written by whoever fills the tensor; only the padding
  // past it is cleared here (chunks are zero-filled already).
  std::memset(static_cast<char *>(storage.get()) + byteSize(), 0,
              bytes - byteSize());
}

WeightTensor WeightTensor::copyOf(const void *from, int64_t bytes) {
  WeightTensor copy("i8", {bytes});
  std::memcpy(copy.data(), from, bytes);
  return copy;
}

int64_t WeightTensor::numElements() const { return elementCount(dims); }

int64_t WeightTensor::byteSize() const {
  return numElements() * elementBytes(type);
}

namespace {

std::string shapeString(const std::vector<int64_t> &shape) {
  std::ostringstream os;
  os << "[";
  for (size_t i = 0; i < shape.size(); ++i)
    os << (i ? ", " : "") << shape[i];
  os << "]";
  return os.str();
}

bool endsWith(const std::string &s, const std::string &suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

/// The argument named `param` of `entry`, or null.
const ArgSpec *findParam(const EntryPoint &entry, const std::string &param) {
  for (const ArgSpec &arg : entry.args)
    if (arg.param == param)
      return &arg;
  return nullptr;
}

/// The scales of an i8 weight fill the `.scales` argument along with it.
bool isScalesOfQuantized(const EntryPoint &entry, const ArgSpec &arg) {
  if (!endsWith(arg.param, kScalesSuffix))
    return false;
  const ArgSpec *base = findParam(
      entry, arg.param.substr(0, arg.param.size() - strlen(kScalesSuffix)));
  return base && base->dtype == "i8";
}

/// How an i8 weight of `weight`'s shape is divided by scales of `scales`'
/// shape: blocks along its rows (`[k / B, n]` scales of a `[k, n]` weight)
/// or along its columns (`[n, k / B]` of `[n, k]`).
struct BlockLayout {
  bool alongRows = false;
  int64_t blocks = 0, block = 0;
};

/// The layout, or none with `why` saying what does not fit.
std::optional<BlockLayout> blockLayout(const std::vector<int64_t> &weight,
                                       const std::vector<int64_t> &scales,
                                       std::string &why) {
  if (weight.size() == 2 && scales.size() == 2) {
    int64_t rows = weight[0], cols = weight[1];
    bool alongRows = scales[1] == cols && scales[0] < rows;
    bool alongCols = scales[0] == rows && scales[1] < cols;
    int64_t blocks = alongRows ? scales[0] : scales[1];
    int64_t length = alongRows ? rows : cols;
    if (alongRows != alongCols && blocks > 0 && length % blocks == 0)
      return BlockLayout{alongRows, blocks, length / blocks};
  }
  why = "scales " + shapeString(scales) + " do not divide the i8 weight " +
        shapeString(weight) + " into blocks along one dimension";
  return std::nullopt;
}

/// Float32 `values` of `arg`'s shape stored as `arg` declares; an i8 weight
/// also fills its scales. Empty string on success, else why not.
std::string store(const EntryPoint &entry, const ArgSpec &arg,
                  const float *values, WeightMap &weights) {
  const std::string &t = arg.dtype;
  if (t == "f32" || t == "f16" || t == "bf16") {
    WeightTensor tensor(t, arg.shape);
    int64_t n = tensor.numElements();
    if (t == "f32")
      std::memcpy(tensor.data(), values, n * 4);
    else if (t == "f16")
      for (int64_t i = 0; i < n; ++i)
        tensor.as<uint16_t>()[i] = floatToHalf(values[i]);
    else
      for (int64_t i = 0; i < n; ++i)
        tensor.as<uint16_t>()[i] = floatToBFloat16(values[i]);
    weights[arg.param] = std::move(tensor);
    return "";
  }
  if (t != "i8")
    return "cannot store a weight as " + t + " (expected f32, f16, bf16 or i8)";
  std::string scalesName = arg.param + kScalesSuffix;
  const ArgSpec *scales = findParam(entry, scalesName);
  if (!scales || (scales->dtype != "f32" && scales->dtype != "f16") ||
      scales->shape.size() != 2 || arg.shape.size() != 2)
    return "an i8 weight needs a 2-D weight and an f16 or f32 '" +
           scalesName + "' argument of 2 dimensions";
  // Blocks run along the dimension the scales are shorter in.
  std::string why;
  std::optional<BlockLayout> layout =
      blockLayout(arg.shape, scales->shape, why);
  if (!layout)
    return why;
  int64_t rows = arg.shape[0], cols = arg.shape[1];
  bool alongRows = layout->alongRows;
  int64_t blocks = layout->blocks, block = layout->block;
  bool half = scales->dtype == "f16";
  WeightTensor q("i8", arg.shape), s(scales->dtype, scales->shape);
  // Stores block `index`'s scale; false where f16 cannot hold it.
  auto setScale = [&](int64_t index, float scale) {
    if (half)
      s.as<uint16_t>()[index] = floatToHalf(scale);
    else
      s.as<float>()[index] = scale;
    return std::isfinite(scale);
  };
  bool finite = true;
  if (alongRows) {
    std::vector<float> blockScales(cols);
    for (int64_t b = 0; b < blocks; ++b) {
      quantizeColumns(&values[b * block * cols], block, cols,
                      q.as<int8_t>() + b * block * cols, blockScales.data(),
                      half);
      for (int64_t c = 0; c < cols; ++c)
        finite &= setScale(b * cols + c, blockScales[c]);
    }
  } else {
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t b = 0; b < blocks; ++b)
        finite &= setScale(
            r * blocks + b,
            quantizeBlock(&values[r * cols + b * block], block, 1,
                          q.as<int8_t>() + r * cols + b * block, 1, half));
  }
  if (!finite)
    return "cannot quantise '" + arg.param + "' to int8: a block of it holds " +
           "a value beyond what its " + scales->dtype +
           " scales hold (|x| > 127 * 65504 with f16 scales, or not finite)";
  weights[arg.param] = std::move(q);
  weights[scalesName] = std::move(s);
  return "";
}

/// Safetensors dtypes and the argument element types they hold.
constexpr std::pair<const char *, const char *> kFileTypes[] = {
    {"F32", "f32"}, {"F16", "f16"}, {"BF16", "bf16"}, {"I8", "i8"}};

/// MLIR's name of a safetensors dtype ("" for others).
std::string mlirName(const std::string &dtype) {
  for (auto [file, mlir] : kFileTypes)
    if (dtype == file)
      return mlir;
  return "";
}

/// The safetensors name of an argument's element type ("" for others).
std::string fileTypeName(const std::string &dtype) {
  for (auto [file, mlir] : kFileTypes)
    if (dtype == mlir)
      return file;
  return "";
}

/// The float32 values of an I8 tensor `q` with its `scales` (F16 or F32, in
/// either block layout), q * scale. Empty string on success, else why not.
std::string dequantizeInto(const SafeTensor &q, const SafeTensor &scales,
                           float *out) {
  if (scales.dtype != "F16" && scales.dtype != "F32")
    return "its scales are " + scales.dtype + ", expected F16 or F32";
  std::string why;
  std::optional<BlockLayout> layout = blockLayout(q.shape, scales.shape, why);
  if (!layout)
    return why;
  std::vector<float> values(scales.numElements());
  if (!SafeTensorsFile::toFloat32(scales, values.data(), why))
    return why;
  int64_t cols = q.shape[1];
  const int8_t *bytes = reinterpret_cast<const int8_t *>(q.data);
  for (int64_t i = 0, n = q.numElements(); i < n; ++i) {
    int64_t r = i / cols, c = i % cols;
    float scale = layout->alongRows
                      ? values[r / layout->block * cols + c]
                      : values[r * layout->blocks + c / layout->block];
    out[i] = bytes[i] * scale;
  }
  return "";
}

/// `from` (F16 or F32 scales) as `to` (an f16 or f32 argument): copied, or
/// converted; "" on success, else why not.
std::string convertScales(const SafeTensor &from, WeightTensor &to, char *at) {
  if (from.dtype != "F16" && from.dtype != "F32")
    return "scales of dtype " + from.dtype + ", expected F16 or F32";
  std::string why;
  if (to.dtype() == "f32") {
    SafeTensorsFile::toFloat32(from, reinterpret_cast<float *>(at), why);
    return "";
  }
  if (from.dtype == "F16") {
    std::memcpy(at, from.data, from.bytes);
    return "";
  }
  // F32 scales into f16 ones.
  int64_t n = from.numElements();
  std::vector<float> values(n);
  SafeTensorsFile::toFloat32(from, values.data(), why);
  for (int64_t i = 0; i < n; ++i) {
    uint16_t half = floatToHalf(values[i]);
    if (std::isfinite(values[i]) && !std::isfinite(halfToFloat(half)))
      return "a scale of " + std::to_string(values[i]) + " does not fit f16";
    std::memcpy(at + 2 * i, &half, 2);
  }
  return "";
}

} // namespace

/// The tensor named `name`, else the one tensor whose name ends in
/// ".<name>": a checkpoint that nests the model under a prefix (a task
/// head's wrapper, e.g. GPT2LMHeadModel's `transformer.`). Null when none;
/// `error` when several do.
static const SafeTensor *findNested(const SafeTensorsFile &file,
                                    const std::string &name,
                                    std::string &error) {
  if (const SafeTensor *exact = file.find(name))
    return exact;
  const SafeTensor *found = nullptr;
  std::string foundName;
  for (const auto &[candidate, tensor] : file.tensors()) {
    if (candidate.size() <= name.size() + 1 ||
        candidate.compare(candidate.size() - name.size(), name.size(),
                          name) != 0 ||
        candidate[candidate.size() - name.size() - 1] != '.')
      continue;
    if (found) {
      error = "both '" + foundName + "' and '" + candidate + "' could be '" +
              name + "'";
      return nullptr;
    }
    found = &tensor;
    foundName = candidate;
  }
  return found;
}

namespace {

/// One checkpoint tensor a parameter is made of, and its rows (-1: the
/// parameter's own shape).
struct Part {
  std::string name;
  int64_t rows = -1;
};

/// The checkpoint tensors a parameter stands for: its own name, or, for a
/// name with a `{a:rows,b:rows,...}` group (projections merged into one
/// matrix, such as `model.layers.0.self_attn.{q:64,k:16,v:16}_proj.weight`),
/// the name with each alternative in turn, whose tensors of that many rows
/// are stacked along their first dimension.
std::vector<Part> partsOf(const std::string &param) {
  size_t open = param.find('{'), close = param.find('}', open);
  if (open == std::string::npos || close == std::string::npos)
    return {{param}};
  std::vector<Part> parts;
  std::string group = param.substr(open + 1, close - open - 1);
  for (size_t start = 0;;) {
    size_t comma = group.find(',', start);
    std::string alt = group.substr(start, comma - start);
    size_t colon = alt.find(':');
    Part part{param.substr(0, open) + alt.substr(0, colon) +
              param.substr(close + 1)};
    if (colon != std::string::npos)
      part.rows = std::atoll(alt.c_str() + colon + 1);
    parts.push_back(std::move(part));
    if (comma == std::string::npos)
      return parts;
    start = comma + 1;
  }
}

/// The scales argument of the i8 weight `arg` filled from the checkpoint's
/// `partScales` (one per part in `names`), copied or converted between f16
/// and f32; none (and `why` empty) when their shapes are not the model's
/// blocks, so that the caller requantises; `why` when they cannot be used.
std::optional<WeightTensor> blockScales(
    const EntryPoint &entry, const ArgSpec &arg, const std::vector<Part> &names,
    const std::vector<const SafeTensor *> &partScales, std::string &why) {
  const ArgSpec *spec = findParam(entry, arg.param + kScalesSuffix);
  if (!spec || spec->shape.size() != 2 || arg.shape.size() != 2) {
    why = "the model's i8 weight '" + arg.param + "' has no 2-D '" + arg.param +
          kScalesSuffix + "' argument";
    return std::nullopt;
  }
  // Stacked parts stack their scales' rows too: blocks along the columns.
  bool alongCols = spec->shape[0] == arg.shape[0];
  if (names.size() > 1 && !alongCols)
    return std::nullopt;
  for (size_t i = 0; i < names.size(); ++i) {
    std::vector<int64_t> expected = spec->shape;
    if (names[i].rows >= 0)
      expected[0] = names[i].rows;
    if (partScales[i]->shape != expected)
      return std::nullopt;
  }
  WeightTensor scales(spec->dtype, spec->shape);
  char *at = static_cast<char *>(scales.data());
  int64_t elementBytes = spec->dtype == "f16" ? 2 : 4;
  for (size_t i = 0; i < names.size(); ++i) {
    if (std::string problem = convertScales(*partScales[i], scales, at);
        !problem.empty()) {
      why = "tensor '" + names[i].name + kScalesSuffix + "': " + problem;
      return std::nullopt;
    }
    at += partScales[i]->numElements() * elementBytes;
  }
  return scales;
}

} // namespace

bool kernelforge::runtime::loadCheckpointWeights(
    const std::string &checkpointPath, const EntryPoint &entry,
    WeightMap &weights, std::string &error) {
  std::unique_ptr<SafeTensorsFile> file =
      SafeTensorsFile::open(checkpointPath, error);
  if (!file)
    return false;
  for (const ArgSpec &arg : entry.args) {
    if (arg.param.empty() || weights.count(arg.param) ||
        isScalesOfQuantized(entry, arg))
      continue;
    // The parameter's tensor, or the tensors stacked into it.
    std::vector<Part> names = partsOf(arg.param);
    std::string stacked =
        names.size() == 1 ? ""
                          : " (stacked with " +
                                std::to_string(names.size() - 1) +
                                " others into '" + arg.param + "' " +
                                shapeString(arg.shape) + ")";
    std::vector<const SafeTensor *> parts;
    int64_t rows = 0;
    for (const Part &part : names) {
      std::vector<int64_t> shape = arg.shape;
      if (part.rows >= 0 && !shape.empty())
        shape[0] = part.rows;
      const SafeTensor *tensor = findNested(*file, part.name, error);
      if (!error.empty()) {
        error = checkpointPath + ": " + error;
        return false;
      }
      if (!tensor) {
        error = checkpointPath + ": no tensor '" + part.name +
                "' (nor one ending in '." + part.name +
                "'), which the model needs with shape " + shapeString(shape) +
                stacked;
        return false;
      }
      if (tensor->shape != shape) {
        error = checkpointPath + ": tensor '" + part.name +
                "': expected shape " + shapeString(shape) + ", found " +
                shapeString(tensor->shape) + stacked;
        return false;
      }
      rows += shape.empty() ? 1 : shape[0];
      parts.push_back(tensor);
    }
    std::string what = "tensor '" + arg.param + "'";
    if (names.size() > 1 && (arg.shape.empty() || rows != arg.shape[0])) {
      error = checkpointPath + ": " + what + ": its parts have " +
              std::to_string(rows) + " rows together, expected " +
              shapeString(arg.shape);
      return false;
    }
    // An I8 tensor comes with its block scales, `NAME.scales`.
    std::vector<const SafeTensor *> partScales(parts.size(), nullptr);
    for (size_t i = 0; i < parts.size(); ++i) {
      if (parts[i]->dtype != "I8")
        continue;
      std::string scalesName = names[i].name + kScalesSuffix;
      partScales[i] = findNested(*file, scalesName, error);
      if (!error.empty()) {
        error = checkpointPath + ": " + error;
        return false;
      }
      if (!partScales[i]) {
        error = checkpointPath + ": tensor '" + names[i].name +
                "' is I8 but there is no '" + scalesName +
                "' tensor with its block scales";
        return false;
      }
    }
    // Same type: the bytes as they are (and an i8 weight's scales, when
    // their blocks are the model's).
    if (std::all_of(parts.begin(), parts.end(), [&](const SafeTensor *t) {
          return mlirName(t->dtype) == arg.dtype;
        })) {
      std::optional<WeightTensor> scales;
      if (arg.dtype == "i8") {
        std::string why;
        scales = blockScales(entry, arg, names, partScales, why);
        if (!why.empty()) {
          error = checkpointPath + ": " + why;
          return false;
        }
      }
      if (arg.dtype != "i8" || scales) {
        WeightTensor same(arg.dtype, arg.shape);
        char *to = static_cast<char *>(same.data());
        for (const SafeTensor *tensor : parts) {
          size_t bytes = tensor->bytes;
          std::memcpy(to, tensor->data, bytes);
          to += bytes;
        }
        weights[arg.param] = std::move(same);
        if (scales)
          weights[arg.param + kScalesSuffix] = std::move(*scales);
        continue;
      }
    }
    // Otherwise converted through float32: I8 tensors dequantised, an i8
    // weight quantised into the model's blocks (which gives I8 tensors of
    // those blocks back exactly).
    ScratchValues values(elementCount(arg.shape));
    std::string why;
    float *to = values.data();
    bool converted = true;
    for (size_t i = 0; i < parts.size(); ++i) {
      const SafeTensor *tensor = parts[i];
      if (partScales[i]) {
        why = dequantizeInto(*tensor, *partScales[i], to);
        if (!why.empty())
          why = "its scales '" + names[i].name + kScalesSuffix + "': " + why;
        converted = why.empty();
      } else {
        converted = SafeTensorsFile::toFloat32(*tensor, to, why);
      }
      if (!converted)
        break;
      to += tensor->numElements();
    }
    if (!converted ||
        !(why = store(entry, arg, values.data(), weights)).empty()) {
      error = checkpointPath + ": " + what + ": " + why;
      return false;
    }
  }
  return true;
}

bool kernelforge::runtime::randomWeights(uint64_t seed, const EntryPoint &entry,
                                         WeightMap &weights,
                                         std::string &error) {
  for (const ArgSpec &arg : entry.args) {
    if (arg.param.empty() || weights.count(arg.param) ||
        isScalesOfQuantized(entry, arg))
      continue;
    int64_t count = arg.numElements();
    ScratchValues values(count);
    float *data = values.data();
    const std::string &name = arg.param;
    bool isBias = endsWith(name, ".bias");
    bool isNormScale = (name.find("ln_") != std::string::npos ||
                        name.find("norm") != std::string::npos) &&
                       !isBias;
    if (isBias) {
      std::fill(data, data + count, 0.f);
    } else if (isNormScale) {
      std::fill(data, data + count, 1.f);
    } else {
      // Seeded by the name, so the values do not depend on argument order;
      // splitmix64 keeps them identical everywhere.
      uint64_t state = seed ^ 0x9E3779B97F4A7C15ull;
      for (unsigned char ch : name) // FNV-1a of the name
        state = (state ^ ch) * 1099511628211ull;
      auto next = [&]() {
        uint64_t z = (state += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
      };
      // Uniform on [-a, a] with a = 0.02 * sqrt(3): GPT-2's standard
      // deviation of 0.02, without a transcendental per value.
      const double scale = 0.02 * std::sqrt(3.0) * 0x1.0p-52;
      for (int64_t i = 0; i < count; ++i)
        data[i] = static_cast<float>((static_cast<double>(next() >> 11) -
                                      0x1.0p52) * scale);
    }
    if (std::string why = store(entry, arg, data, weights); !why.empty()) {
      error = "parameter '" + name + "': " + why;
      return false;
    }
  }
  return true;
}

std::string kernelforge::runtime::checkpointMatrixType(
    const std::string &checkpointPath, std::string &error) {
  std::unique_ptr<SafeTensorsFile> file =
      SafeTensorsFile::open(checkpointPath, error);
  if (!file)
    return "";
  std::string found;
  // Matrices in 8-bit blocks make an i8 checkpoint, whatever else it holds
  // (their scales, embeddings kept in float).
  for (const auto &[name, tensor] : file->tensors())
    if (tensor.shape.size() == 2 && tensor.dtype == "I8")
      return "i8";
  for (const auto &[name, tensor] : file->tensors()) {
    if (tensor.shape.size() != 2)
      continue;
    std::string type = mlirName(tensor.dtype);
    if (type.empty())
      continue;
    if (!found.empty() && found != type)
      return "mixed";
    found = type;
  }
  if (found.empty())
    error = checkpointPath + ": no 2-D float tensor";
  return found;
}

std::string kernelforge::runtime::weightStorageFor(
    const std::string &asked, const std::string &checkpointPath,
    std::string &error) {
  if (!asked.empty())
    return asked;
  if (checkpointPath.empty())
    return "f32";
  std::string type = checkpointMatrixType(checkpointPath, error);
  if (type == "i8")
    return "int8"; // --dtype's name
  return type == "mixed" ? "f32" : type;
}

bool kernelforge::runtime::saveCheckpointWeights(const std::string &path,
                                                 const EntryPoint &entry,
                                                 const WeightMap &weights,
                                                 std::string &error) {
  std::vector<SafeTensorData> tensors;
  std::set<std::string> seen;
  for (const ArgSpec &arg : entry.args) {
    if (arg.param.empty() || !seen.insert(arg.param).second)
      continue;
    auto it = weights.find(arg.param);
    if (it == weights.end()) {
      error = path + ": no weights are bound to parameter '" + arg.param + "'";
      return false;
    }
    const WeightTensor &weight = it->second;
    std::string type = fileTypeName(weight.dtype());
    if (type.empty()) {
      error = path + ": parameter '" + arg.param + "' is " + weight.dtype() +
              ", which a checkpoint does not hold";
      return false;
    }
    // Stacked parameters go back to their parts, row by row.
    std::vector<Part> parts = partsOf(arg.param);
    const std::vector<int64_t> &shape = weight.shape();
    int64_t rows = 0;
    for (const Part &part : parts)
      rows += part.rows;
    if (parts.size() > 1 && (shape.empty() || rows != shape[0])) {
      error = path + ": parameter '" + arg.param + "' " + shapeString(shape) +
              " does not split into its parts' rows";
      return false;
    }
    int64_t rowBytes =
        shape.empty() || shape[0] == 0 ? 0 : weight.byteSize() / shape[0];
    const char *at = static_cast<const char *>(weight.data());
    for (const Part &part : parts) {
      std::vector<int64_t> partShape = shape;
      size_t bytes = weight.byteSize();
      if (part.rows >= 0) {
        partShape[0] = part.rows;
        bytes = part.rows * rowBytes;
      }
      tensors.push_back({part.name, type, partShape, at, bytes});
      at += bytes;
    }
  }
  std::map<std::string, std::string> metadata = {
      {"format", "pt"},
      {"kernelforge",
       "weights as KernelForge keeps them; an I8 tensor NAME holds 8-bit "
       "values whose scales are NAME.scales, one per block of consecutive "
       "values along the dimension the scales are shorter in"}};
  return writeSafeTensors(path, tensors, metadata, error);
}

std::string kernelforge::runtime::saveModelDirectory(
    const std::string &dir, const std::string &modelDir,
    const std::string &configPath, const EntryPoint &entry,
    const WeightMap &weights, std::string &error) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!modelDir.empty() && fs::exists(dir, ec) &&
      fs::equivalent(dir, modelDir, ec)) {
    error = "'" + dir + "' is the model directory itself: its checkpoint " +
            "would be replaced; save to another directory";
    return "";
  }
  fs::create_directories(dir, ec);
  if (ec || !fs::is_directory(dir, ec)) {
    error = "cannot make the directory '" + dir + "': " + ec.message();
    return "";
  }
  // Everything but checkpoints: config, tokenizer (llama2.c's tokenizer.bin
  // included), generation settings.
  auto isCheckpoint = [](const fs::path &path) {
    static const char *const suffixes[] = {
        ".safetensors", ".safetensors.index.json", ".pt", ".pth", ".ckpt",
        ".gguf"};
    std::string name = path.filename().string();
    return name.rfind("pytorch_model", 0) == 0 ||
           std::any_of(
               std::begin(suffixes), std::end(suffixes),
               [&](const char *suffix) { return endsWith(name, suffix); });
  };
  std::vector<std::pair<fs::path, fs::path>> copies;
  if (!modelDir.empty()) {
    for (const fs::directory_entry &entry :
         fs::directory_iterator(modelDir, ec))
      if (entry.is_regular_file() && !isCheckpoint(entry.path()))
        copies.push_back(
            {entry.path(), fs::path(dir) / entry.path().filename()});
    if (ec) {
      error = "cannot list '" + modelDir + "': " + ec.message();
      return "";
    }
  } else if (!configPath.empty()) {
    copies.push_back({configPath, fs::path(dir) / "config.json"});
  }
  for (const auto &[from, to] : copies) {
    // A read-only copy from an earlier save is replaced, not written into.
    fs::remove(to, ec);
    if (!fs::copy_file(from, to, ec)) {
      error = "cannot copy '" + from.string() + "' to '" + to.string() +
              "': " + ec.message();
      return "";
    }
  }
  std::string checkpoint = (fs::path(dir) / "model.safetensors").string();
  if (!saveCheckpointWeights(checkpoint, entry, weights, error))
    return "";
  return checkpoint;
}
