//===- Compiler.cpp - Ahead-of-time compilation of kf modules -------------===//

#include "kernelforge/Driver/Compiler.h"
#include "kernelforge/Runtime/LibraryABI.h"
#include "kernelforge/Driver/CudaToolkit.h"

#include "kernelforge/Conversion/Passes.h"
#include "kernelforge/Dialect/Transformer/IR/TransformerDialect.h"
#include "kernelforge/Target/CPUTargetModel.h"
#include "kernelforge/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/ToolOutputFile.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"
#include "mlir/Target/LLVMIR/Export.h"

#include "llvm/ADT/StringSwitch.h"

#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/TargetParser/Host.h"
#include <cstdlib>

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

//===----------------------------------------------------------------------===//
// Entry-point signatures
//===----------------------------------------------------------------------===//

static std::string elementTypeName(Type type) {
  std::string name;
  llvm::raw_string_ostream os(name);
  type.print(os);
  return name;
}

static llvm::json::Object describeValue(Type type, StringRef role,
                                        StringRef param) {
  namespace abi = kernelforge::abi;
  llvm::json::Object arg;
  arg[abi::kRole] = role;
  if (auto shaped = dyn_cast<ShapedType>(type)) {
    arg[abi::kKind] = abi::kMemRef;
    arg[abi::kDType] = elementTypeName(shaped.getElementType());
    llvm::json::Array shape;
    for (int64_t size : shaped.getShape())
      shape.push_back(size);
    arg[abi::kShape] = std::move(shape);
  } else {
    arg[abi::kKind] = abi::kScalar;
    arg[abi::kDType] = type.isIndex() ? "index" : elementTypeName(type);
  }
  if (!param.empty())
    arg[abi::kParam] = param;
  return arg;
}

/// The signature JSON of a public function: its arguments with their
/// `kf.param` names and `kf.role`s (LibraryABI.h), then its results.
static llvm::json::Object describeFunction(func::FuncOp func) {
  namespace abi = kernelforge::abi;
  llvm::json::Array args;
  for (auto [i, type] : llvm::enumerate(func.getArgumentTypes())) {
    auto param = func.getArgAttrOfType<StringAttr>(
        i, TransformerDialect::getParamAttrName());
    auto role = func.getArgAttrOfType<StringAttr>(
        i, TransformerDialect::getRoleAttrName());
    args.push_back(describeValue(type, role ? role.getValue() : abi::kInput,
                                 param ? param.getValue() : StringRef()));
  }
  for (Type type : func.getResultTypes())
    args.push_back(describeValue(type, abi::kOutput, ""));
  llvm::json::Object entry;
  entry[abi::kName] = func.getSymName();
  entry[abi::kArgs] = std::move(args);
  return entry;
}

static SmallVector<func::FuncOp> publicFunctions(ModuleOp module) {
  SmallVector<func::FuncOp> result;
  for (auto func : module.getOps<func::FuncOp>())
    if (func.isPublic() && !func.isExternal())
      result.push_back(func);
  return result;
}

/// Writes `outputPath` ("-": stdout) with `write`; a located error if it
/// cannot be opened.
static LogicalResult writeOutput(
    StringRef outputPath, Location loc, bool text,
    llvm::function_ref<LogicalResult(llvm::raw_pwrite_stream &)> write) {
  std::error_code ec;
  llvm::ToolOutputFile out(
      outputPath, ec, text ? llvm::sys::fs::OF_Text : llvm::sys::fs::OF_None);
  if (ec)
    return emitError(loc, "cannot write '")
           << outputPath << "': " << ec.message();
  if (failed(write(out.os())))
    return failure();
  out.keep();
  return success();
}

//===----------------------------------------------------------------------===//
// LLVM IR additions: signatures and packed wrappers
//===----------------------------------------------------------------------===//

/// `void _kf_packed_<name>(void **args)` calling `_mlir_ciface_<name>`:
/// memref arguments are passed as the descriptor pointers found in `args`,
/// scalars are loaded from the pointers found there. Hosts call every entry
/// point the same way.
static LogicalResult addPackedWrapper(llvm::Module &module, StringRef name,
                                      Location loc) {
  llvm::Function *ciface = module.getFunction(
      (kernelforge::abi::kCInterfacePrefix + name).str());
  if (!ciface)
    return emitError(loc, "no C interface was generated for @") << name;
  llvm::LLVMContext &ctx = module.getContext();
  auto *ptrType = llvm::PointerType::getUnqual(ctx);
  auto *wrapperType =
      llvm::FunctionType::get(llvm::Type::getVoidTy(ctx), {ptrType}, false);
  auto *wrapper =
      llvm::Function::Create(wrapperType, llvm::Function::ExternalLinkage,
                             kernelforge::abi::kPackedPrefix + name, module);
  llvm::IRBuilder<> b(llvm::BasicBlock::Create(ctx, "entry", wrapper));
  SmallVector<llvm::Value *> args;
  for (auto [i, param] : llvm::enumerate(ciface->args())) {
    llvm::Value *slot = b.CreateConstGEP1_64(ptrType, wrapper->getArg(0), i);
    llvm::Value *pointer = b.CreateLoad(ptrType, slot);
    if (param.getType()->isPointerTy())
      args.push_back(pointer);
    else
      args.push_back(b.CreateLoad(param.getType(), pointer));
  }
  b.CreateCall(ciface, args);
  b.CreateRetVoid();
  return success();
}

/// An exported, NUL-terminated string constant `symbol`: an entry point's
/// JSON signature (argument kinds, shapes, element types and `kf.param`
/// names, results as trailing out-parameters) or the list of entry points,
/// which hosts read to call entry points generically.
static void addSignature(llvm::Module &module, const Twine &symbol,
                         StringRef json) {
  llvm::Constant *text =
      llvm::ConstantDataArray::getString(module.getContext(), json);
  new llvm::GlobalVariable(module, text->getType(), /*isConstant=*/true,
                           llvm::GlobalValue::ExternalLinkage, text, symbol);
}

//===----------------------------------------------------------------------===//
// Code generation
//===----------------------------------------------------------------------===//

/// `first` unless it is empty, else `second`: a target named by the compile
/// options or by the pipeline (`target-cpu=` and friends) is used by both.
static std::string orElse(const std::string &first,
                          const std::string &second) {
  return first.empty() ? second : first;
}

static std::unique_ptr<llvm::TargetMachine>
createTargetMachine(const CompileOptions &options, Location loc) {
  // The same resolution of triple, CPU and features (the host's where
  // neither names one) as the schedule was derived from (kf-cpu-target).
  std::string error;
  FailureOr<CPUTargetModel> model = CPUTargetModel::get(
      orElse(options.triple, options.pipeline.targetTriple),
      orElse(options.cpu, options.pipeline.targetCPU),
      orElse(options.features, options.pipeline.targetFeatures), error);
  if (failed(model)) {
    emitError(loc, error);
    return nullptr;
  }
  llvm::Triple triple(model->triple);
  const llvm::Target *target =
      llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target) {
    emitError(loc, "no LLVM target for ") << triple.str() << ": " << error;
    return nullptr;
  }
  const std::string &cpu = model->cpu, &features = model->features;
  llvm::CodeGenOptLevel level =
      options.optLevel == 0   ? llvm::CodeGenOptLevel::None
      : options.optLevel == 1 ? llvm::CodeGenOptLevel::Less
      : options.optLevel == 2 ? llvm::CodeGenOptLevel::Default
                              : llvm::CodeGenOptLevel::Aggressive;
  // Assembly as llc writes it: comments mark spills and reloads, which is
  // how a reader (and the lit tests) see that a kernel fits its registers.
  llvm::TargetOptions targetOptions;
  targetOptions.MCOptions.AsmVerbose = true;
  std::unique_ptr<llvm::TargetMachine> tm(
      target->createTargetMachine(triple, cpu, features, targetOptions,
                                  llvm::Reloc::PIC_, std::nullopt, level));
  if (!tm)
    emitError(loc, "cannot create a target machine for CPU '") << cpu << "'";
  return tm;
}

static void optimize(llvm::Module &module, llvm::TargetMachine &tm,
                     unsigned optLevel) {
  llvm::LoopAnalysisManager lam;
  llvm::FunctionAnalysisManager fam;
  llvm::CGSCCAnalysisManager cgam;
  llvm::ModuleAnalysisManager mam;
  llvm::PipelineTuningOptions tuning;
  tuning.LoopVectorization = optLevel > 1;
  tuning.SLPVectorization = optLevel > 1;
  llvm::PassBuilder builder(&tm, tuning);
  builder.registerModuleAnalyses(mam);
  builder.registerCGSCCAnalyses(cgam);
  builder.registerFunctionAnalyses(fam);
  builder.registerLoopAnalyses(lam);
  builder.crossRegisterProxies(lam, fam, cgam, mam);
  llvm::OptimizationLevel level = optLevel == 0   ? llvm::OptimizationLevel::O0
                                  : optLevel == 1 ? llvm::OptimizationLevel::O1
                                  : optLevel == 2 ? llvm::OptimizationLevel::O2
                                                  : llvm::OptimizationLevel::O3;
  llvm::ModulePassManager passes =
      optLevel == 0 ? builder.buildO0DefaultPipeline(level)
                    : builder.buildPerModuleDefaultPipeline(level);
  passes.run(module, mam);
}

static LogicalResult emitMachineCode(llvm::Module &module,
                                     llvm::TargetMachine &tm, bool assembly,
                                     StringRef path, Location loc) {
  return writeOutput(
      path, loc, assembly, [&](llvm::raw_pwrite_stream &os) -> LogicalResult {
        llvm::legacy::PassManager pm;
        if (tm.addPassesToEmitFile(pm, os, nullptr,
                                   assembly
                                       ? llvm::CodeGenFileType::AssemblyFile
                                       : llvm::CodeGenFileType::ObjectFile))
          return emitError(loc, "the target cannot emit this file type");
        pm.run(module);
        return success();
      });
}

/// Links an object into a shared library with the system's clang (found
/// beside LLVM, or on PATH), against the LLVM OpenMP runtime.
static LogicalResult linkShared(StringRef object, StringRef output,
                                Target target, Location loc) {
  SmallVector<std::string> candidates = {
      std::string(KF_LLVM_TOOLS_DIR) + "/clang", "clang-22", "clang", "cc"};
  std::string linker;
  for (const std::string &candidate : candidates) {
    if (llvm::sys::path::is_absolute(candidate)) {
      if (llvm::sys::fs::can_execute(candidate)) {
        linker = candidate;
        break;
      }
      continue;
    }
    if (auto found = llvm::sys::findProgramByName(candidate)) {
      linker = *found;
      break;
    }
  }
  if (linker.empty())
    return emitError(loc, "no linker found (looked for clang and cc) to "
                          "produce a shared library; use --emit=obj");
  std::string libDir = KF_LLVM_LIBRARY_DIR;
  SmallVector<std::string> args = {linker, "-shared", "-o", output.str(),
                                   object.str()};
  // A library carried elsewhere finds its runtime beside itself first.
  args.push_back("-Wl,-rpath,$ORIGIN");
  if (target == Target::CUDA) {
    // The mgpu* functions the host code calls (lib/Runtime/CUDA).
    std::string runtimeDir = KF_CUDA_RUNTIME_DIR;
    args.append({"-L" + runtimeDir, "-Wl,-rpath," + runtimeDir,
                 "-lkernelforge_cuda_runtime"});
  } else {
    args.append({"-L" + libDir, "-Wl,-rpath," + libDir, "-lomp"});
  }
  args.push_back("-lm");
  SmallVector<StringRef> argRefs(args.begin(), args.end());
  std::string error;
  int rc = llvm::sys::ExecuteAndWait(linker, argRefs, std::nullopt, {}, 0, 0,
                                     &error);
  if (rc != 0)
    return emitError(loc, "linking '")
           << output << "' with " << linker << " failed (exit " << rc << ")"
           << (error.empty() ? "" : ": ") << error;
  return success();
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
  return writeOutput(outputPath, loc, /*text=*/ptx,
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
    return writeOutput(outputPath, loc, /*text=*/true,
                       [&](llvm::raw_pwrite_stream &os) {
                         module.print(os);
                         return success();
                       });
  };

  // Signatures are taken from the input, where shapes and kf.param names
  // are still visible.
  SmallVector<std::pair<std::string, std::string>> signatures;
  for (func::FuncOp func : publicFunctions(module)) {
    std::string json;
    llvm::raw_string_ostream os(json);
    os << llvm::json::Value(describeFunction(func));
    signatures.push_back({func.getSymName().str(), json});
    func->setAttr(LLVM::LLVMDialect::getEmitCWrapperAttrName(),
                  UnitAttr::get(ctx));
  }
  // The names and roles now live in the signatures; the C wrappers would
  // copy them onto pointer arguments, where they no longer describe a
  // tensor.
  for (auto func : module.getOps<func::FuncOp>())
    for (unsigned i = 0, e = func.getNumArguments(); i < e; ++i) {
      func.removeArgAttr(i, TransformerDialect::getParamAttrName());
      func.removeArgAttr(i, TransformerDialect::getRoleAttrName());
    }

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
  llvm::json::Array names;
  for (auto &[name, json] : signatures) {
    if (failed(addPackedWrapper(*llvmModule, name, loc)))
      return failure();
    addSignature(*llvmModule, kernelforge::abi::kSignaturePrefix + name, json);
    names.push_back(name);
  }
  std::string list;
  llvm::raw_string_ostream listStream(list);
  listStream << llvm::json::Value(std::move(names));
  addSignature(*llvmModule, kernelforge::abi::kEntryPointsSymbol, list);

  std::unique_ptr<llvm::TargetMachine> tm = createTargetMachine(options, loc);
  if (!tm)
    return failure();
  llvmModule->setDataLayout(tm->createDataLayout());
  llvmModule->setTargetTriple(tm->getTargetTriple());
  optimize(*llvmModule, *tm, options.optLevel);

  if (options.emit == EmitKind::LLVMIR)
    return writeOutput(outputPath, loc, /*text=*/true,
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
  return linkShared(object, outputPath, options.target, loc);
}
