//===- LibraryExports.cpp - Signatures and packed wrappers ----------------===//

#include "LibraryExports.h"

#include "kernelforge/Dialect/Transformer/IR/TransformerDialect.h"
#include "kernelforge/Runtime/LibraryABI.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"

#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/JSON.h"

using namespace mlir;
using namespace mlir::kf;

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

SmallVector<EntryPointSignature>
mlir::kf::takeEntryPointSignatures(ModuleOp module) {
  SmallVector<EntryPointSignature> signatures;
  for (func::FuncOp func : publicFunctions(module)) {
    std::string json;
    llvm::raw_string_ostream os(json);
    os << llvm::json::Value(describeFunction(func));
    signatures.push_back({func.getSymName().str(), json});
    func->setAttr(LLVM::LLVMDialect::getEmitCWrapperAttrName(),
                  UnitAttr::get(module.getContext()));
  }
  for (auto func : module.getOps<func::FuncOp>())
    for (unsigned i = 0, e = func.getNumArguments(); i < e; ++i) {
      func.removeArgAttr(i, TransformerDialect::getParamAttrName());
      func.removeArgAttr(i, TransformerDialect::getRoleAttrName());
    }
  return signatures;
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
  llvm::Function *ciface =
      module.getFunction((kernelforge::abi::kCInterfacePrefix + name).str());
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

LogicalResult
mlir::kf::addLibraryExports(llvm::Module &module,
                            ArrayRef<EntryPointSignature> signatures,
                            Location loc) {
  llvm::json::Array names;
  for (const EntryPointSignature &signature : signatures) {
    if (failed(addPackedWrapper(module, signature.name, loc)))
      return failure();
    addSignature(module, kernelforge::abi::kSignaturePrefix + signature.name,
                 signature.json);
    names.push_back(signature.name);
  }
  std::string list;
  llvm::raw_string_ostream listStream(list);
  listStream << llvm::json::Value(std::move(names));
  addSignature(module, kernelforge::abi::kEntryPointsSymbol, list);
  return success();
}
