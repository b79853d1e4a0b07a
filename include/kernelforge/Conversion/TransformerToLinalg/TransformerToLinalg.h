//===- TransformerToLinalg.h - kf -> linalg on tensors ----------*- C++ -*-===//

#ifndef KERNELFORGE_CONVERSION_TRANSFORMERTOLINALG_TRANSFORMERTOLINALG_H
#define KERNELFORGE_CONVERSION_TRANSFORMERTOLINALG_TRANSFORMERTOLINALG_H

#include "mlir/IR/PatternMatch.h"

namespace mlir::kf {

/// How `kf.attention` lowers.
struct AttentionLoweringOptions {
  /// An scf.forall over (batch, head, query block), each running an
  /// online-softmax loop over key tiles (flash-attention style), instead of
  /// QK^T, softmax and PV as three separate steps.
  bool fused = true;
  /// Largest key tile of the fused form; the tile used is the largest
  /// divisor of the key length not above it.
  int64_t keyTile = 64;
  /// Largest query block of the fused form (one scf.forall iteration per
  /// batch, head and query block); chosen like the key tile.
  int64_t queryTile = 64;
  /// Largest key tile of a single query's fused loop (a decode step).
  int64_t decodeKeyTile = 16;
  /// An op's own `kf.schedule = {attention_tiles = array<i64: Q, K>}` (a
  /// measured choice kf-apply-tuning attached) replaces `queryTile` and
  /// `keyTile` (or `decodeKeyTile`) where these are false: the pass's
  /// explicit options win.
  bool queryTileFixed = false, keyTileFixed = false;
};

/// gelu, silu, swiglu, add and mul: parallel linalg.generic ops.
void populateTransformerElementwiseToLinalgPatterns(RewritePatternSet &patterns);
/// linear and matmul: contractions with reduction iterators.
void populateTransformerContractionToLinalgPatterns(RewritePatternSet &patterns);
/// conv2d: an im2col gather and a contraction with the weight.
void populateTransformerConvolutionToLinalgPatterns(RewritePatternSet &patterns);
/// layer_norm, rms_norm, softmax and argmax: reductions along one axis.
void populateTransformerNormalizationToLinalgPatterns(
    RewritePatternSet &patterns);
/// split_heads, merge_heads (reshape + linalg.transpose), embedding (a gather),
/// rope and kv_cache_update.
void populateTransformerDataMovementToLinalgPatterns(
    RewritePatternSet &patterns);
/// attention, fused or decomposed.
void populateTransformerAttentionToLinalgPatterns(
    RewritePatternSet &patterns, const AttentionLoweringOptions &options);

/// Every pattern above.
void populateTransformerToLinalgConversionPatterns(
    RewritePatternSet &patterns, const AttentionLoweringOptions &options);

} // namespace mlir::kf

#endif // KERNELFORGE_CONVERSION_TRANSFORMERTOLINALG_TRANSFORMERTOLINALG_H
