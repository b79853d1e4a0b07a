//===- GPT2Graph.h - build a GPT-2 forward graph in the kf dialect -*- C++ -*-===//

#ifndef KERNELFORGE_MODELS_GPT2_GPT2GRAPH_H
#define KERNELFORGE_MODELS_GPT2_GPT2GRAPH_H

#include "kernelforge/Models/GPT2/GPT2Config.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

namespace kernelforge::gpt2 {

/// Shape of the token batch the graph is built for.
struct GPT2GraphOptions {
  int64_t batch = 1;
  int64_t seqLen = 0; ///< 0: the model's n_positions
};

/// Builds `func.func @gpt2(ids, params...) -> logits` with one private
/// `func.func @gpt2_block` called per layer. Parameters are arguments tagged
/// `kf.param` with their Hugging Face names (`wte.weight`,
/// `h.0.attn.c_attn.weight`, ...). Fails when the options do not fit the
/// config (e.g. a sequence longer than n_positions).
llvm::Expected<mlir::OwningOpRef<mlir::ModuleOp>>
buildGPT2Graph(mlir::MLIRContext *context, const GPT2Config &config,
               const GPT2GraphOptions &options);

} // namespace kernelforge::gpt2

#endif // KERNELFORGE_MODELS_GPT2_GPT2GRAPH_H
