//===- GenerationStep.h - What generation steps share ----------*- C++ -*-===//
//
// Every family's @decode takes (token ids, position, KV cache, parameters...)
// and its @prefill (token ids, position, last row, KV cache, parameters...):
// a prefill takes one chunk of the prompt, its ids at positions
// [position, position + S), and returns the logits of its row `last row`
// (or of every row). Both run their blocks over a caller-owned cache
// `[layers, 2, kv_heads, positions, head_dim]`. The pieces that do not
// depend on the family: the argument roles (`kf.role`, kept by the compiled
// library's signature so the runtime binds them by role), a layer's slice
// of the cache and its key/value halves, one projection's columns of a
// product that computes several, the blocks applied layer by layer, and the
// row of the last prompt token.
//
//===----------------------------------------------------------------------===//

#ifndef KERNELFORGE_MODELS_GENERATIONSTEP_H
#define KERNELFORGE_MODELS_GENERATIONSTEP_H

#include "kernelforge/Dialect/Transformer/IR/TransformerDialect.h"
#include "kernelforge/Runtime/LibraryABI.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <functional>
#include <string>

namespace kernelforge::models {

/// The types of a generation step's arguments before its parameters: token
/// ids, position, (prefill) last row, KV cache.
inline llvm::SmallVector<mlir::Type> generationStepInputs(mlir::Builder &b,
                                                          bool prefill,
                                                          mlir::Type ids,
                                                          mlir::Type cache) {
  llvm::SmallVector<mlir::Type> inputs = {ids, b.getIndexType()};
  if (prefill)
    inputs.push_back(b.getIndexType());
  inputs.push_back(cache);
  return inputs;
}

/// Marks a generation step's leading arguments with their roles: token ids,
/// position, (prefill) last row and KV cache.
inline void markGenerationStepRoles(mlir::func::FuncOp step, bool prefill) {
  llvm::SmallVector<const char *> roles = {abi::kTokenIds, abi::kPosition};
  if (prefill)
    roles.push_back(abi::kLastRow);
  roles.push_back(abi::kKVCache);
  for (auto [i, role] : llvm::enumerate(roles))
    step.setArgAttr(i, mlir::kf::TransformerDialect::getRoleAttrName(),
                    mlir::StringAttr::get(step.getContext(), role));
}

/// A private `@name(x, cache, layer, pos, params...) -> (x, cache)`, the
/// function a family's block is built in, with `b` at the start of its
/// entry block.
inline mlir::func::FuncOp
createBlockFunction(mlir::OpBuilder &b, mlir::ModuleOp module,
                    mlir::Location loc, llvm::StringRef name,
                    mlir::Type hidden, mlir::Type cache,
                    mlir::TypeRange params) {
  llvm::SmallVector<mlir::Type> inputs = {hidden, cache, b.getIndexType(),
                                          b.getIndexType()};
  llvm::append_range(inputs, params);
  b.setInsertionPointToEnd(module.getBody());
  auto fn = mlir::func::FuncOp::create(
      b, loc, name, b.getFunctionType(inputs, {hidden, cache}));
  fn.setPrivate();
  b.setInsertionPointToStart(fn.addEntryBlock());
  return fn;
}

/// Offsets, sizes and strides of `slice` (its type without the leading
/// unit dimension `rank(full) - rank(slice)` drops) at `leading` in `full`.
inline void sliceFrame(mlir::OpBuilder &b, mlir::RankedTensorType full,
                       mlir::RankedTensorType slice, mlir::OpFoldResult leading,
                       llvm::SmallVectorImpl<mlir::OpFoldResult> &offsets,
                       llvm::SmallVectorImpl<mlir::OpFoldResult> &sizes,
                       llvm::SmallVectorImpl<mlir::OpFoldResult> &strides) {
  offsets.assign(full.getRank(), b.getIndexAttr(0));
  offsets[0] = leading;
  sizes.assign({b.getIndexAttr(1)});
  for (int64_t size : slice.getShape())
    sizes.push_back(b.getIndexAttr(size));
  strides.assign(full.getRank(), b.getIndexAttr(1));
}

/// Entry `leading` of `full` along its first dimension, that dimension
/// dropped: a layer's [2, kv_heads, positions, head_dim] of the cache, or
/// the keys (0) / values (1) of a layer as [1, kv_heads, positions, D] when
/// `keepLeading`.
inline mlir::Value sliceLeading(mlir::OpBuilder &b, mlir::Location loc,
                                mlir::Value full, mlir::OpFoldResult leading,
                                bool keepLeading = false) {
  auto type = llvm::cast<mlir::RankedTensorType>(full.getType());
  llvm::SmallVector<int64_t> shape(type.getShape().drop_front());
  if (keepLeading)
    shape.insert(shape.begin(), 1);
  auto sliceType = mlir::RankedTensorType::get(shape, type.getElementType());
  auto inner = keepLeading ? mlir::RankedTensorType::get(
                                 type.getShape().drop_front(),
                                 type.getElementType())
                           : sliceType;
  llvm::SmallVector<mlir::OpFoldResult> offsets, sizes, strides;
  sliceFrame(b, type, inner, leading, offsets, sizes, strides);
  return mlir::tensor::ExtractSliceOp::create(b, loc, sliceType, full, offsets,
                                              sizes, strides);
}

/// `full` with its entry `leading` (first dimension) replaced by `slice`.
inline mlir::Value insertLeading(mlir::OpBuilder &b, mlir::Location loc,
                                 mlir::Value slice, mlir::Value full,
                                 mlir::OpFoldResult leading) {
  llvm::SmallVector<mlir::OpFoldResult> offsets, sizes, strides;
  sliceFrame(b, llvm::cast<mlir::RankedTensorType>(full.getType()),
             llvm::cast<mlir::RankedTensorType>(slice.getType()), leading,
             offsets, sizes, strides);
  return mlir::tensor::InsertSliceOp::create(b, loc, slice, full, offsets,
                                             sizes, strides);
}

/// Entries [offset, offset + size) of `x` along its last dimension: one
/// projection's columns of a product that computes several (GPT-2's
/// c_attn, a LLaMA block's stacked q/k/v and gate/up).
inline mlir::Value sliceLastDim(mlir::OpBuilder &b, mlir::Location loc,
                                mlir::Value x, int64_t offset, int64_t size) {
  auto type = llvm::cast<mlir::RankedTensorType>(x.getType());
  int64_t rank = type.getRank();
  llvm::SmallVector<mlir::OpFoldResult> offsets(rank, b.getIndexAttr(0)),
      sizes, strides(rank, b.getIndexAttr(1));
  offsets.back() = b.getIndexAttr(offset);
  for (int64_t dim : type.getShape().drop_back())
    sizes.push_back(b.getIndexAttr(dim));
  sizes.push_back(b.getIndexAttr(size));
  return mlir::tensor::ExtractSliceOp::create(b, loc, x, offsets, sizes,
                                              strides);
}

/// Calls `block(x, cache, layer, pos, params...)` for each layer, with the
/// layer's `perBlock` parameters from `params` at `first + layer *
/// perBlock`, each call located at `layerName(layer)`; returns the final
/// hidden states and cache.
inline std::pair<mlir::Value, mlir::Value>
applyLayers(mlir::OpBuilder &b, mlir::Location loc, mlir::func::FuncOp block,
            mlir::Value x, mlir::Value cache, mlir::Value pos,
            mlir::ValueRange params, size_t first, size_t perBlock,
            int64_t numLayers,
            const std::function<std::string(int64_t)> &layerName) {
  for (int64_t layer = 0; layer < numLayers; ++layer) {
    mlir::Value index = mlir::arith::ConstantIndexOp::create(b, loc, layer);
    llvm::SmallVector<mlir::Value> operands = {x, cache, index, pos};
    llvm::append_range(operands,
                       params.slice(first + layer * perBlock, perBlock));
    auto call = mlir::func::CallOp::create(
        b, mlir::NameLoc::get(b.getStringAttr(layerName(layer))), block,
        operands);
    x = call.getResult(0);
    cache = call.getResult(1);
  }
  return {x, cache};
}

/// The hidden states [1, S, E] of the prompt's last token, at `index`, as
/// [1, 1, E]: prefill puts only that row through the head.
inline mlir::Value lastTokenRow(mlir::OpBuilder &b, mlir::Location loc,
                                mlir::Value x, mlir::Value index) {
  auto type = llvm::cast<mlir::RankedTensorType>(x.getType());
  int64_t e = type.getDimSize(2);
  llvm::SmallVector<mlir::OpFoldResult> offsets = {b.getIndexAttr(0), index,
                                                   b.getIndexAttr(0)};
  llvm::SmallVector<mlir::OpFoldResult> sizes = {
      b.getIndexAttr(1), b.getIndexAttr(1), b.getIndexAttr(e)};
  llvm::SmallVector<mlir::OpFoldResult> strides(3, b.getIndexAttr(1));
  return mlir::tensor::ExtractSliceOp::create(
      b, loc, mlir::RankedTensorType::get({1, 1, e}, type.getElementType()), x,
      offsets, sizes, strides);
}

/// Logits [1, 1, V] as [1, V].
inline mlir::Value dropTokenDim(mlir::OpBuilder &b, mlir::Location loc,
                                mlir::Value logits) {
  return mlir::tensor::CollapseShapeOp::create(
      b, loc, logits,
      llvm::ArrayRef<mlir::ReassociationIndices>{{0, 1}, {2}});
}

} // namespace kernelforge::models

#endif // KERNELFORGE_MODELS_GENERATIONSTEP_H
