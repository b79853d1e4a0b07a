//===- Weights.h - Bind checkpoint tensors to entry-point parameters -*- C++ -*-===//
//
// Fills the `kf.param` arguments of a compiled entry point, by name, from a
// Hugging Face safetensors checkpoint or from a deterministic random
// initialisation, in the element type each argument declares: a checkpoint
// is converted once at load (f32, f16, bf16 in any direction, and 8-bit
// blocks; see WeightTensor), never per call.
//
//===----------------------------------------------------------------------===//

#ifndef KERNELFORGE_RUNTIME_WEIGHTS_H
#define KERNELFORGE_RUNTIME_WEIGHTS_H

#include "kernelforge/Runtime/CompiledLibrary.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace kernelforge::runtime {

/// One parameter's data, 64-byte aligned, in an entry point's element type
/// (f32, f16, bf16, i8 or f16/f32 block scales).
class WeightTensor {
public:
  WeightTensor() = default;
  WeightTensor(std::string dtype, std::vector<int64_t> shape);
  /// `bytes` bytes at `from` in a tensor of i8 [bytes]: a buffer laid out
  /// as the runner lays out weights and temporaries (64-byte aligned, 2 MiB
  /// pages where the kernel allows), which a benchmark's arguments share.
  static WeightTensor copyOf(const void *from, int64_t bytes);
  /// The size from which kernelforge-bench and the tuner copy a kernel's
  /// argument so (smaller ones stay in their own buffers).
  static constexpr int64_t kPagedArgumentBytes = int64_t(256) << 10;

  const std::string &dtype() const { return type; }
  const std::vector<int64_t> &shape() const { return dims; }
  int64_t numElements() const;
  int64_t byteSize() const;
  void *data() const { return storage.get(); }
  template <typename T> T *as() const { return static_cast<T *>(data()); }

private:
  std::string type;
  std::vector<int64_t> dims;
  std::shared_ptr<void> storage;
};

/// Parameter name -> data, in the shape and type the entry point expects.
using WeightMap = std::map<std::string, WeightTensor>;

/// The suffix of the argument that holds the block scales of an i8 weight:
/// `NAME` is i8 [a, b] and `NAME.scales` f16 or f32 [a / B, b] or
/// [a, b / B], the blocks of B consecutive values along the dimension the
/// weight is reduced over (B = 32 and f16 in the graphs KernelForge builds).
inline constexpr const char *kScalesSuffix = ".scales";

/// Reads every parameter `entry` names from `checkpointPath`. Names are
/// looked up as written and with Hugging Face's `transformer.` prefix;
/// tensors the entry point does not name (such as the `attn.bias` /
/// `attn.masked_bias` buffers) are ignored. Each is converted from the
/// checkpoint's F32, F16 or BF16 to the argument's type; an i8 argument and
/// its `.scales` are quantised from the float tensor. An I8 tensor `NAME`
/// (saveCheckpointWeights' output) needs its scales `NAME.scales` (F16 or
/// F32): read as they are into an i8 argument of the same blocks, else
/// dequantised (and requantised into the argument's blocks). A name with a
/// `{a:rows,b:rows,...}` group (`model.layers.0.self_attn.{q:64,k:16,v:16}
/// _proj.weight`) stands for those tensors stacked along their first
/// dimension, each of that many rows. Errors name the file, the tensor and
/// the expected vs found shape or type.
bool loadCheckpointWeights(const std::string &checkpointPath,
                           const EntryPoint &entry, WeightMap &weights,
                           std::string &error);

/// Writes `weights` (every `kf.param` of `entry`, in the type it is kept in)
/// to `path` as a safetensors checkpoint that loadCheckpointWeights reads
/// back without conversion: stacked parameters as their parts, an i8 weight
/// `NAME` as an I8 tensor with its scales as `NAME.scales`. False with
/// `error` naming the file or parameter otherwise.
bool saveCheckpointWeights(const std::string &path, const EntryPoint &entry,
                           const WeightMap &weights, std::string &error);

/// Writes the model directory `dir` (made if missing) that loads as
/// `modelDir` does but with `weights` as they are kept (after --dtype):
/// `dir/model.safetensors` (saveCheckpointWeights) and every other file of
/// `modelDir` (config, tokenizer; not its checkpoints), or, without one,
/// `configPath` as `dir/config.json`. The checkpoint's path, or "" with
/// `error` (naming the path; `dir` may not be `modelDir`, whose checkpoint
/// it would replace).
std::string saveModelDirectory(const std::string &dir,
                               const std::string &modelDir,
                               const std::string &configPath,
                               const EntryPoint &entry,
                               const WeightMap &weights, std::string &error);

/// A deterministic random initialisation at GPT-2's scale: matrices and
/// embeddings uniform with standard deviation 0.02, unit layer-norm scales,
/// zero biases; independent of the order in which parameters are listed and
/// of the type they are stored in (the same f32 values, then converted).
/// False with `error` for an argument type it cannot produce.
bool randomWeights(uint64_t seed, const EntryPoint &entry, WeightMap &weights,
                   std::string &error);

/// The checkpoint's element type of its 2-D tensors as an MLIR name (f32,
/// f16, bf16; i8 when any is I8), or "" with `error` when it cannot be read;
/// "mixed" when they differ.
std::string checkpointMatrixType(const std::string &checkpointPath,
                                 std::string &error);

/// The storage type the weights are kept in: `asked` when given, else the
/// checkpoint's matrices' type (int8 for I8 ones, f32 when they differ or
/// there is no checkpoint); "" with `error` when the checkpoint cannot be
/// read.
std::string weightStorageFor(const std::string &asked,
                             const std::string &checkpointPath,
                             std::string &error);

} // namespace kernelforge::runtime

#endif // KERNELFORGE_RUNTIME_WEIGHTS_H
