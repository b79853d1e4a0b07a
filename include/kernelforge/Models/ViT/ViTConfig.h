//===- ViTConfig.h - Hugging Face ViT image classifier configuration -*- C++ -*-===//
//
// The fields of a `ViTConfig` (config.json, model_type vit) that shape a
// ViTForImageClassification graph, validated so that every tensor has a
// consistent shape; and the preprocessing its preprocessor_config.json asks
// for.
//
//===----------------------------------------------------------------------===//

#ifndef KERNELFORGE_MODELS_VIT_VITCONFIG_H
#define KERNELFORGE_MODELS_VIT_VITCONFIG_H

#include "kernelforge/Dialect/Transformer/IR/TransformerOps.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>
#include <vector>

namespace kernelforge::vit {

struct ViTConfig {
  int64_t hiddenSize = 0;       ///< hidden_size
  int64_t numLayers = 0;        ///< num_hidden_layers
  int64_t numHeads = 0;         ///< num_attention_heads
  int64_t intermediateSize = 0; ///< intermediate_size
  int64_t imageSize = 0;        ///< image_size (square)
  int64_t patchSize = 0;        ///< patch_size
  int64_t numChannels = 3;      ///< num_channels
  double layerNormEps = 1e-12;  ///< layer_norm_eps
  bool qkvBias = true;          ///< qkv_bias
  /// hidden_act: gelu (erf) or gelu_new / gelu_pytorch_tanh (tanh).
  mlir::kf::GeluApproximation gelu = mlir::kf::GeluApproximation::Erf;
  /// id2label, in id order ("0", "1", ... when the config has none).
  std::vector<std::string> labels;

  int64_t patchesPerSide() const { return imageSize / patchSize; }
  /// Patches plus the class token.
  int64_t tokens() const { return patchesPerSide() * patchesPerSide() + 1; }
};

/// Parses config.json text; `source` names it in errors.
llvm::Expected<ViTConfig> parseViTConfig(llvm::StringRef json,
                                         llvm::StringRef source);
llvm::Expected<ViTConfig> loadViTConfig(llvm::StringRef path);

/// What preprocessor_config.json says to do to an image before the model:
/// resize to size x size (bilinear), scale pixel values by `rescale`, then
/// (x - mean[c]) / std[c].
struct ViTPreprocessing {
  bool resize = true;
  int64_t height = 0, width = 0;
  bool rescale = true;
  double rescaleFactor = 1.0 / 255.0;
  bool normalize = true;
  std::vector<double> mean, std;
};

/// Reads preprocessor_config.json (ViTImageProcessor's keys do_resize,
/// size, do_rescale, rescale_factor, do_normalize, image_mean, image_std);
/// a missing file gives the processor's defaults for `config`.
llvm::Expected<ViTPreprocessing>
loadViTPreprocessing(llvm::StringRef path, const ViTConfig &config);

} // namespace kernelforge::vit

#endif // KERNELFORGE_MODELS_VIT_VITCONFIG_H
