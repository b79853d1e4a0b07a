//===- LibraryExports.h - What a library shows its hosts --------*- C++ -*-===//
//
// A compiled library exports, per entry point, a packed wrapper and a JSON
// signature, and the list of its entry points (LibraryABI.h spells them).
// The signatures are taken from the input module, where shapes and
// `kf.param` names are still visible; the symbols are added to the LLVM
// module it is translated to.
//
//===----------------------------------------------------------------------===//

#ifndef KERNELFORGE_LIB_DRIVER_LIBRARYEXPORTS_H
#define KERNELFORGE_LIB_DRIVER_LIBRARYEXPORTS_H

#include "mlir/IR/BuiltinOps.h"

#include <string>

namespace llvm {
class Module;
} // namespace llvm

namespace mlir::kf {

/// An entry point's name and JSON signature.
struct EntryPointSignature {
  std::string name, json;
};

/// The signatures of `module`'s public functions, which are marked to get C
/// interfaces; then the `kf.param` and `kf.role` argument attributes are
/// removed from every function (now in the signatures, they would be copied
/// onto the C wrappers' pointer arguments, where they describe no tensor).
SmallVector<EntryPointSignature> takeEntryPointSignatures(ModuleOp module);

/// Adds to `module` (translated from the MLIR module the signatures came
/// from) each entry point's packed wrapper and signature and the list of
/// entry points; an error at `loc` when an entry point has no C interface.
LogicalResult addLibraryExports(llvm::Module &module,
                                ArrayRef<EntryPointSignature> signatures,
                                Location loc);

} // namespace mlir::kf

#endif // KERNELFORGE_LIB_DRIVER_LIBRARYEXPORTS_H
