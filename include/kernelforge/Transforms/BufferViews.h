//===- BufferViews.h - A buffer, its views and their uses -------*- C++ -*-===//
//
// Passes that decide whether a buffer may be freed or left unwritten ask
// the same questions: which values view it, what it is a view of, and which
// ops of a block use it through any of them.
//
//===----------------------------------------------------------------------===//

#ifndef KERNELFORGE_TRANSFORMS_BUFFERVIEWS_H
#define KERNELFORGE_TRANSFORMS_BUFFERVIEWS_H

#include "mlir/IR/Block.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

#include "llvm/ADT/SetVector.h"

#include <optional>
#include <utility>

namespace mlir::kf {

/// `buffer` and every view made of it, transitively, `buffer` first.
inline llvm::SetVector<Value> viewsOf(Value buffer) {
  llvm::SetVector<Value> views;
  views.insert(buffer);
  for (unsigned i = 0; i < views.size(); ++i)
    for (Operation *user : views[i].getUsers())
      if (auto view = dyn_cast<ViewLikeOpInterface>(user))
        if (view.getViewSource() == views[i])
          views.insert(user->result_begin(), user->result_end());
  return views;
}

/// The allocation or argument `value` is a view of (itself if none).
inline Value rootOf(Value value) {
  while (auto view = value.getDefiningOp<ViewLikeOpInterface>())
    value = view.getViewSource();
  return value;
}

/// Each use of `buffer` or of a view of it, other than making a view of it:
/// the using op and the op of `block` holding it (itself, or the op whose
/// region it is in). None when a use lies outside `block`.
inline std::optional<SmallVector<std::pair<Operation *, Operation *>>>
usesInBlock(Value buffer, Block &block) {
  SmallVector<std::pair<Operation *, Operation *>> uses;
  for (Value view : viewsOf(buffer))
    for (Operation *user : view.getUsers()) {
      Operation *ancestor = block.findAncestorOpInBlock(*user);
      if (!ancestor)
        return std::nullopt;
      auto makesView = dyn_cast<ViewLikeOpInterface>(user);
      if (makesView && makesView.getViewSource() == view)
        continue;
      uses.push_back({user, ancestor});
    }
  return uses;
}

} // namespace mlir::kf

#endif // KERNELFORGE_TRANSFORMS_BUFFERVIEWS_H
