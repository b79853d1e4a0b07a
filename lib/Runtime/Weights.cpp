//===- Weights.cpp - Bind checkpoint tensors to entry-point parameters ----===//

#include "kernelforge/Runtime/Weights.h"
#include "kernelforge/Runtime/SafeTensors.h"

#include <cmath>
#include <random>
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
      // Box-Muller keeps them identical across standard libraries.
      uint64_t nameHash = 1469598103934665603ull; // FNV-1a
      for (unsigned char ch : name)
        nameHash = (nameHash ^ ch) * 1099511628211ull;
      std::mt19937_64 rng(seed ^ nameHash);
      std::uniform_real_distribution<double> uniform(0.0, 1.0);
      for (size_t i = 0; i < data.size(); i += 2) {
        double u1 = std::max(uniform(rng), 1e-300), u2 = uniform(rng);
        double r = std::sqrt(-2.0 * std::log(u1)), t = 2.0 * M_PI * u2;
        data[i] = static_cast<float>(0.02 * r * std::cos(t));
        if (i + 1 < data.size())
          data[i + 1] = static_cast<float>(0.02 * r * std::sin(t));
      }
    }
    weights[name] = std::move(data);
  }
}
