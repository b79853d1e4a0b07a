//===- LibraryABI.h - What a compiled library exports -----------*- C++ -*-===//
//
// The one definition of a compiled library's interface, shared by the
// compiler that writes it (lib/Driver) and the runtime that reads it
// (lib/Runtime); plain constants, so the runtime needs neither MLIR nor
// LLVM. For each public function `f` of the module:
//
//   _mlir_ciface_f(...)        MLIR's C interface: memref descriptors by
//                              pointer, results as trailing out-parameters
//   _kf_packed_f(void **args)  the same with every argument behind a pointer
//   _kf_signature_f            a NUL-terminated JSON object: {"name": "f",
//                              "args": [{"kind", "dtype", "shape", "param",
//                              "role"}, ...]} (results last)
//   _kf_entry_points           a JSON array of the public functions' names
//   _kf_allocator              two function pointers, null when loaded:
//                              void *(*)(int64_t bytes), void (*)(void *).
//                              Once a host sets them, the library's
//                              temporaries come from the first and go back
//                              to the second (which must also free what
//                              malloc and aligned_alloc returned); null,
//                              they are malloc and free
//
// An argument's role says what it is for: "input" by default, "output" for
// results, and the roles a generation step's arguments carry in the graph
// (`kf.role` argument attributes): "token_ids", "position", "last_row" (the
// row whose logits a prefill returns), "kv_cache".
// Parameters are inputs with a "param" (their checkpoint tensor's name).
//
//===----------------------------------------------------------------------===//

#ifndef KERNELFORGE_RUNTIME_LIBRARYABI_H
#define KERNELFORGE_RUNTIME_LIBRARYABI_H

namespace kernelforge::abi {

inline constexpr const char kCInterfacePrefix[] = "_mlir_ciface_";
inline constexpr const char kPackedPrefix[] = "_kf_packed_";
inline constexpr const char kSignaturePrefix[] = "_kf_signature_";
inline constexpr const char kEntryPointsSymbol[] = "_kf_entry_points";
inline constexpr const char kAllocatorSymbol[] = "_kf_allocator";
/// What `_kf_allocator` holds.
struct Allocator {
  void *(*allocate)(long long bytes);
  void (*release)(void *block);
};

// JSON keys of a signature.
inline constexpr const char kName[] = "name";
inline constexpr const char kArgs[] = "args";
inline constexpr const char kKind[] = "kind";
inline constexpr const char kDType[] = "dtype";
inline constexpr const char kShape[] = "shape";
inline constexpr const char kParam[] = "param";
inline constexpr const char kRole[] = "role";

// Kinds.
inline constexpr const char kMemRef[] = "memref";
inline constexpr const char kScalar[] = "scalar";

// Roles.
inline constexpr const char kInput[] = "input";
inline constexpr const char kOutput[] = "output";
inline constexpr const char kTokenIds[] = "token_ids";
inline constexpr const char kPosition[] = "position";
inline constexpr const char kLastRow[] = "last_row";
inline constexpr const char kKVCache[] = "kv_cache";

/// Whether `role` is one a graph may give an argument with `kf.role`.
inline bool isArgumentRole(const char *role, unsigned long length) {
  auto is = [&](const char *known) {
    unsigned long i = 0;
    for (; i < length && known[i] && known[i] == role[i]; ++i)
      ;
    return i == length && !known[i];
  };
  return is(kTokenIds) || is(kPosition) || is(kLastRow) || is(kKVCache);
}

} // namespace kernelforge::abi

#endif // KERNELFORGE_RUNTIME_LIBRARYABI_H
