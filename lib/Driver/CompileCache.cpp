//===- CompileCache.cpp - Compiled libraries reused across runs -----------===//

#include "kernelforge/Driver/CompileCache.h"

#include "kernelforge/Driver/Tuner.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/xxhash.h"
#include "llvm/TargetParser/Host.h"

#include <chrono>
#include <dlfcn.h>

using namespace mlir;

std::string kf::defaultCompileCacheDir() {
  if (auto env = llvm::sys::Process::GetEnv("KF_CACHE_DIR"))
    return *env;
  SmallString<128> home;
  if (llvm::sys::path::home_directory(home)) {
    llvm::sys::path::append(home, ".cache", "kernelforge");
    return std::string(home);
  }
  SmallString<128> tmp;
  llvm::sys::path::system_temp_directory(true, tmp);
  llvm::sys::path::append(tmp, "kernelforge-cache");
  return std::string(tmp);
}

/// This compiler's identity: a hash of the file holding this code (a tool,
/// or the Python extension), so a rebuilt compiler never reuses libraries
/// an older one produced.
static uint64_t compilerIdentity() {
  static uint64_t identity = [] {
    Dl_info info;
    void *self = reinterpret_cast<void *>(&compilerIdentity);
    if (!dladdr(self, &info) || !info.dli_fname)
      return uint64_t(0);
    // A tool's own code is named as it was started (its bare name when
    // found on PATH), which need not open from here: read the executable.
    std::string file = info.dli_fname;
    if (!llvm::sys::path::is_absolute(file))
      file = llvm::sys::fs::getMainExecutable(nullptr, self);
    auto buffer = llvm::MemoryBuffer::getFile(file);
    if (!buffer)
      return uint64_t(0);
    return llvm::xxh3_64bits(
        llvm::arrayRefFromStringRef((*buffer)->getBuffer()));
  }();
  return identity;
}

FailureOr<kf::CachedLibrary>
kf::compileCached(ModuleOp module, const CompileOptions &options,
                  StringRef optionsText, StringRef cacheDir, StringRef prefix,
                  StringRef what, llvm::raw_ostream *progress) {
  std::string dir = cacheDir.empty() ? defaultCompileCacheDir() : cacheDir.str();
  if (std::error_code ec = llvm::sys::fs::create_directories(dir))
    return module.emitError("cannot create the cache directory '")
           << dir << "': " << ec.message();
  std::string text;
  {
    llvm::raw_string_ostream os(text);
    module.print(os);
  }
  // Measured schedules change the code: the tuning cache's contents are
  // part of the key.
  uint64_t tuning = options.target == Target::CPU
                        ? tuningCacheFingerprint(options.pipeline.tuningCache)
                        : 0;
  uint64_t key = llvm::xxh3_64bits(llvm::arrayRefFromStringRef(
      text + "\n" + std::to_string(int(options.target)) + "\n" +
      llvm::sys::getHostCPUName().str() + "\n" + optionsText.str() + "\n" +
      std::to_string(compilerIdentity()) + "\n" + std::to_string(tuning)));
  SmallString<128> library(dir);
  llvm::sys::path::append(library,
                          llvm::formatv("{0}-{1:x16}.so", prefix, key).str());
  CachedLibrary result;
  result.path = std::string(library);
  result.cached = llvm::sys::fs::exists(library);
  if (result.cached)
    return result;
  if (progress) {
    *progress << "compiling " << what << " ... ";
    progress->flush();
  }
  auto start = std::chrono::steady_clock::now();
  // Written under a private name and renamed: another process never sees a
  // half-written library.
  SmallString<128> partial(library);
  partial += llvm::formatv(".{0}.tmp", llvm::sys::Process::getProcessId()).str();
  if (failed(compileModule(module, options, partial))) {
    llvm::sys::fs::remove(partial);
    if (progress)
      *progress << "failed\n";
    return failure();
  }
  if (std::error_code ec = llvm::sys::fs::rename(partial, library))
    return module.emitError("cannot move the compiled library into the cache: ")
           << ec.message();
  result.compileSeconds = std::chrono::duration<double>(
                              std::chrono::steady_clock::now() - start)
                              .count();
  if (progress)
    *progress << llvm::formatv("{0:F1} s\n", result.compileSeconds);
  return result;
}
