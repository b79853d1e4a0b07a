//===- checkpoint.cpp - Fuzz loading a checkpoint into a model's weights ---===//
//
// Any bytes as a model's model.safetensors, bound to the parameters of a
// small entry point of every kind the runners' graphs have: f32, f16 and
// bf16 tensors, i8 weights with f16 or f32 block scales along either
// dimension, and projections stacked from several checkpoint tensors. The
// loader either says why the file does not fit or fills every parameter in
// its declared shape and type; what it loaded then saves
// (saveCheckpointWeights) and loads back byte for byte, as `--save-weights`
// promises.

#include "FuzzInput.h"

#include "kernelforge/Runtime/Weights.h"

#include <cstdlib>
#include <cstring>

using namespace kernelforge::runtime;

namespace {

const EntryPoint &model() {
  static const EntryPoint entry = [] {
    EntryPoint e;
    e.name = "fuzz";
    // ArgSpec{kind, dtype, shape, param}.
    e.args = {
        ArgSpec{"memref", "f32", {6, 4}, "wte.weight"},
        ArgSpec{"memref", "bf16", {4}, "h.0.ln_1.weight"},
        ArgSpec{"memref", "f16", {4}, "h.0.ln_1.bias"},
        // GPT-2's Conv1D layout: [in, out], blocks along the rows.
        ArgSpec{"memref", "i8", {64, 3}, "h.0.mlp.c_fc.weight"},
        ArgSpec{"memref", "f16", {2, 3}, "h.0.mlp.c_fc.weight.scales"},
        // nn.Linear's [out, in], blocks along the columns, f32 scales.
        ArgSpec{"memref", "i8", {3, 64}, "lm_head.weight"},
        ArgSpec{"memref", "f32", {3, 2}, "lm_head.weight.scales"},
        // LLaMA's q/k/v stacked into one matrix, and a stacked f16 bias.
        ArgSpec{"memref", "i8", {4, 32}, "layers.0.{q:2,k:1,v:1}_proj.weight"},
        ArgSpec{"memref", "f16", {4, 1},
                "layers.0.{q:2,k:1,v:1}_proj.weight.scales"},
        ArgSpec{"memref", "f16", {3}, "layers.0.{q:2,k:1}_proj.bias"},
    };
    return e;
  }();
  return entry;
}

/// Every parameter of `entry` is in `weights` with its declared type and
/// shape.
bool complete(const EntryPoint &entry, const WeightMap &weights) {
  for (const ArgSpec &arg : entry.args) {
    auto it = weights.find(arg.param);
    if (it == weights.end() || it->second.dtype() != arg.dtype ||
        it->second.shape() != arg.shape)
      return false;
  }
  return true;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const EntryPoint &entry = model();
  std::string error;
  std::string path =
      kernelforge::fuzz::asFile(data, size, "model.safetensors");
  WeightMap weights;
  if (!loadCheckpointWeights(path, entry, weights, error)) {
    if (error.empty())
      std::abort(); // a refusal says why
    return 0;
  }
  if (!complete(entry, weights))
    std::abort();
  std::string saved = kernelforge::fuzz::inputDir() + "/saved.safetensors";
  if (!saveCheckpointWeights(saved, entry, weights, error))
    std::abort();
  WeightMap again;
  if (!loadCheckpointWeights(saved, entry, again, error) ||
      !complete(entry, again))
    std::abort();
  for (const auto &[name, tensor] : weights)
    if (std::memcmp(tensor.data(), again.at(name).data(),
                    tensor.byteSize()) != 0)
      std::abort();
  return 0;
}
