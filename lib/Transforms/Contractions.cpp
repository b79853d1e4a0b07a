//===- Contractions.cpp - The contractions the CPU schedule tiles ---------===//

#include "kernelforge/Transforms/Contractions.h"

#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

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

std::string mlir::kf::describeProblem(linalg::LinalgOp op) {
  std::string text;
  llvm::raw_string_ostream os(text);
  llvm::interleave(op.getStaticLoopRanges(), os, "x");
  os << ";";
  llvm::interleave(op.getIndexingMapsArray(), os, ",");
  os << ";";
  auto elementType = [&](Value v) {
    os << getElementTypeOrSelf(v.getType());
  };
  llvm::interleave(op.getDpsInputs(), os, elementType, ",");
  os << "->";
  llvm::interleave(op.getDpsInits(), os, elementType, ",");
  return text;
}
