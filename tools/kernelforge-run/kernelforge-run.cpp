//===- kernelforge-run.cpp - Call an entry point of a compiled library ----===//
//
// kernelforge-run LIB [--entry NAME] [--describe] [--repeat N]
//                 [--output PREFIX] [--device cpu|cuda] [INPUT...]
//
// Each INPUT is a .npy file (a memref argument; its dtype and shape must
// match the signature) or an integer (a scalar argument), in the order of the
// entry point's inputs. Outputs are written to PREFIX0.npy, PREFIX1.npy, ...
// With --device cuda (a library from kernelforge-compile --target=cuda) the
// buffers are copied to the GPU and back with the library's own CUDA runtime.
// Built on the KernelForge runtime only: no MLIR or LLVM at run time.
//
//===----------------------------------------------------------------------===//

#include "kernelforge/Runtime/CompiledLibrary.h"
#include "kernelforge/Runtime/LibraryABI.h"
#include "kernelforge/Runtime/DeviceMirror.h"
#include "kernelforge/Runtime/Npy.h"
#include "kernelforge/Version.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <iostream>

using namespace kernelforge::runtime;
namespace abi = kernelforge::abi;

static int fail(const std::string &message) {
  std::cerr << "kernelforge-run: error: " << message << "\n";
  return 1;
}

static void usage() {
  std::cerr << "usage: kernelforge-run LIB [--entry NAME] [--describe] "
               "[--repeat N] [--output PREFIX] [INPUT.npy | INTEGER]...\n";
}

static nlohmann::json describe(const EntryPoint &entry) {
  nlohmann::json args = nlohmann::json::array();
  for (const ArgSpec &arg : entry.args) {
    nlohmann::json a = {{abi::kKind, arg.kind},
                        {abi::kDType, arg.dtype},
                        {abi::kShape, arg.shape},
                        {abi::kRole, arg.role}};
    if (!arg.param.empty())
      a[abi::kParam] = arg.param;
    args.push_back(a);
  }
  return {{abi::kName, entry.name}, {abi::kArgs, args}};
}

int main(int argc, char **argv) {
  std::string libPath, entryName, outputPrefix = "out", device = "cpu";
  bool describeOnly = false;
  int repeat = 1;
  std::vector<std::string> inputs;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        usage();
        std::exit(fail("missing value after " + arg));
      }
      return argv[++i];
    };
    if (arg == "--entry")
      entryName = value();
    else if (arg == "--describe")
      describeOnly = true;
    else if (arg == "--repeat")
      repeat = std::max(1, std::atoi(value().c_str()));
    else if (arg == "--output" || arg == "-o")
      outputPrefix = value();
    else if (arg == "--device")
      device = value();
    else if (arg == "--help" || arg == "-h") {
      usage();
      return 0;
    } else if (arg == "--version") {
      std::cout << "KernelForge " KF_VERSION_STRING " (runtime only: no compiler; "
                   "libraries built with LLVM/MLIR " KF_LLVM_VERSION_STRING ")\n";
      return 0;
    } else if (libPath.empty())
      libPath = arg;
    else
      inputs.push_back(arg);
  }
  if (libPath.empty()) {
    usage();
    return fail("no library given");
  }

  std::string error;
  std::unique_ptr<CompiledLibrary> library =
      CompiledLibrary::load(libPath, error);
  if (!library)
    return fail(error);
  if (describeOnly) {
    nlohmann::json all = nlohmann::json::array();
    for (const std::string &name : library->entryPoints()) {
      EntryPoint entry;
      if (!library->lookup(name, entry, error))
        return fail(error);
      all.push_back(describe(entry));
    }
    std::cout << all.dump(1) << "\n";
    return 0;
  }
  if (entryName.empty()) {
    if (library->entryPoints().size() != 1)
      return fail("'" + libPath +
                  "' has several entry points; pick one with --entry");
    entryName = library->entryPoints().front();
  }
  EntryPoint entry;
  if (!library->lookup(entryName, entry, error))
    return fail(error);

  size_t numInputs = 0;
  for (const ArgSpec &arg : entry.args)
    numInputs += !arg.isOutput;
  if (inputs.size() != numInputs)
    return fail(entryName + " takes " + std::to_string(numInputs) +
                " inputs, got " + std::to_string(inputs.size()));

  std::vector<NpyArray> arrays(entry.args.size());
  std::vector<int64_t> scalars(entry.args.size());
  std::vector<void *> pointers(entry.args.size());
  size_t next = 0;
  for (size_t i = 0; i < entry.args.size(); ++i) {
    const ArgSpec &spec = entry.args[i];
    std::string label = "argument " + std::to_string(i) +
                        (spec.param.empty() ? "" : " (" + spec.param + ")");
    if (spec.isOutput) {
      arrays[i].dtype = spec.dtype;
      arrays[i].shape = spec.shape;
      arrays[i].data.assign(spec.numElements() * spec.elementBytes(), 0);
      pointers[i] = arrays[i].data.data();
      continue;
    }
    const std::string &input = inputs[next++];
    if (!spec.isMemRef()) {
      char *end = nullptr;
      scalars[i] = std::strtoll(input.c_str(), &end, 10);
      if (input.empty() || *end != '\0')
        return fail(label + " is a scalar " + spec.dtype +
                    "; expected an integer, got '" + input + "'");
      pointers[i] = &scalars[i];
      continue;
    }
    if (!readNpy(input, arrays[i], error))
      return fail(error);
    if (arrays[i].dtype != spec.dtype || arrays[i].shape != spec.shape) {
      ArgSpec found;
      found.kind = "memref";
      found.dtype = arrays[i].dtype;
      found.shape = arrays[i].shape;
      return fail(label + " of " + entryName + ": expected " + spec.describe() +
                  ", got " + found.describe() + " from '" + input + "'");
    }
    pointers[i] = arrays[i].data.data();
  }

  if (device != "cpu" && device != "cuda")
    return fail("unknown --device " + device + " (expected cpu or cuda)");
  // On the GPU: device copies of every buffer, through the mgpu* functions
  // the library links.
  bool cuda = device == "cuda";
  DeviceMirror gpu;
  std::vector<void *> hostPointers = pointers;
  if (cuda) {
    if (!gpu.bind(*library, error))
      return fail("'" + libPath + "': " + error);
    for (size_t i = 0; i < entry.args.size(); ++i) {
      const ArgSpec &spec = entry.args[i];
      if (spec.isMemRef())
        pointers[i] = gpu.mirror(hostPointers[i],
                                 spec.numElements() * spec.elementBytes(),
                                 /*upload=*/!spec.isOutput);
    }
    gpu.synchronize();
  }

  std::vector<double> times;
  for (int r = 0; r < repeat; ++r) {
    auto start = std::chrono::steady_clock::now();
    call(entry, pointers);
    if (cuda)
      gpu.synchronize();
    times.push_back(std::chrono::duration<double, std::milli>(
                        std::chrono::steady_clock::now() - start)
                        .count());
  }
  if (repeat > 1) {
    std::sort(times.begin(), times.end());
    std::printf("%s: %d runs, min %.3f ms, median %.3f ms\n", entryName.c_str(),
                repeat, times.front(), times[times.size() / 2]);
  }

  if (cuda)
    for (size_t i = 0; i < entry.args.size(); ++i)
      if (entry.args[i].isMemRef() && entry.args[i].isOutput)
        gpu.download(hostPointers[i]);

  int output = 0;
  for (size_t i = 0; i < entry.args.size(); ++i) {
    if (!entry.args[i].isOutput)
      continue;
    std::string path = outputPrefix + std::to_string(output++) + ".npy";
    if (!writeNpy(path, arrays[i], error))
      return fail(error);
  }
  return 0;
}
