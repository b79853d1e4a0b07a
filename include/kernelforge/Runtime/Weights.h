//===- Weights.h - Bind checkpoint tensors to entry-point parameters -*- C++ -*-===//
//
// Fills the `kf.param` arguments of a compiled entry point, by name, from a
// Hugging Face safetensors checkpoint or from a deterministic random
// initialisation.
//
//===----------------------------------------------------------------------===//

#ifndef KERNELFORGE_RUNTIME_WEIGHTS_H
#define KERNELFORGE_RUNTIME_WEIGHTS_H

#include "kernelforge/Runtime/CompiledLibrary.h"

#include <map>
#include <string>
#include <vector>

namespace kernelforge::runtime {

/// Parameter name -> float32 data, in the shape the entry point expects.
using WeightMap = std::map<std::string, std::vector<float>>;

/// Reads every parameter `entry` names from `checkpointPath`. Names are
/// looked up as written and with Hugging Face's `transformer.` prefix;
/// tensors the entry point does not name (such as the `attn.bias` /
/// `attn.masked_bias` buffers) are ignored. F16 and BF16 are converted.
/// Errors name the file, the tensor and the expected vs found shape.
bool loadCheckpointWeights(const std::string &checkpointPath,
                           const EntryPoint &entry, WeightMap &weights,
                           std::string &error);

/// A deterministic random initialisation at GPT-2's scale: matrices and
/// embeddings uniform with standard deviation 0.02, unit layer-norm scales,
/// zero biases; independent of the order in which parameters are listed.
void randomWeights(uint64_t seed, const EntryPoint &entry, WeightMap &weights);

} // namespace kernelforge::runtime

#endif // KERNELFORGE_RUNTIME_WEIGHTS_H
