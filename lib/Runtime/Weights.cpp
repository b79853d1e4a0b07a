//===- Weights.cpp - Bind checkpoint tensors to entry-point parameters ----===//

#include "kernelforge/Runtime/Weights.h"
#include "kernelforge/Runtime/SafeTensors.h"

#include <cmath>
#include <sstream>

using namespace kernelforge::runtime;

static std::string shapeString(const std::vector<int64_t> &shape) {
  std::ostringstream os;
  os << "[";
  for (size_t i = 0; i < shape.size(); ++i)
    os << (i ? ", " : "") << shape[i];
  os << "]";
  return os.str();
}

bool kernelforge::runtime::loadCheckpointWeights(
    const std::string &checkpointPath, const EntryPoint &entry,
    WeightMap &weights, std::string &error) {
  std::unique_ptr<SafeTensorsFile> file =
      SafeTensorsFile::open(checkpointPath, error);
  if (!file)
    return false;
  for (const ArgSpec &arg : entry.args) {
    if (arg.param.empty() || weights.count(arg.param))
      continue;
    const SafeTensor *tensor = file->find(arg.param);
    if (!tensor)
      tensor = file->find("transformer." + arg.param);
    if (!tensor) {
      error = checkpointPath + ": no tensor '" + arg.param + "' (nor '" +
              "transformer." + arg.param + "'), which the model needs with shape " +
              shapeString(arg.shape);
      return false;
    }
    if (tensor->shape != arg.shape) {
      error = checkpointPath + ": tensor '" + arg.param + "': expected shape " +
              shapeString(arg.shape) + ", found " + shapeString(tensor->shape);
      return false;
    }
    std::vector<float> data(tensor->numElements());
    std::string conversion;
    if (!SafeTensorsFile::toFloat32(*tensor, data.data(), conversion)) {
      error = checkpointPath + ": tensor '" + arg.param + "': " + conversion;
      return false;
    }
    weights[arg.param] = std::move(data);
  }
  return true;
}

void kernelforge::runtime::randomWeights(uint64_t seed, const EntryPoint &entry,
                                         WeightMap &weights) {
  for (const ArgSpec &arg : entry.args) {
    if (arg.param.empty() || weights.count(arg.param))
      continue;
    std::vector<float> data(arg.numElements());
    const std::string &name = arg.param;
    bool isBias = name.size() >= 5 && name.compare(name.size() - 5, 5, ".bias") == 0;
    bool isNormScale = name.find("ln_") != std::string::npos && !isBias;
    if (isBias) {
      std::fill(data.begin(), data.end(), 0.f);
    } else if (isNormScale) {
      std::fill(data.begin(), data.end(), 1.f);
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
      for (float &value : data)
        value = static_cast<float>((static_cast<double>(next() >> 11) -
                                    0x1.0p52) * scale);
    }
    weights[name] = std::move(data);
  }
}
