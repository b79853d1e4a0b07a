//===- LlamaGraph.h - LLaMA-family decoders as kf graphs --------*- C++ -*-===//
//
// Hugging Face LlamaForCausalLM as the two steps of generation, in the same
// form as GPT-2's (GPT2Graph.h), so the same runtime drives both:
//
//   @prefill(%ids: tensor<1xBxi64>, %last: index,
//            %cache: memref<LAYERS x 2 x KV_HEADS x POSITIONS x HEAD_DIM x f32>,
//            params...) -> tensor<1xVxf32>    (tensor<1xBxVxf32> with allLogits)
//   @decode(%ids: tensor<1x1xi64>, %pos: index, %cache, params...)
//
// Parameters are `kf.param` arguments under the checkpoint's names
// (model.embed_tokens.weight, model.layers.{i}.self_attn.o_proj.weight, ...;
// nn.Linear weights [out, in], read in place as `out_in`). Projections of
// one input are one parameter the loader stacks from the checkpoint's
// tensors, named after them with their rows:
// model.layers.{i}.self_attn.{q:Q,k:K,v:K}_proj.weight (and .bias) and
// model.layers.{i}.mlp.{gate:I,up:I}_proj.weight. Blocks: RMS norm, the
// q/k/v product (optional biases) sliced into heads, rotary embeddings
// (rotate-half pairs), grouped-query attention reading the cache's KV heads
// directly, the output projection, RMS norm and the SwiGLU MLP (one gate/up
// product, sliced), each around a residual.
//
//===----------------------------------------------------------------------===//

#ifndef KERNELFORGE_MODELS_LLAMA_LLAMAGRAPH_H
#define KERNELFORGE_MODELS_LLAMA_LLAMAGRAPH_H

#include "kernelforge/Models/Llama/LlamaConfig.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

#include <string>

namespace kernelforge::llama {

struct LlamaGenerationOptions {
  /// The prefill bucket (see gpt2::prefillBucket).
  int64_t prefillTokens = 16;
  /// Prefill returns the logits of every position.
  bool allLogits = false;
  /// The weight matrices' element type: f32, f16, bf16, or int8: i8 with
  /// one f16 scale per block of 32 input features (`<name>.scales`
  /// parameters, [out, in / 32], as GPT-2's int8 and llama.cpp's Q8_0).
  /// Norms and the token table stay f32.
  std::string weights = "f32";
  /// The KV cache's element type: f32, f16 or bf16 (rows rounded when
  /// written, widened when attention reads them).
  std::string kvCache = "f32";
};

/// Builds @prefill and @decode; an error names what the config or options
/// do not allow.
llvm::Expected<mlir::OwningOpRef<mlir::ModuleOp>>
buildLlamaGenerationGraph(mlir::MLIRContext *context, const LlamaConfig &config,
                          const LlamaGenerationOptions &options);

} // namespace kernelforge::llama

#endif // KERNELFORGE_MODELS_LLAMA_LLAMAGRAPH_H
