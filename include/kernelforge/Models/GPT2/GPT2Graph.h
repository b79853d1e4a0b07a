//===- GPT2Graph.h - build a GPT-2 forward graph in the kf dialect -*- C++ -*-===//

#ifndef KERNELFORGE_MODELS_GPT2_GPT2GRAPH_H
#define KERNELFORGE_MODELS_GPT2_GPT2GRAPH_H

#include "kernelforge/Models/GPT2/GPT2Config.h"
#include "kernelforge/Models/GraphBuilder.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

#include <optional>
#include <string>

namespace kernelforge::gpt2 {

/// The element type the weight matrices (the four per block, the token
/// embedding and an untied head) are kept in. Activations, the KV cache,
/// biases, norm parameters and the position table stay f32; 16-bit matrices
/// are widened in registers inside the products and the embedding gather.
/// Int8: i8 matrices with one f16 scale per block of kQuantBlock values
/// along the input features (`<name>.scales` parameters; llama.cpp's Q8_0
/// layout, 34 bytes per 32 values), dequantised in registers.
enum class WeightStorage { F32, F16, BF16, Int8 };
inline constexpr int64_t kQuantBlock = models::kQuantBlock;

/// "f32", "f16", "bf16", "int8".
llvm::StringRef stringifyWeightStorage(WeightStorage storage);
std::optional<WeightStorage> parseWeightStorage(llvm::StringRef name);

/// Shape of the token batch the graph is built for.
struct GPT2GraphOptions {
  int64_t batch = 1;
  int64_t seqLen = 0; ///< 0: the model's n_positions
  WeightStorage weights = WeightStorage::F32;
};

/// Builds `func.func @gpt2(ids, params...) -> logits` with one private
/// `func.func @gpt2_block` called per layer. Parameters are arguments tagged
/// `kf.param` with their Hugging Face names (`wte.weight`,
/// `h.0.attn.c_attn.weight`, ...). Fails when the options do not fit the
/// config (e.g. a sequence longer than n_positions).
llvm::Expected<mlir::OwningOpRef<mlir::ModuleOp>>
buildGPT2Graph(mlir::MLIRContext *context, const GPT2Config &config,
               const GPT2GraphOptions &options);

/// The two steps of generation with a KV cache.
enum class GPT2Step { Prefill, Decode };

struct GPT2GenerationOptions {
  /// The prefill bucket: prompts are padded to this length with any token
  /// (the padding sits after the prompt, so causal attention never sees it,
  /// and its cache rows are overwritten by the following decode steps).
  int64_t prefillTokens = 16;
  /// Prefill returns the logits of every position instead of one.
  bool allLogits = false;
  WeightStorage weights = WeightStorage::F32;
  /// The element type the KV cache is kept in: f32, f16 or bf16. 16-bit:
  /// each new key and value row is rounded to it (to nearest even) when
  /// written, and attention widens it in registers; the scores, softmax and
  /// sums stay f32.
  std::string kvCache = "f32";
};

/// Builds a module with the two steps of generation, each reading and
/// writing the caller's KV cache in place ([layer][0] keys, [layer][1]
/// values, rows by position):
///
///   @prefill(%ids: tensor<1xBxi64>, %last: index,
///            %cache: memref<LAYERS x 2 x HEADS x POSITIONS x HEAD_DIM x T>,
///            params...) -> tensor<1xVxf32>   (tensor<1xBxVxf32> with allLogits)
///   @decode(%ids: tensor<1x1xi64>, %pos: index, %cache: memref<...>,
///           params...) -> tensor<1xVxf32>
///
/// Prefill writes cache rows [0, B) and returns the logits at position
/// `last`; decode writes row `pos` and returns that token's logits. T is
/// the `kvCache` type.
/// Parameters are `kf.param`-named arguments as in buildGPT2Graph.
llvm::Expected<mlir::OwningOpRef<mlir::ModuleOp>>
buildGPT2GenerationGraph(mlir::MLIRContext *context, const GPT2Config &config,
                         const GPT2GenerationOptions &options);

/// [n_layer, 2, n_head, n_positions, head_dim], the KV cache's shape.
llvm::SmallVector<int64_t> gpt2CacheShape(const GPT2Config &config);

} // namespace kernelforge::gpt2

#endif // KERNELFORGE_MODELS_GPT2_GPT2GRAPH_H
