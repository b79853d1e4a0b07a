//===- Contractions.cpp - The contractions the CPU schedule tiles ---------===//

#include "kernelforge/Transforms/Contractions.h"

#include "kernelforge/Target/CPUTargetModel.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include "llvm/Support/raw_ostream.h"

using namespace mlir;

bool mlir::kf::isTiledContraction(linalg::LinalgOp op) {
  auto iterators = op.getIteratorTypesArray();
  return op.getNumReductionLoops() == 1 && op.getNumParallelLoops() >= 1 &&
         iterators.back() == utils::IteratorType::reduction &&
         op.getNumDpsInputs() == 2 && linalg::isaContractionOpInterface(op);
}

bool mlir::kf::isTuningProblem(linalg::LinalgOp op) {
  return op.hasPureTensorSemantics() && isTiledContraction(op) &&
         !ShapedType::isDynamicShape(op.getStaticLoopRanges()) &&
         !op->getParentOfType<scf::ForallOp>();
}

bool mlir::kf::hasIndexingMaps(linalg::LinalgOp op,
                               ArrayRef<SmallVector<AffineExpr>> results) {
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  if (maps.size() != results.size())
    return false;
  for (auto [map, exprs] : llvm::zip(maps, results))
    if (map != AffineMap::get(op.getNumLoops(), 0, exprs, op.getContext()))
      return false;
  return true;
}

linalg::GenericOp mlir::kf::dequantizingProducer(Value weight) {
  Value v = weight;
  while (auto slice = v.getDefiningOp<tensor::ExtractSliceOp>())
    v = slice.getSource();
  auto collapse = v.getDefiningOp<tensor::CollapseShapeOp>();
  if (!collapse)
    return nullptr;
  auto dequantize = collapse.getSrc().getDefiningOp<linalg::GenericOp>();
  if (!dequantize || !dequantize->hasAttr(kDequantizeAttrName) ||
      dequantize.getNumDpsInputs() != 2)
    return nullptr;
  return dequantize;
}

std::string mlir::kf::describeProblem(linalg::LinalgOp op, bool bf16Products) {
  std::string text;
  llvm::raw_string_ostream os(text);
  llvm::interleave(op.getStaticLoopRanges(), os, "x");
  os << ";";
  llvm::interleave(op.getIndexingMapsArray(), os, ",");
  os << ";";
  auto elementType = [&](Value v) {
    os << getElementTypeOrSelf(v.getType());
  };
  // The i8 blocks ([k / B, B, n] or [n, k / B, B]) and their scales, read
  // at (d0, d2) of the blocks' three dims or (d0, d1), an input is
  // dequantised from.
  auto storage = [&](Value v) {
    linalg::GenericOp dequantize = dequantizingProducer(v);
    if (!dequantize)
      return elementType(v);
    Value blocks = dequantize.getDpsInputs()[0];
    Value scales = dequantize.getDpsInputs()[1];
    AffineMap scalesMap = dequantize.getIndexingMapsArray()[1];
    bool inOut = scalesMap.getNumResults() == 2 &&
                 scalesMap.getResult(1) == getAffineDimExpr(2, op.getContext());
    os << getElementTypeOrSelf(blocks.getType()) << "/"
       << cast<ShapedType>(blocks.getType()).getDimSize(inOut ? 1 : 2) << "*"
       << getElementTypeOrSelf(scales.getType());
  };
  llvm::interleave(op.getDpsInputs(), os, storage, ",");
  os << "->";
  llvm::interleave(op.getDpsInits(), os, elementType, ",");
  if (bf16Products && targetHasBF16Dot(op)) {
    SmallVector<int64_t> ranges = op.getStaticLoopRanges();
    Value weight = op.getDpsInputs()[1];
    // (An i8 weight's is the f32 it is dequantised to.)
    if (ranges.size() == 3 && ranges[0] > 1 &&
        isa<Float32Type, BFloat16Type>(getElementTypeOrSelf(weight.getType())))
      os << ";bf16-products";
  }
  return text;
}
