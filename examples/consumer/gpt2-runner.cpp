//===- gpt2-runner.cpp - Generate with a compiled GPT-2, runtime only -----===//
//
// Loads a GPT-2 generation library (kernelforge-gpt2 --compile-only
// --save-library LIB) through KernelForge's runtime, binds deterministic
// random weights and prints the greedy continuation of a prompt's ids:
//
//   gpt2-runner LIB SEED N ID...
//
//===----------------------------------------------------------------------===//

#include "kernelforge/Runtime/CompiledLibrary.h"
#include "kernelforge/Runtime/Generator.h"
#include "kernelforge/Runtime/Weights.h"

#include <cstdlib>
#include <iostream>

namespace rt = kernelforge::runtime;

int main(int argc, char **argv) {
  if (argc < 5) {
    std::cerr << "usage: gpt2-runner LIB SEED N ID...\n";
    return 2;
  }
  std::string error;
  auto library = rt::CompiledLibrary::load(argv[1], error);
  if (!library) {
    std::cerr << "error: " << error << "\n";
    return 1;
  }
  auto generator = rt::Generator::create(*library, /*cuda=*/false, error);
  if (!generator) {
    std::cerr << "error: " << error << "\n";
    return 1;
  }
  rt::WeightMap weights;
  if (!rt::randomWeights(std::strtoull(argv[2], nullptr, 10),
                         generator->prefillEntry(), weights, error)) {
    std::cerr << "error: " << error << "\n";
    return 1;
  }
  generator->setWeights(std::move(weights));
  std::vector<int64_t> prompt;
  for (int i = 4; i < argc; ++i)
    prompt.push_back(std::strtoll(argv[i], nullptr, 10));
  if (std::string why = generator->checkPrompt(prompt); !why.empty()) {
    std::cerr << "error: " << why << "\n";
    return 1;
  }
  rt::GenerationOptions options;
  options.newTokens = std::strtoll(argv[3], nullptr, 10);
  rt::GenerationResult result =
      generator->generate(prompt, options, [](int64_t) {});
  for (size_t i = 0; i < result.generated.size(); ++i)
    std::cout << (i ? "," : "") << result.generated[i];
  std::cout << "\n";
  return 0;
}
