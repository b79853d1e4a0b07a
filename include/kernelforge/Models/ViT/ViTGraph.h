//===- ViTGraph.h - ViT image classifiers as kf graphs ----------*- C++ -*-===//
//
// Hugging Face ViTForImageClassification as one entry point:
//
//   @classify(%pixels: tensor<B x S x S x C x f32>, params...)
//       -> tensor<B x LABELS x f32>
//
// `pixels` are preprocessed images (channels last, as image files decode);
// the result is each image's logits. The patch embedding is a kf.conv2d
// (stride = kernel = patch_size), the class token goes first and the
// position embeddings are added; each encoder layer (a private function
// called once per layer) is pre-LayerNorm: layernorm_before, q/k/v
// projections, non-causal attention over all tokens, the output
// projection, a residual, layernorm_after, the GELU MLP and a residual. The
// final LayerNorm's class-token row goes through the classifier.
// Parameters are `kf.param` arguments under the checkpoint's names
// (vit.embeddings.cls_token, vit.encoder.layer.{i}.attention.attention.
// query.weight, ...; nn.Linear weights [out, in] read in place).
//
//===----------------------------------------------------------------------===//

#ifndef KERNELFORGE_MODELS_VIT_VITGRAPH_H
#define KERNELFORGE_MODELS_VIT_VITGRAPH_H

#include "kernelforge/Models/ViT/ViTConfig.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

namespace kernelforge::vit {

/// The entry point's name.
inline constexpr const char kClassifyEntry[] = "classify";

struct ViTGraphOptions {
  /// Images per call.
  int64_t batch = 1;
  /// The matrices' element type (f32, f16 or bf16); embeddings, norms and
  /// biases stay f32.
  std::string weights = "f32";
};

llvm::Expected<mlir::OwningOpRef<mlir::ModuleOp>>
buildViTClassifierGraph(mlir::MLIRContext *context, const ViTConfig &config,
                        const ViTGraphOptions &options);

} // namespace kernelforge::vit

#endif // KERNELFORGE_MODELS_VIT_VITGRAPH_H
