//===- CompileCache.h - Compiled libraries reused across runs ---*- C++ -*-===//
//
// The runners compile a model's graph once per machine: the shared library
// is kept in a cache directory under a key of everything that changes the
// code (the graph's text, the target and pipeline options, the host CPU,
// this compiler's own build, the tuning cache's contents), and reused when
// the key matches.
//
//===----------------------------------------------------------------------===//

#ifndef KERNELFORGE_DRIVER_COMPILECACHE_H
#define KERNELFORGE_DRIVER_COMPILECACHE_H

#include "kernelforge/Driver/Compiler.h"

#include "llvm/Support/raw_ostream.h"

#include <string>

namespace mlir::kf {

/// $KF_CACHE_DIR, else ~/.cache/kernelforge (a temporary directory when
/// there is no home).
std::string defaultCompileCacheDir();

struct CachedLibrary {
  std::string path;
  /// Whether the library was already there (no compilation).
  bool cached = false;
  double compileSeconds = 0;
};

/// The shared library `module` compiles to with `options` (given as the
/// text `optionsText` the key records), from `cacheDir` (empty: the
/// default) or compiled into it as `<prefix>-<key>.so`. While compiling,
/// writes "compiling <what> ... 1.2 s" to `progress` when given. Errors
/// (an unwritable cache, a failed compilation) are diagnosed on the module.
FailureOr<CachedLibrary> compileCached(ModuleOp module,
                                       const CompileOptions &options,
                                       StringRef optionsText,
                                       StringRef cacheDir, StringRef prefix,
                                       StringRef what,
                                       llvm::raw_ostream *progress);

} // namespace mlir::kf

#endif // KERNELFORGE_DRIVER_COMPILECACHE_H
