//===- Compiler.cpp - Ahead-of-time compilation of kf modules -------------===//
//
// compileModule: which pipeline runs and what is written at each --emit. The
// library's exported signatures and wrappers are LibraryExports', the LLVM
// back end and the link MachineCode's.
//
//===----------------------------------------------------------------------===//

#include "kernelforge/Driver/Compiler.h"

#include "LibraryExports.h"
#include "MachineCode.h"

#include "kernelforge/Dialect/Transformer/IR/TransformerDialect.h"
#include "kernelforge/Driver/CudaToolkit.h"
#include "kernelforge/Pipelines/Pipelines.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"
#include "mlir/Target/LLVMIR/Export.h"

#include "llvm/ADT/StringSwitch.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/TargetParser/Host.h"

using namespace mlir;
using namespace mlir::kf;

bool mlir::kf::writeModuleText(ModuleOp module, StringRef path,
                               std::string &error) {
  std::unique_ptr<llvm::ToolOutputFile> out = openOutputFile(path, &error);
  if (!out)
    return false;
  module->print(out->os());
  out->os() << "\n";
  out->keep();
  return true;
}

std::optional<EmitKind> mlir::kf::parseEmitKind(StringRef name) {
  return llvm::StringSwitch<std::optional<EmitKind>>(name)
      .Case("linalg", EmitKind::Linalg)
      .Case("llvm-mlir", EmitKind::LLVMMLIR)
      .Case("llvm-ir", EmitKind::LLVMIR)
      .Case("asm", EmitKind::Asm)
      .Case("obj", EmitKind::Obj)
      .Case("shared", EmitKind::Shared)
      .Case("ptx", EmitKind::PTX)
      .Case("cubin", EmitKind::Cubin)
      .Default(std::nullopt);
}

void mlir::kf::registerCompilerDialects(DialectRegistry &registry) {
  registerAllDialects(registry);
  registerAllExtensions(registry);
  registry.insert<TransformerDialect>();
  // Host code (builtin, LLVM, OpenMP) and device code (NVVM, GPU) alike.
  registerAllToLLVMIRTranslations(registry);
}

/// `first` unless it is empty, else `second`: a target named by the compile
/// options or by the pipeline (`target-cpu=` and friends) is used by both.
static std::string orElse(const std::string &first,
                          const std::string &second) {
  return first.empty() ? second : first;
}

std::optional<Target> mlir::kf::parseTarget(StringRef name) {
  return llvm::StringSwitch<std::optional<Target>>(name)
      .Case("cpu", Target::CPU)
      .Case("cuda", Target::CUDA)
      .Case("gpu-emulator", Target::GPUEmulator)
      .Default(std::nullopt);
}

/// --target=cuda --emit=ptx|cubin: the one kernel module (kf-merge-gpu-modules
/// put every kernel in it) as PTX text or, assembled by ptxas, as a cubin.
static LogicalResult emitDeviceCode(ModuleOp module,
                                    const CompileOptions &options,
                                    StringRef outputPath, bool ptx,
                                    bool haveToolkit) {
  Location loc = module.getLoc();
  if (!ptx && !haveToolkit)
    return emitError(loc, "--emit=cubin needs the CUDA toolkit's ptxas, and "
                          "none runs here (looked in $CUDA_ROOT, $CUDA_HOME, "
                          "$CUDA_PATH, " KF_CUDA_HOME " and on PATH)");
  GPUPipelineOptions pipeline;
  pipeline.copyOptionValuesFrom(options.gpuPipeline);
  pipeline.format = ptx ? "isa" : "bin";
  PassManager pm(module.getContext());
  buildGPUPipeline(pm, pipeline);
  if (failed(pm.run(module)))
    return failure();
  SmallVector<gpu::BinaryOp> binaries(module.getOps<gpu::BinaryOp>());
  if (binaries.empty())
    return emitError(loc, "the program has no GPU kernels to write");
  if (binaries.size() != 1 || binaries.front().getObjectsAttr().size() != 1)
    return emitError(loc, "expected the kernels in one module for one "
                          "target, found ")
           << binaries.size() << " modules";
  auto object = cast<gpu::ObjectAttr>(binaries.front().getObjectsAttr()[0]);
  return writeOutputFile(outputPath, loc, /*text=*/ptx,
                         [&](llvm::raw_pwrite_stream &os) {
                           if (ptx)
                             os << "// KernelForge kernels (module @"
                                << binaries.front().getSymName() << ") for "
                                << object.getTarget() << "\n";
                           os << object.getObject().getValue();
                           return success();
                         });
}

LogicalResult mlir::kf::compileModule(ModuleOp module,
                                      const CompileOptions &options,
                                      StringRef outputPath) {
  bool cuda = options.target == Target::CUDA;
  // The NVVM serializer finds libdevice and ptxas through CUDA_HOME: point
  // it at a toolkit whose ptxas runs, or at none.
  std::optional<std::string> toolkit;
  if (cuda) {
    toolkit = findCudaToolkit(KF_CUDA_HOME);
    useCudaToolkit(toolkit);
  }
  if (options.emit == EmitKind::PTX || options.emit == EmitKind::Cubin) {
    bool ptx = options.emit == EmitKind::PTX;
    if (!cuda)
      return emitError(module.getLoc(), ptx ? "--emit=ptx" : "--emit=cubin")
             << " needs --target=cuda";
    return emitDeviceCode(module, options, outputPath, ptx,
                          toolkit.has_value());
  }
  bool gpuKernels = cuda || options.target == Target::GPUEmulator;
  if (gpuKernels && options.emit == EmitKind::Linalg)
    return emitError(
        module.getLoc(),
        "--emit=linalg is a CPU pipeline stage; with GPU kernels "
        "use kernelforge-opt --kf-gpu-pipeline to see each stage");
  Location loc = module.getLoc();
  MLIRContext *ctx = module.getContext();
  auto writeMLIR = [&]() {
    return writeOutputFile(outputPath, loc, /*text=*/true,
                           [&](llvm::raw_pwrite_stream &os) {
                             module.print(os);
                             return success();
                           });
  };

  // Signatures are taken from the input, where shapes and kf.param names
  // are still visible.
  SmallVector<EntryPointSignature> signatures =
      takeEntryPointSignatures(module);

  PassManager pm(ctx);
  if (cuda) {
    // Device code as PTX for the driver to JIT (the default) or, where
    // ptxas runs, as cubin/fatbin.
    GPUPipelineOptions pipeline;
    pipeline.copyOptionValuesFrom(options.gpuPipeline);
    if (!toolkit && pipeline.format != "isa")
      return emitError(loc, "format=")
             << pipeline.format
             << " needs the CUDA toolkit's ptxas, and none runs here (looked "
                "in $CUDA_ROOT, $CUDA_HOME, $CUDA_PATH, " KF_CUDA_HOME
                " and on PATH); format=isa leaves PTX for the driver to JIT";
    buildGPUPipeline(pm, pipeline);
  } else if (options.target == Target::GPUEmulator) {
    GPUPipelineOptions pipeline;
    pipeline.copyOptionValuesFrom(options.gpuPipeline);
    buildGPUEmulatorPipeline(pm, pipeline);
  } else {
    CPUPipelineOptions pipeline;
    pipeline.copyOptionValuesFrom(options.pipeline);
    // The schedule is derived for the CPU the code is generated for.
    pipeline.targetTriple = orElse(pipeline.targetTriple, options.triple);
    pipeline.targetCPU = orElse(pipeline.targetCPU, options.cpu);
    pipeline.targetFeatures = orElse(pipeline.targetFeatures, options.features);
    if (options.emit == EmitKind::Linalg)
      pipeline.stopAfter = "linalg";
    buildCPUPipeline(pm, pipeline);
  }
  if (failed(pm.run(module)))
    return failure();
  if (options.emit == EmitKind::Linalg || options.emit == EmitKind::LLVMMLIR)
    return writeMLIR();

  llvm::LLVMContext llvmContext;
  std::unique_ptr<llvm::Module> llvmModule =
      translateModuleToLLVMIR(module, llvmContext);
  if (!llvmModule)
    return emitError(loc, "translation to LLVM IR failed");
  if (failed(addLibraryExports(*llvmModule, signatures, loc)))
    return failure();

  std::unique_ptr<llvm::TargetMachine> tm = createTargetMachine(
      orElse(options.triple, options.pipeline.targetTriple),
      orElse(options.cpu, options.pipeline.targetCPU),
      orElse(options.features, options.pipeline.targetFeatures),
      options.optLevel, loc);
  if (!tm)
    return failure();
  llvmModule->setDataLayout(tm->createDataLayout());
  llvmModule->setTargetTriple(tm->getTargetTriple());
  optimizeModule(*llvmModule, *tm, options.optLevel);

  if (options.emit == EmitKind::LLVMIR)
    return writeOutputFile(outputPath, loc, /*text=*/true,
                           [&](llvm::raw_pwrite_stream &os) {
                             llvmModule->print(os, nullptr);
                             return success();
                           });
  if (options.emit == EmitKind::Asm || options.emit == EmitKind::Obj)
    return emitMachineCode(*llvmModule, *tm, options.emit == EmitKind::Asm,
                           outputPath, loc);

  if (tm->getTargetTriple().getArch() !=
      llvm::Triple(llvm::sys::getDefaultTargetTriple()).getArch())
    return emitError(loc, "cannot link a shared library for ")
           << tm->getTargetTriple().str()
           << " on this machine; cross-compiled code is written with "
              "--emit=obj or --emit=asm";
  SmallString<128> object;
  if (std::error_code ec =
          llvm::sys::fs::createTemporaryFile("kernelforge", "o", object))
    return emitError(loc, "cannot create a temporary object file: ")
           << ec.message();
  llvm::FileRemover removeObject(object);
  if (failed(
          emitMachineCode(*llvmModule, *tm, /*assembly=*/false, object, loc)))
    return failure();
  return linkSharedLibrary(object, outputPath, options.target, loc);
}
