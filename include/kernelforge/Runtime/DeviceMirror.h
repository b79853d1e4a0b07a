//===- DeviceMirror.h - Device copies of host buffers -----------*- C++ -*-===//
//
// A library compiled with `--target=cuda` takes device pointers. This keeps
// one device copy per host buffer, through the mgpu* functions the library
// itself links (lib/Runtime/CUDA), so hosts need no CUDA code of their own.
//
//===----------------------------------------------------------------------===//

#ifndef KERNELFORGE_RUNTIME_DEVICEMIRROR_H
#define KERNELFORGE_RUNTIME_DEVICEMIRROR_H

#include "kernelforge/Runtime/CompiledLibrary.h"

#include <map>

namespace kernelforge::runtime {

class DeviceMirror {
public:
  DeviceMirror() = default;
  DeviceMirror(const DeviceMirror &) = delete;
  DeviceMirror &operator=(const DeviceMirror &) = delete;
  /// Frees every device copy.
  ~DeviceMirror();

  /// Finds the runtime functions in `library`; false with `error` when it
  /// was not compiled for CUDA.
  bool bind(const CompiledLibrary &library, std::string &error);

  /// The device copy of `host` (`bytes` long), made on first use and filled
  /// from the host then when `upload` is set.
  void *mirror(void *host, int64_t bytes, bool upload);
  /// Host -> device, for a buffer mirrored before.
  void upload(void *host);
  /// Device -> host, waiting for the work queued before it.
  void download(void *host);
  /// Waits for everything queued on the device.
  void synchronize();

private:
  using AllocFn = void *(*)(uint64_t, void *, bool);
  using CopyFn = void (*)(void *, void *, int64_t, void *);
  using SyncFn = void (*)(void *);
  using FreeFn = void (*)(void *, void *);
  AllocFn alloc = nullptr;
  CopyFn copy = nullptr;
  SyncFn sync = nullptr;
  FreeFn release = nullptr;
  /// host -> (device, bytes)
  std::map<void *, std::pair<void *, int64_t>> mirrors;
};

} // namespace kernelforge::runtime

#endif // KERNELFORGE_RUNTIME_DEVICEMIRROR_H
