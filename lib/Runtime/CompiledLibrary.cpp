//===- CompiledLibrary.cpp - Load and call compiled KernelForge code ------===//

#include "kernelforge/Runtime/CompiledLibrary.h"
#include "kernelforge/Runtime/LibraryABI.h"
#include "kernelforge/Runtime/ElementType.h"
#include "kernelforge/Runtime/TemporaryArena.h"

#include <nlohmann/json.hpp>

#include <dlfcn.h>
#include <malloc.h>
#include <sstream>

using namespace kernelforge::runtime;
namespace abi = kernelforge::abi;

int64_t ArgSpec::numElements() const { return elementCount(shape); }

int64_t ArgSpec::elementBytes() const {
  return kernelforge::runtime::elementBytes(dtype);
}

std::string ArgSpec::describe() const {
  std::ostringstream os;
  os << dtype;
  if (isMemRef()) {
    os << "[";
    for (size_t i = 0; i < shape.size(); ++i)
      os << (i ? ", " : "") << shape[i];
    os << "]";
  }
  return os.str();
}

MemRefDescriptor::MemRefDescriptor(void *data,
                                   const std::vector<int64_t> &shape) {
  size_t rank = shape.size();
  words.resize(3 + 2 * rank);
  words[0] = reinterpret_cast<int64_t>(data);
  words[1] = reinterpret_cast<int64_t>(data);
  words[2] = 0;
  int64_t stride = 1;
  for (size_t i = rank; i-- > 0;) {
    words[3 + i] = shape[i];
    words[3 + rank + i] = stride;
    stride *= shape[i];
  }
}

CompiledLibrary::~CompiledLibrary() {
  if (handle)
    dlclose(handle);
}

/// Compiled graphs allocate their intermediate buffers on every call. glibc
/// serves blocks above its (adaptive) mmap threshold with a fresh mmap each
/// time, so a call whose buffers cross it pays page faults and zeroing for
/// all of them: measured 3.6x slower for a batch-64 ViT call (12 ms instead
/// of 3.3 ms) depending only on what the process had freed before. A fixed
/// threshold at glibc's maximum (32 MiB on 64-bit) keeps such buffers on the
/// heap, reused from call to call. CPU libraries hand their large buffers to
/// the temporary arena instead (`_kf_allocator`, set in load()); this still
/// serves the small ones, GPU libraries' host side and older libraries.
static void keepIntermediateBuffersOnTheHeap() {
  static bool done = [] {
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 64 << 20);
    return true;
  }();
  (void)done;
}

std::unique_ptr<CompiledLibrary> CompiledLibrary::load(const std::string &path,
                                                       std::string &error) {
  keepIntermediateBuffersOnTheHeap();
  // A path without a slash would be searched for in the library path.
  std::string resolved = path.find('/') == std::string::npos ? "./" + path : path;
  void *handle = dlopen(resolved.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    error = "cannot load '" + path + "': " + dlerror();
    return nullptr;
  }
  std::unique_ptr<CompiledLibrary> library(new CompiledLibrary(handle, path));
  // Large temporaries from huge-page slabs, reused from call to call.
  if (auto *hook =
          static_cast<abi::Allocator *>(dlsym(handle, abi::kAllocatorSymbol))) {
    hook->allocate = allocateTemporary;
    hook->release = releaseTemporary;
  }
  auto *list = static_cast<const char *>(dlsym(handle, abi::kEntryPointsSymbol));
  if (!list) {
    error = "'" + path +
            "' is not a KernelForge library (no " + abi::kEntryPointsSymbol +
            " symbol)";
    return nullptr;
  }
  nlohmann::json names = nlohmann::json::parse(list, nullptr, false);
  if (!names.is_array()) {
    error = "'" + path + "': malformed " + abi::kEntryPointsSymbol;
    return nullptr;
  }
  for (const auto &name : names)
    if (name.is_string())
      library->names.push_back(name.get<std::string>());
  return library;
}

void *CompiledLibrary::symbol(const std::string &name) const {
  return dlsym(handle, name.c_str());
}

bool CompiledLibrary::lookup(const std::string &name, EntryPoint &entry,
                             std::string &error) const {
  auto *packed = dlsym(handle, (abi::kPackedPrefix + name).c_str());
  auto *signature =
      static_cast<const char *>(dlsym(handle, (abi::kSignaturePrefix + name).c_str()));
  if (!packed || !signature) {
    error = "'" + path + "' has no entry point '" + name + "'";
    if (!names.empty()) {
      error += " (it has:";
      for (const std::string &n : names)
        error += " " + n;
      error += ")";
    }
    return false;
  }
  entry = EntryPoint();
  if (!parseSignature(signature, name, entry, error)) {
    error = "'" + path + "': " + error;
    return false;
  }
  entry.packed = reinterpret_cast<void (*)(void **)>(packed);
  return true;
}

bool kernelforge::runtime::parseSignature(const std::string &text,
                                          const std::string &name,
                                          EntryPoint &entry,
                                          std::string &error) {
  nlohmann::json json = nlohmann::json::parse(text, nullptr, false);
  if (!json.is_object() || !json.contains(abi::kArgs) ||
      !json[abi::kArgs].is_array()) {
    error = "malformed signature of '" + name + "'";
    return false;
  }
  entry.name = name;
  entry.args.clear();
  size_t index = 0;
  for (const auto &arg : json[abi::kArgs]) {
    std::string where =
        "argument " + std::to_string(index++) + " of '" + name + "'";
    if (!arg.is_object()) {
      error = "malformed signature: " + where + " is not an object";
      return false;
    }
    ArgSpec spec;
    // Optional strings; any other type is malformed.
    for (auto [key, field] :
         {std::pair{abi::kKind, &spec.kind}, std::pair{abi::kDType, &spec.dtype},
          std::pair{abi::kParam, &spec.param},
          std::pair{abi::kRole, &spec.role}}) {
      auto found = arg.find(key);
      if (found == arg.end())
        continue;
      if (!found->is_string()) {
        error = "malformed signature: '" + std::string(key) + "' of " + where +
                " is not a string";
        return false;
      }
      *field = found->get<std::string>();
    }
    if (spec.role.empty())
      spec.role = abi::kInput;
    spec.isOutput = spec.role == abi::kOutput;
    auto shape = arg.find(abi::kShape);
    if (shape != arg.end()) {
      if (!shape->is_array()) {
        error = "malformed signature: the shape of " + where +
                " is not an array";
        return false;
      }
      for (const auto &size : *shape) {
        if (!size.is_number_integer() || size.get<int64_t>() < 0) {
          error = "malformed signature: the shape of " + where +
                  " has a size that is not a non-negative integer";
          return false;
        }
        spec.shape.push_back(size.get<int64_t>());
      }
    }
    if ((spec.kind != abi::kMemRef && spec.kind != abi::kScalar) ||
        spec.elementBytes() == 0) {
      error = "unsupported " + where + ": " + spec.describe();
      return false;
    }
    // Its bytes must be a size this process can hold.
    int64_t bytes = checkedByteCount(spec.shape, spec.elementBytes());
    if (bytes < 0 || bytes > (int64_t(1) << 48)) {
      error = "malformed signature: " + where + " (" + spec.describe() +
              ") has more bytes than fit in memory";
      return false;
    }
    entry.args.push_back(std::move(spec));
  }
  return true;
}

void kernelforge::runtime::call(const EntryPoint &entry,
                       const std::vector<void *> &args) {
  std::vector<MemRefDescriptor> descriptors;
  descriptors.reserve(entry.args.size());
  std::vector<void *> packed;
  for (size_t i = 0; i < entry.args.size(); ++i) {
    if (entry.args[i].isMemRef()) {
      descriptors.emplace_back(args[i], entry.args[i].shape);
      packed.push_back(descriptors.back().get());
    } else {
      packed.push_back(args[i]);
    }
  }
  entry.packed(packed.data());
}
