//===- DeviceMirror.cpp - Device copies of host buffers -------------------===//

#include "kernelforge/Runtime/DeviceMirror.h"

using namespace kernelforge::runtime;

DeviceMirror::~DeviceMirror() {
  if (!release)
    return;
  for (auto &[host, device] : mirrors)
    release(device.first, nullptr);
}

bool DeviceMirror::bind(const CompiledLibrary &library, std::string &error) {
  alloc = reinterpret_cast<AllocFn>(library.symbol("mgpuMemAlloc"));
  copy = reinterpret_cast<CopyFn>(library.symbol("mgpuMemcpy"));
  sync = reinterpret_cast<SyncFn>(library.symbol("mgpuStreamSynchronize"));
  release = reinterpret_cast<FreeFn>(library.symbol("mgpuMemFree"));
  if (alloc && copy && sync && release)
    return true;
  release = nullptr;
  error = "the library has no CUDA runtime functions (mgpu*); compile it with "
          "--target=cuda";
  return false;
}

void *DeviceMirror::mirror(void *host, int64_t bytes, bool upload) {
  auto it = mirrors.find(host);
  if (it != mirrors.end())
    return it->second.first;
  void *device = alloc(bytes, nullptr, false);
  mirrors[host] = {device, bytes};
  if (upload)
    copy(device, host, bytes, nullptr);
  return device;
}

void DeviceMirror::upload(void *host) {
  auto &[device, bytes] = mirrors.at(host);
  copy(device, host, bytes, nullptr);
}

void DeviceMirror::download(void *host) {
  auto &[device, bytes] = mirrors.at(host);
  copy(host, device, bytes, nullptr);
  sync(nullptr);
}

void DeviceMirror::synchronize() { sync(nullptr); }
