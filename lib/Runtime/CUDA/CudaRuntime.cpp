//===- CudaRuntime.cpp - The mgpu* functions MLIR's GPU lowering calls ----===//
//
// The host code that `gpu-to-llvm` emits calls `mgpuModuleLoad`,
// `mgpuLaunchKernel`, `mgpuMemAlloc`, ... (signatures as LLVM 22 emits them).
// This library implements them over the CUDA driver API, which it loads at
// run time (libcuda.so.1): it builds without the CUDA toolkit, and a program
// using it on a machine without a driver or GPU stops with a message instead
// of failing to start. CUDA initialises lazily, on first use: module loads
// run from global constructors, before ordinary static initialisers.
// All work goes to one stream; launches are asynchronous and
// mgpuStreamSynchronize waits. Device memory freed by compiled code is kept
// for reuse (BlockCache.h), so neither allocation nor free goes to the driver
// or waits in the steady state. Every failing call names the CUDA error and,
// for launches, the kernel.
//
//===----------------------------------------------------------------------===//

#include "BlockCache.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <dlfcn.h>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace {

// The driver API, declared here (a stable C ABI) instead of via cuda.h.
using CUresult = int;
using CUdevice = int;
using CUcontext = struct CUctx_st *;
using CUmodule = struct CUmod_st *;
using CUfunction = struct CUfunc_st *;
using CUstream = struct CUstream_st *;
using CUevent = struct CUevent_st *;
using CUdeviceptr = unsigned long long;

struct Driver {
  CUresult (*cuInit)(unsigned);
  CUresult (*cuDeviceGetCount)(int *);
  CUresult (*cuDeviceGet)(CUdevice *, int);
  CUresult (*cuDevicePrimaryCtxRetain)(CUcontext *, CUdevice);
  CUresult (*cuCtxSetCurrent)(CUcontext);
  CUresult (*cuModuleLoadData)(CUmodule *, const void *);
  CUresult (*cuModuleUnload)(CUmodule);
  CUresult (*cuModuleGetFunction)(CUfunction *, CUmodule, const char *);
  CUresult (*cuLaunchKernel)(CUfunction, unsigned, unsigned, unsigned, unsigned,
                             unsigned, unsigned, unsigned, CUstream, void **,
                             void **);
  CUresult (*cuStreamCreate)(CUstream *, unsigned);
  CUresult (*cuStreamSynchronize)(CUstream);
  CUresult (*cuStreamWaitEvent)(CUstream, CUevent, unsigned);
  CUresult (*cuEventCreate)(CUevent *, unsigned);
  CUresult (*cuEventDestroy)(CUevent);
  CUresult (*cuEventRecord)(CUevent, CUstream);
  CUresult (*cuEventSynchronize)(CUevent);
  CUresult (*cuMemAlloc)(CUdeviceptr *, size_t);
  CUresult (*cuMemAllocManaged)(CUdeviceptr *, size_t, unsigned);
  CUresult (*cuMemFree)(CUdeviceptr);
  CUresult (*cuMemcpyAsync)(CUdeviceptr, CUdeviceptr, size_t, CUstream);
  CUresult (*cuMemsetD32Async)(CUdeviceptr, unsigned, size_t, CUstream);
  CUresult (*cuMemsetD16Async)(CUdeviceptr, unsigned short, size_t, CUstream);
  CUresult (*cuMemHostRegister)(void *, size_t, unsigned);
  CUresult (*cuMemHostUnregister)(void *);
  CUresult (*cuGetErrorName)(CUresult, const char **);
};

/// Reports and ends the process with status 1. _Exit, not exit: module
/// loads run from the library's constructors, inside dlopen, where running
/// atexit handlers would deadlock on the loader's lock.
[[noreturn]] void die(const std::string &message) {
  std::fprintf(stderr, "kernelforge CUDA runtime: %s\n", message.c_str());
  std::fflush(stderr);
  std::_Exit(1);
}

struct State {
  Driver driver{};
  CUcontext context = nullptr;
  CUstream stream = nullptr;
  std::mutex mutex;
  std::unordered_map<CUfunction, std::string> kernelNames;
  int device = 0;
  /// Device blocks, reused once freed (guarded by `mutex`).
  std::unique_ptr<kernelforge::runtime::BlockCache> blocks;
  CUresult lastAllocation = 0;
};

State &state();

std::string errorName(CUresult result) {
  const char *name = nullptr;
  if (state().driver.cuGetErrorName &&
      state().driver.cuGetErrorName(result, &name) == 0 && name)
    return name;
  return "CUDA error " + std::to_string(result);
}

void check(CUresult result, const char *call, const std::string &what = "") {
  if (result != 0)
    die(std::string(call) + " failed" + (what.empty() ? "" : " for " + what) +
        ": " + errorName(result));
}

template <typename T> void load(void *lib, T &fn, const char *name) {
  fn = reinterpret_cast<T>(dlsym(lib, name));
  if (!fn)
    die(std::string("the CUDA driver has no ") + name);
}

/// The driver, a context on the default device and the stream, set up on
/// first use (function-local statics: safe from global constructors).
State &state() {
  static State s;
  static std::once_flag once;
  std::call_once(once, [] {
    void *lib = dlopen("libcuda.so.1", RTLD_NOW | RTLD_GLOBAL);
    if (!lib)
      die("no CUDA driver (libcuda.so.1 could not be loaded: " +
          std::string(dlerror()) +
          "); a GPU and its driver are needed to "
          "run CUDA code");
    Driver &d = s.driver;
    load(lib, d.cuGetErrorName, "cuGetErrorName");
    load(lib, d.cuInit, "cuInit");
    load(lib, d.cuDeviceGetCount, "cuDeviceGetCount");
    load(lib, d.cuDeviceGet, "cuDeviceGet");
    load(lib, d.cuDevicePrimaryCtxRetain, "cuDevicePrimaryCtxRetain");
    load(lib, d.cuCtxSetCurrent, "cuCtxSetCurrent");
    load(lib, d.cuModuleLoadData, "cuModuleLoadData");
    load(lib, d.cuModuleUnload, "cuModuleUnload");
    load(lib, d.cuModuleGetFunction, "cuModuleGetFunction");
    load(lib, d.cuLaunchKernel, "cuLaunchKernel");
    load(lib, d.cuStreamCreate, "cuStreamCreate");
    load(lib, d.cuStreamSynchronize, "cuStreamSynchronize");
    load(lib, d.cuStreamWaitEvent, "cuStreamWaitEvent");
    load(lib, d.cuEventCreate, "cuEventCreate");
    load(lib, d.cuEventDestroy, "cuEventDestroy_v2");
    load(lib, d.cuEventRecord, "cuEventRecord");
    load(lib, d.cuEventSynchronize, "cuEventSynchronize");
    load(lib, d.cuMemAlloc, "cuMemAlloc_v2");
    load(lib, d.cuMemAllocManaged, "cuMemAllocManaged");
    load(lib, d.cuMemFree, "cuMemFree_v2");
    load(lib, d.cuMemcpyAsync, "cuMemcpyAsync");
    load(lib, d.cuMemsetD32Async, "cuMemsetD32Async");
    load(lib, d.cuMemsetD16Async, "cuMemsetD16Async");
    load(lib, d.cuMemHostRegister, "cuMemHostRegister_v2");
    load(lib, d.cuMemHostUnregister, "cuMemHostUnregister");
    check(d.cuInit(0), "cuInit");
    int count = 0;
    check(d.cuDeviceGetCount(&count), "cuDeviceGetCount");
    if (count == 0)
      die("the CUDA driver reports no GPU");
    if (const char *env = std::getenv("KF_CUDA_DEVICE"))
      s.device = std::atoi(env);
    CUdevice device;
    check(d.cuDeviceGet(&device, s.device), "cuDeviceGet",
          "device " + std::to_string(s.device));
    check(d.cuDevicePrimaryCtxRetain(&s.context, device),
          "cuDevicePrimaryCtxRetain");
    check(d.cuCtxSetCurrent(s.context), "cuCtxSetCurrent");
    check(d.cuStreamCreate(&s.stream, /*CU_STREAM_NON_BLOCKING=*/1),
          "cuStreamCreate");
    kernelforge::runtime::BlockCache::Driver blocks;
    blocks.allocate = [](size_t bytes) -> void * {
      CUdeviceptr ptr = 0;
      s.lastAllocation = s.driver.cuMemAlloc(&ptr, bytes);
      return s.lastAllocation == 0 ? reinterpret_cast<void *>(ptr) : nullptr;
    };
    blocks.free = [](void *ptr) {
      check(s.driver.cuMemFree(reinterpret_cast<CUdeviceptr>(ptr)),
            "cuMemFree");
    };
    blocks.synchronize = [] {
      check(s.driver.cuStreamSynchronize(s.stream), "cuStreamSynchronize");
    };
    s.blocks = std::make_unique<kernelforge::runtime::BlockCache>(blocks);
  });
  // Other threads need the context current too (once per thread).
  thread_local bool current = false;
  if (!current) {
    s.driver.cuCtxSetCurrent(s.context);
    current = true;
  }
  return s;
}

/// The stream the host code passed, or the runtime's own.
CUstream streamOr(void *stream) {
  return stream ? static_cast<CUstream>(stream) : state().stream;
}

} // namespace

extern "C" {

void *mgpuModuleLoad(void *data, int64_t /*size*/) {
  CUmodule module = nullptr;
  check(state().driver.cuModuleLoadData(&module, data), "cuModuleLoadData");
  return module;
}

void *mgpuModuleLoadJIT(void *data, int /*optLevel*/) {
  // cuModuleLoadData JIT-compiles PTX text for the device.
  CUmodule module = nullptr;
  check(state().driver.cuModuleLoadData(&module, data), "cuModuleLoadData",
        "PTX");
  return module;
}

void mgpuModuleUnload(void *module) {
  state().driver.cuModuleUnload(static_cast<CUmodule>(module));
}

void *mgpuModuleGetFunction(void *module, const char *name) {
  State &s = state();
  CUfunction function = nullptr;
  check(s.driver.cuModuleGetFunction(&function, static_cast<CUmodule>(module),
                                     name),
        "cuModuleGetFunction", std::string("kernel '") + name + "'");
  std::lock_guard<std::mutex> lock(s.mutex);
  s.kernelNames[function] = name;
  return function;
}

void mgpuLaunchKernel(void *function, int64_t gridX, int64_t gridY,
                      int64_t gridZ, int64_t blockX, int64_t blockY,
                      int64_t blockZ, int32_t smem, void *stream, void **params,
                      void **extra, int64_t /*paramsCount*/) {
  State &s = state();
  CUresult result = s.driver.cuLaunchKernel(
      static_cast<CUfunction>(function), gridX, gridY, gridZ, blockX, blockY,
      blockZ, smem, streamOr(stream), params, extra);
  if (result != 0) {
    std::string name = "kernel";
    {
      std::lock_guard<std::mutex> lock(s.mutex);
      auto it = s.kernelNames.find(static_cast<CUfunction>(function));
      if (it != s.kernelNames.end())
        name = "kernel '" + it->second + "'";
    }
    die("cuLaunchKernel failed for " + name + " (grid " +
        std::to_string(gridX) + "x" + std::to_string(gridY) + "x" +
        std::to_string(gridZ) + ", block " + std::to_string(blockX) + "x" +
        std::to_string(blockY) + "x" + std::to_string(blockZ) +
        "): " + errorName(result));
  }
}

// One stream for everything: "creating" a stream hands it out, destroying
// it does nothing, so consecutive launches stay asynchronous.
void *mgpuStreamCreate() { return state().stream; }
void mgpuStreamDestroy(void *) {}
void mgpuStreamSynchronize(void *stream) {
  State &s = state();
  check(s.driver.cuStreamSynchronize(streamOr(stream)), "cuStreamSynchronize",
        "the kernels launched before it");
}
void mgpuStreamWaitEvent(void *stream, void *event) {
  check(state().driver.cuStreamWaitEvent(static_cast<CUstream>(stream),
                                         static_cast<CUevent>(event), 0),
        "cuStreamWaitEvent");
}

void *mgpuEventCreate() {
  CUevent event = nullptr;
  check(state().driver.cuEventCreate(&event, /*CU_EVENT_DISABLE_TIMING=*/2),
        "cuEventCreate");
  return event;
}
void mgpuEventDestroy(void *event) {
  state().driver.cuEventDestroy(static_cast<CUevent>(event));
}
void mgpuEventSynchronize(void *event) {
  check(state().driver.cuEventSynchronize(static_cast<CUevent>(event)),
        "cuEventSynchronize");
}
void mgpuEventRecord(void *event, void *stream) {
  check(state().driver.cuEventRecord(static_cast<CUevent>(event),
                                     static_cast<CUstream>(stream)),
        "cuEventRecord");
}

void *mgpuMemAlloc(uint64_t size, void * /*stream*/, bool hostShared) {
  State &s = state();
  if (size == 0)
    return nullptr;
  if (hostShared) {
    CUdeviceptr ptr = 0;
    check(s.driver.cuMemAllocManaged(&ptr, size, /*CU_MEM_ATTACH_GLOBAL=*/1),
          "cuMemAllocManaged", std::to_string(size) + " bytes");
    return reinterpret_cast<void *>(ptr);
  }
  std::lock_guard<std::mutex> lock(s.mutex);
  void *block = s.blocks->allocate(size);
  if (!block)
    check(s.lastAllocation ? s.lastAllocation : /*OUT_OF_MEMORY=*/2,
          "cuMemAlloc", std::to_string(size) + " bytes");
  return block;
}

void mgpuMemFree(void *ptr, void * /*stream*/) {
  if (!ptr)
    return;
  State &s = state();
  {
    // Whatever uses the block next is queued after its last use.
    std::lock_guard<std::mutex> lock(s.mutex);
    if (s.blocks->release(ptr))
      return;
  }
  // Managed memory: wait for the kernels that may still read it.
  s.driver.cuStreamSynchronize(s.stream);
  check(s.driver.cuMemFree(reinterpret_cast<CUdeviceptr>(ptr)), "cuMemFree");
}

void mgpuMemcpy(void *dst, void *src, int64_t size, void *stream) {
  State &s = state();
  check(s.driver.cuMemcpyAsync(reinterpret_cast<CUdeviceptr>(dst),
                               reinterpret_cast<CUdeviceptr>(src), size,
                               streamOr(stream)),
        "cuMemcpyAsync", std::to_string(size) + " bytes");
}

void mgpuMemset32(void *dst, uint32_t value, int64_t count, void *stream) {
  State &s = state();
  check(s.driver.cuMemsetD32Async(reinterpret_cast<CUdeviceptr>(dst), value,
                                  count, streamOr(stream)),
        "cuMemsetD32Async");
}

void mgpuMemset16(void *dst, uint16_t value, int64_t count, void *stream) {
  State &s = state();
  check(s.driver.cuMemsetD16Async(reinterpret_cast<CUdeviceptr>(dst), value,
                                  count, streamOr(stream)),
        "cuMemsetD16Async");
}

/// A ranked memref descriptor: {allocated, aligned, offset, sizes, strides}.
static void hostRange(int64_t rank, void *descriptor, int64_t elementSize,
                      char *&begin, size_t &bytes) {
  auto *words = static_cast<int64_t *>(descriptor);
  begin = reinterpret_cast<char *>(words[1]) + words[2] * elementSize;
  int64_t count = 1;
  for (int64_t i = 0; i < rank; ++i)
    count *= words[3 + i];
  bytes = static_cast<size_t>(count * elementSize);
}

void mgpuMemHostRegisterMemRef(int64_t rank, void *descriptor,
                               int64_t elementSize) {
  char *begin;
  size_t bytes;
  hostRange(rank, descriptor, elementSize, begin, bytes);
  check(state().driver.cuMemHostRegister(begin, bytes, 0), "cuMemHostRegister");
}

void mgpuMemHostUnregisterMemRef(int64_t rank, void *descriptor,
                                 int64_t elementSize) {
  char *begin;
  size_t bytes;
  hostRange(rank, descriptor, elementSize, begin, bytes);
  state().driver.cuMemHostUnregister(begin);
}

void mgpuSetDefaultDevice(int32_t device) {
  setenv("KF_CUDA_DEVICE", std::to_string(device).c_str(), 1);
}

} // extern "C"
