//===- CompiledLibrary.h - Load and call compiled KernelForge code -*- C++ -*-===//
//
// The host side of the ABI kernelforge-compile produces. Every public
// function `f` of a compiled module is exported as
//   - `_mlir_ciface_f(desc*...)`: MLIR's C interface (memref descriptors by
//     pointer, results as trailing out-parameters);
//   - `_kf_packed_f(void **args)`: the same, with one pointer per argument;
//   - `_kf_signature_f`: a JSON description of the arguments;
// and `_kf_entry_points` lists the functions. This library reads those, builds
// the descriptors and calls entry points with host buffers. It needs neither
// MLIR nor LLVM at run time.
//
//===----------------------------------------------------------------------===//

#ifndef KERNELFORGE_RUNTIME_COMPILEDLIBRARY_H
#define KERNELFORGE_RUNTIME_COMPILEDLIBRARY_H

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace kernelforge::runtime {

/// One argument of an entry point.
struct ArgSpec {
  /// "memref" or "scalar".
  std::string kind;
  /// Element type as MLIR prints it: f32, f16, bf16, i64, i32, index.
  std::string dtype;
  std::vector<int64_t> shape;
  /// The checkpoint tensor it binds to (`kf.param`), if any.
  std::string param;
  /// What it is for (LibraryABI.h): "input", "output", or a generation
  /// step's "token_ids", "position", "kv_cache" (`kf.role`).
  std::string role;
  bool isOutput = false;

  bool isMemRef() const { return kind == "memref"; }
  bool hasRole(const char *wanted) const { return role == wanted; }
  int64_t numElements() const;
  /// Bytes per element (0 for an unknown type).
  int64_t elementBytes() const;
  /// "f32[2, 3]"-style description for messages.
  std::string describe() const;
};

struct EntryPoint {
  std::string name;
  std::vector<ArgSpec> args;
  void (*packed)(void **) = nullptr;
};

/// A memref descriptor of any rank for a contiguous row-major buffer, laid
/// out as MLIR's C interface reads it: {allocated, aligned, offset,
/// sizes[rank], strides[rank]}.
class MemRefDescriptor {
public:
  MemRefDescriptor(void *data, const std::vector<int64_t> &shape);
  void *get() { return words.data(); }

private:
  std::vector<int64_t> words;
};

class CompiledLibrary {
public:
  ~CompiledLibrary();
  CompiledLibrary(const CompiledLibrary &) = delete;
  CompiledLibrary &operator=(const CompiledLibrary &) = delete;

  /// Opens a shared library produced by kernelforge-compile. On failure
  /// returns null and sets `error`. The first load fixes glibc's mmap
  /// threshold at 32 MiB (mallopt), so that the intermediate buffers a
  /// compiled graph allocates on each call are reused from the heap rather
  /// than mapped afresh every time.
  static std::unique_ptr<CompiledLibrary> load(const std::string &path,
                                               std::string &error);

  const std::vector<std::string> &entryPoints() const { return names; }
  /// A symbol of the library or of the libraries it links (null if none).
  void *symbol(const std::string &name) const;
  /// Finds `name`'s packed function and signature; false and `error` when
  /// missing or malformed.
  bool lookup(const std::string &name, EntryPoint &entry,
              std::string &error) const;

private:
  CompiledLibrary(void *handle, std::string path)
      : handle(handle), path(std::move(path)) {}
  void *handle;
  std::string path;
  std::vector<std::string> names;
};

/// Reads the JSON signature of entry point `name` (the `_kf_signature_`
/// symbol's text) into `entry`'s name and arguments: false and `error` when
/// it is malformed (not JSON, fields of the wrong type, negative sizes,
/// more bytes than a process can hold) or names an unsupported argument.
bool parseSignature(const std::string &text, const std::string &name,
                    EntryPoint &entry, std::string &error);

/// Calls `entry` with one pointer per argument, in signature order: the
/// contiguous row-major data of a memref argument (outputs are written
/// there), or a pointer to an int64_t holding a scalar.
void call(const EntryPoint &entry, const std::vector<void *> &args);

} // namespace kernelforge::runtime

#endif // KERNELFORGE_RUNTIME_COMPILEDLIBRARY_H
