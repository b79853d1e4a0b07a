//===- kernelforge-classify.cpp - Classify images with a ViT --------------===//
//
// kernelforge-classify --model-dir DIR IMAGE.png...
// kernelforge-classify --model-dir DIR --npy images.npy [--labels labels.npy]
//
// Reads a Hugging Face ViTForImageClassification directory (config.json,
// model.safetensors, preprocessor_config.json), builds its kf graph for a
// batch of images, compiles it through the library cache, and prints each
// image's top-k labels with their probabilities (--json: as JSON). Images
// are PNG files (gray or RGB, converted to the model's channels) or a .npy
// batch: uint8 pixels [N, H, W] or [N, H, W, C], preprocessed like the
// files, or float32 [N, H, W, C] already preprocessed. With --labels (int64
// [N]) it reports the accuracy. The compiled library is driven through the
// generic runtime: parameters bound by their kf.param names.
//
//===----------------------------------------------------------------------===//

#include "ImageFile.h"

#include "kernelforge/Driver/CompileCache.h"
#include "kernelforge/Driver/Compiler.h"
#include "kernelforge/Models/ViT/ViTGraph.h"
#include "kernelforge/Runtime/CompiledLibrary.h"
#include "kernelforge/Runtime/Npy.h"
#include "kernelforge/Runtime/Weights.h"
#include "kernelforge/Support/ToolOptions.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Support/FileUtilities.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/WithColor.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>

namespace cl = llvm::cl;
namespace rt = kernelforge::runtime;
using mlir::kf::fail;
using mlir::kf::pathIn;
namespace vit = kernelforge::vit;
using kernelforge::tools::Image;

static cl::OptionCategory &category = mlir::kf::toolOptionCategory();
static mlir::kf::CompileRunOptions compileRun;
static mlir::kf::SaveWeightsOption saveWeights;
static auto &cacheDir = compileRun.cacheDir;
static auto &pipelineOptions = compileRun.pipelineOptions;
static auto &emitMlir = compileRun.emitMlir;
static cl::opt<std::string>
    modelDir("model-dir",
             cl::desc("Hugging Face ViT directory: config.json, "
                      "model.safetensors, preprocessor_config.json"),
             cl::init(""), cl::cat(category));
static cl::list<std::string> imageFiles(cl::Positional,
                                        cl::desc("[IMAGE.png...]"),
                                        cl::cat(category));
static cl::opt<std::string>
    npyImages("npy",
              cl::desc("A batch of images: uint8 [N, H, W] or [N, H, W, C] "
                       "pixels, or float32 [N, H, W, C] preprocessed"),
              cl::init(""), cl::cat(category));
static cl::opt<std::string>
    npyLabels("labels",
              cl::desc("The images' true labels (int64 [N] .npy): report "
                       "the accuracy"),
              cl::init(""), cl::cat(category));
static cl::opt<int64_t> topK("top-k", cl::desc("Labels to print per image"),
                             cl::init(3), cl::cat(category));
static cl::opt<int64_t>
    batchSize("batch",
              cl::desc("Images per call of the compiled graph (default: all, "
                       "at most 64)"),
              cl::init(0), cl::cat(category));
static cl::opt<std::string>
    dtype("dtype",
          cl::desc("Element type the weight matrices are kept in (f32, "
                   "f16, bf16). Default: the checkpoint's"),
          cl::init(""), cl::cat(category));
static cl::opt<std::string>
    device("device",
           cl::desc("cpu (default), or gpu-emulator: the GPU kernels run "
                    "as CPU loops"),
           cl::init("cpu"), cl::cat(category));
static cl::opt<bool> json("json", cl::desc("Print the results as JSON"),
                          cl::init(false), cl::cat(category));
static cl::opt<std::string>
    logitsOut("logits-out",
              cl::desc("Write every image's logits, float32 [N, labels]"),
              cl::init(""), cl::cat(category));

namespace {

/// The images to classify: preprocessed pixels [N, S, S, C] and names.
struct Inputs {
  std::vector<std::string> names;
  std::vector<float> pixels;
};

/// Rescales and normalises 0..255 pixels as the preprocessor says.
void preprocess(const vit::ViTPreprocessing &p, const Image &image,
                std::vector<float> &out) {
  for (size_t i = 0; i < image.pixels.size(); ++i) {
    double x = image.pixels[i];
    if (p.rescale)
      x *= p.rescaleFactor;
    if (p.normalize) {
      size_t c = i % image.channels;
      x = (x - p.mean[c]) / p.std[c];
    }
    out.push_back(float(x));
  }
}

/// `image` at the model's size: resized when the preprocessor resizes,
/// else an error.
Image fitted(const Image &image, const vit::ViTConfig &c,
             const vit::ViTPreprocessing &p, const std::string &name) {
  if (image.height == c.imageSize && image.width == c.imageSize)
    return image;
  if (!p.resize)
    fail(llvm::formatv("{0} is {1}x{2}, the model takes {3}x{3} and the "
                       "preprocessor does not resize",
                       name, image.height, image.width, c.imageSize));
  return kernelforge::tools::resizeBilinear(image, c.imageSize, c.imageSize);
}

Inputs readInputs(const vit::ViTConfig &c, const vit::ViTPreprocessing &p) {
  Inputs in;
  std::string error;
  for (const std::string &file : imageFiles) {
    Image image;
    if (!kernelforge::tools::readPng(file, c.numChannels, image, error))
      fail(error);
    preprocess(p, fitted(image, c, p, "'" + file + "'"), in.pixels);
    in.names.push_back(file);
  }
  if (npyImages.empty())
    return in;
  rt::NpyArray array;
  if (!rt::readNpy(npyImages, array, error))
    fail(error);
  const std::vector<int64_t> &s = array.shape;
  bool bytes = array.dtype == "u8", floats = array.dtype == "f32";
  int64_t channels = s.size() == 4 ? s[3] : 1;
  if (!(bytes && (s.size() == 3 || s.size() == 4)) &&
      !(floats && s.size() == 4))
    fail("'" + npyImages +
         "': expected uint8 [N, H, W] or [N, H, W, C], or float32 [N, H, W, "
         "C], got " + array.dtype + " of rank " + std::to_string(s.size()));
  if (channels != c.numChannels)
    fail(llvm::formatv("'{0}': images of {1} channels, the model takes {2}",
                       npyImages, channels, c.numChannels));
  int64_t perImage = s[1] * s[2] * channels;
  for (int64_t i = 0; i < s[0]; ++i) {
    std::string name = npyImages + "[" + std::to_string(i) + "]";
    if (floats) {
      if (s[1] != c.imageSize || s[2] != c.imageSize)
        fail(llvm::formatv("'{0}': preprocessed images must be {1}x{1}",
                           npyImages, c.imageSize));
      const float *data =
          reinterpret_cast<const float *>(array.data.data()) + i * perImage;
      in.pixels.insert(in.pixels.end(), data, data + perImage);
    } else {
      Image image;
      image.height = s[1];
      image.width = s[2];
      image.channels = channels;
      const auto *data =
          reinterpret_cast<const uint8_t *>(array.data.data()) + i * perImage;
      image.pixels.assign(data, data + perImage);
      preprocess(p, fitted(image, c, p, name), in.pixels);
    }
    in.names.push_back(name);
  }
  return in;
}

std::vector<int64_t> readLabels(size_t count) {
  if (npyLabels.empty())
    return {};
  rt::NpyArray array;
  std::string error;
  if (!rt::readNpy(npyLabels, array, error))
    fail(error);
  if (array.dtype != "i64" ||
      array.shape.size() != 1 || size_t(array.shape[0]) != count)
    fail(llvm::formatv("'{0}': expected int64 [{1}] (one label per image), "
                       "got {2} [{3}]",
                       npyLabels, count, array.dtype,
                       llvm::join(llvm::map_range(array.shape,
                                                  [](int64_t d) {
                                                    return std::to_string(d);
                                                  }),
                                  ", ")));
  const auto *data = reinterpret_cast<const int64_t *>(array.data.data());
  return std::vector<int64_t>(data, data + count);
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  mlir::kf::parseToolOptions(argc, argv,
                             "KernelForge: classify images with a Vision "
                             "Transformer from a Hugging Face directory\n");
  if (modelDir.empty())
    fail("give --model-dir DIR");
  llvm::Expected<vit::ViTConfig> config =
      vit::loadViTConfig(pathIn(modelDir, "config.json"));
  if (!config)
    fail(llvm::toString(config.takeError()));
  llvm::Expected<vit::ViTPreprocessing> preprocessing =
      vit::loadViTPreprocessing(pathIn(modelDir, "preprocessor_config.json"),
                                *config);
  if (!preprocessing)
    fail(llvm::toString(preprocessing.takeError()));
  if (imageFiles.empty() && npyImages.empty())
    fail("no images: give PNG files or --npy FILE");
  Inputs inputs = readInputs(*config, *preprocessing);
  std::vector<int64_t> truth = readLabels(inputs.names.size());
  int64_t count = inputs.names.size();
  int64_t labels = config->labels.size();
  int64_t batch =
      batchSize > 0 ? int64_t(batchSize) : std::min<int64_t>(count, 64);
  if (topK < 1)
    fail("--top-k must be at least 1");
  if (device != "cpu" && device != "gpu-emulator")
    fail("unknown --device '" + device + "' (cpu or gpu-emulator)");

  std::string checkpoint = pathIn(modelDir, "model.safetensors"), error;
  if (!llvm::sys::fs::exists(checkpoint))
    fail("no model.safetensors in '" + modelDir + "'");
  std::string storage = rt::weightStorageFor(dtype, checkpoint, error);
  if (storage.empty())
    fail(error);
  mlir::DialectRegistry registry;
  mlir::kf::registerCompilerDialects(registry);
  mlir::MLIRContext context(registry);
  vit::ViTGraphOptions graphOptions;
  graphOptions.batch = batch;
  graphOptions.weights = storage;
  auto module = vit::buildViTClassifierGraph(&context, *config, graphOptions);
  if (!module)
    fail(llvm::toString(module.takeError()));
  if (!emitMlir.empty()) {
    if (!mlir::kf::writeModuleText(**module, emitMlir, error))
      fail(error);
  }
  mlir::kf::CompileOptions options;
  options.target = *mlir::kf::parseTarget(device);
  if (failed(device != "cpu"
                 ? options.gpuPipeline.parseFromString(pipelineOptions)
                 : options.pipeline.parseFromString(pipelineOptions)))
    fail("bad --pipeline-options '" + pipelineOptions + "'");
  bool terminal = llvm::errs().is_displayed() && !json;
  auto compiled = mlir::kf::compileCached(
      **module, options, device + " " + pipelineOptions, cacheDir, "vit",
      llvm::formatv("the ViT graph ({0} layers, batch {1})", config->numLayers,
                    batch)
          .str(),
      terminal ? &llvm::errs() : nullptr);
  if (mlir::failed(compiled))
    fail("compiling the graph failed");
  auto library = rt::CompiledLibrary::load(compiled->path, error);
  if (!library)
    fail(error);
  rt::EntryPoint entry;
  if (!library->lookup(vit::kClassifyEntry, entry, error))
    fail("'" + compiled->path + "': " + error);
  rt::WeightMap weights;
  if (!rt::loadCheckpointWeights(checkpoint, entry, weights, error))
    fail(error);
  if (!saveWeights.dir.empty())
    saveWeights.report(rt::saveModelDirectory(saveWeights.dir, modelDir, "",
                                              entry, weights, error),
                       error);

  // Bind: parameters by name, the pixels (the one other input), the logits.
  int64_t perImage = config->imageSize * config->imageSize * config->numChannels;
  std::vector<float> pixels(batch * perImage), logits(batch * labels);
  std::vector<void *> args;
  for (const rt::ArgSpec &arg : entry.args) {
    if (!arg.param.empty())
      args.push_back(weights.at(arg.param).data());
    else if (arg.isOutput)
      args.push_back(logits.data());
    else
      args.push_back(pixels.data());
  }

  std::vector<float> probabilities(count * labels), allLogits(count * labels);
  // Three untimed calls first: thread start-up, first touches of the
  // weights and the allocator settling on reusing the intermediate
  // buffers are not the model's speed.
  for (int warmUp = 0; warmUp < 3; ++warmUp)
    rt::call(entry, args);
  double seconds = 0;
  for (int64_t first = 0; first < count; first += batch) {
    int64_t n = std::min(batch, count - first);
    std::fill(pixels.begin(), pixels.end(), 0.f);
    std::copy(inputs.pixels.begin() + first * perImage,
              inputs.pixels.begin() + (first + n) * perImage, pixels.begin());
    auto start = std::chrono::steady_clock::now();
    rt::call(entry, args);
    seconds += std::chrono::duration<double>(
                   std::chrono::steady_clock::now() - start)
                   .count();
    std::copy(logits.begin(), logits.begin() + n * labels,
              allLogits.begin() + first * labels);
    for (int64_t i = 0; i < n; ++i) {
      const float *row = logits.data() + i * labels;
      float top = *std::max_element(row, row + labels);
      double sum = 0;
      for (int64_t j = 0; j < labels; ++j)
        sum += std::exp(double(row[j]) - top);
      for (int64_t j = 0; j < labels; ++j)
        probabilities[(first + i) * labels + j] =
            float(std::exp(double(row[j]) - top) / sum);
    }
  }

  if (!logitsOut.empty()) {
    rt::NpyArray array{"f32", {count, labels}, {}};
    array.data.assign(reinterpret_cast<const char *>(allLogits.data()),
                      reinterpret_cast<const char *>(allLogits.data() +
                                                     allLogits.size()));
    if (!rt::writeNpy(logitsOut, array, error))
      fail(error);
  }
  int64_t k = std::min<int64_t>(topK, labels), correct = 0;
  llvm::json::Array results;
  for (int64_t i = 0; i < count; ++i) {
    const float *p = probabilities.data() + i * labels;
    std::vector<int64_t> order(labels);
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](int64_t a, int64_t b) { return p[a] > p[b]; });
    if (!truth.empty() && order[0] == truth[i])
      ++correct;
    llvm::json::Array top;
    std::string line = inputs.names[i] + ":";
    for (int64_t j = 0; j < k; ++j) {
      const std::string &label = config->labels[order[j]];
      top.push_back(llvm::json::Object{{"label", label},
                                       {"id", order[j]},
                                       {"probability", p[order[j]]}});
      line += llvm::formatv(" {0} ({1:F3})", label, p[order[j]]).str();
    }
    llvm::json::Object result{{"image", inputs.names[i]},
                              {"top", std::move(top)}};
    if (!truth.empty())
      result["label"] = truth[i];
    results.push_back(std::move(result));
    if (!json && (count <= 64 || npyLabels.empty()))
      llvm::outs() << line << "\n";
  }
  double perSecond = count / std::max(seconds, 1e-9);
  if (json) {
    llvm::json::Object report{{"results", std::move(results)},
                              {"images", count},
                              {"batch", batch},
                              {"images_per_second", perSecond}};
    if (!truth.empty())
      report["accuracy"] = double(correct) / count;
    llvm::outs() << llvm::json::Value(std::move(report)) << "\n";
  } else if (!truth.empty()) {
    llvm::outs() << llvm::formatv("accuracy: {0:F4} ({1} of {2})\n",
                                  double(correct) / count, correct, count);
  }
  llvm::outs().flush();
  llvm::errs() << llvm::formatv(
      "vit: {0} images in batches of {1}: {2:F1} ms ({3:F0} images/s); "
      "compile: {4}\n",
      count, batch, seconds * 1e3, perSecond,
      compiled->cached ? std::string("cached")
                       : llvm::formatv("{0:F1} s", compiled->compileSeconds)
                             .str());
  return 0;
}
