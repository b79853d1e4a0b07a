//===- AllocatorHook.cpp - Temporaries from the host's allocator ----------===//
//
// Defines the generic allocation functions finalize-memref-to-llvm calls
// (use-generic-functions) around `_kf_allocator`, two function pointers a
// host may set when it loads the library; while they are null, the
// functions are malloc, aligned_alloc and free.
//
//===----------------------------------------------------------------------===//

#include "kernelforge/Runtime/LibraryABI.h"
#include "kernelforge/Transforms/Passes.h"

#include "mlir/Dialect/LLVMIR/FunctionCallUtils.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/BuiltinOps.h"

namespace mlir::kf {
#define GEN_PASS_DEF_ALLOCATORHOOKPASS
#include "kernelforge/Transforms/Passes.h.inc"
} // namespace mlir::kf

using namespace mlir;

namespace {

/// The generic function `name` when the module declares it without a body.
LLVM::LLVMFuncOp declaredOnly(ModuleOp module, StringRef name) {
  auto fn = module.lookupSymbol<LLVM::LLVMFuncOp>(name);
  return fn && fn.isExternal() ? fn : LLVM::LLVMFuncOp();
}

struct AllocatorHookPass
    : kf::impl::AllocatorHookPassBase<AllocatorHookPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    LLVM::LLVMFuncOp alloc = declaredOnly(module, "_mlir_memref_to_llvm_alloc");
    LLVM::LLVMFuncOp aligned =
        declaredOnly(module, "_mlir_memref_to_llvm_aligned_alloc");
    LLVM::LLVMFuncOp release = declaredOnly(module, "_mlir_memref_to_llvm_free");
    if (!alloc && !release && !aligned)
      return;
    if (failed(checkSignatures(alloc, aligned, release)) ||
        failed(declareHook()) || (alloc && failed(defineAlloc(alloc))) ||
        (aligned && failed(defineAlignedAlloc(aligned))) ||
        (release && failed(defineFree(release))))
      return signalPassFailure();
  }

  LogicalResult checkSignatures(LLVM::LLVMFuncOp alloc,
                                LLVM::LLVMFuncOp aligned,
                                LLVM::LLVMFuncOp release) {
    auto integers = [](LLVM::LLVMFuncOp fn, unsigned count) {
      auto type = fn.getFunctionType();
      return type.getNumParams() == count &&
             llvm::all_of(type.getParams(), llvm::IsaPred<IntegerType>) &&
             isa<LLVM::LLVMPointerType>(type.getReturnType());
    };
    for (auto [fn, count] : {std::pair{alloc, 1u}, std::pair{aligned, 2u}})
      if (fn && !integers(fn, count))
        return fn.emitError("unexpected signature ")
               << fn.getFunctionType() << " of a generic allocation function";
    if (release) {
      auto type = release.getFunctionType();
      if (type.getNumParams() != 1 ||
          !isa<LLVM::LLVMPointerType>(type.getParams().front()))
        return release.emitError("unexpected signature ")
               << type << " of a generic free function";
    }
    return success();
  }

  /// `_kf_allocator`: {allocate, release}, zero-initialised and exported.
  LogicalResult declareHook() {
    ModuleOp module = getOperation();
    if (Operation *existing =
            module.lookupSymbol(kernelforge::abi::kAllocatorSymbol))
      return existing->emitError("the module already defines ")
             << kernelforge::abi::kAllocatorSymbol;
    OpBuilder b = OpBuilder::atBlockBegin(module.getBody());
    Location loc = module.getLoc();
    auto type = hookType();
    auto global = LLVM::GlobalOp::create(
        b, loc, type, /*isConstant=*/false, LLVM::Linkage::External,
        kernelforge::abi::kAllocatorSymbol, Attribute());
    Block *init = b.createBlock(&global.getInitializerRegion());
    b.setInsertionPointToStart(init);
    LLVM::ReturnOp::create(b, loc, LLVM::ZeroOp::create(b, loc, type));
    return success();
  }

  LLVM::LLVMArrayType hookType() {
    return LLVM::LLVMArrayType::get(LLVM::LLVMPointerType::get(&getContext()),
                                    2);
  }

  /// The hook's `index`th pointer (0: allocate, 1: release), loaded at the
  /// builder's position.
  Value loadHook(OpBuilder &b, Location loc, int32_t index) {
    auto ptr = LLVM::LLVMPointerType::get(b.getContext());
    Value base = LLVM::AddressOfOp::create(b, loc, ptr,
                                           kernelforge::abi::kAllocatorSymbol);
    Value slot = LLVM::GEPOp::create(b, loc, ptr, hookType(), base,
                                     ArrayRef<LLVM::GEPArg>{0, index});
    return LLVM::LoadOp::create(b, loc, ptr, slot);
  }

  /// Gives `fn` its body: the arguments go to hook pointer `index` when it
  /// is set, else to `libc`, and what the callee returns is returned.
  void forwardThroughHook(LLVM::LLVMFuncOp fn, int32_t index,
                          LLVM::LLVMFuncOp libc) {
    OpBuilder b(fn.getContext());
    Location loc = fn.getLoc();
    fn.setLinkage(LLVM::Linkage::Internal);
    Block *entry = fn.addEntryBlock(b);
    Block *hooked = fn.addBlock();
    Block *plain = fn.addBlock();
    b.setInsertionPointToEnd(entry);
    Value hook = loadHook(b, loc, index);
    Value null = LLVM::ZeroOp::create(b, loc, hook.getType());
    Value unset =
        LLVM::ICmpOp::create(b, loc, LLVM::ICmpPredicate::eq, hook, null);
    LLVM::CondBrOp::create(b, loc, unset, plain, hooked);

    SmallVector<Value> hookOperands = {hook};
    llvm::append_range(hookOperands, entry->getArguments());
    b.setInsertionPointToEnd(hooked);
    auto throughHook =
        LLVM::CallOp::create(b, loc, fn.getFunctionType(), hookOperands);
    LLVM::ReturnOp::create(b, loc, throughHook.getResults());
    b.setInsertionPointToEnd(plain);
    auto direct = LLVM::CallOp::create(b, loc, libc, entry->getArguments());
    LLVM::ReturnOp::create(b, loc, direct.getResults());
  }

  /// (size) -> ptr: allocate(size) when set, else malloc(size).
  LogicalResult defineAlloc(LLVM::LLVMFuncOp fn) {
    ModuleOp module = getOperation();
    OpBuilder b = OpBuilder::atBlockEnd(module.getBody());
    FailureOr<LLVM::LLVMFuncOp> malloc = LLVM::lookupOrCreateMallocFn(
        b, module, fn.getFunctionType().getParams().front());
    if (failed(malloc))
      return fn.emitError("malloc is declared with an unexpected signature");
    forwardThroughHook(fn, /*index=*/0, *malloc);
    return success();
  }

  /// (alignment, size) -> ptr: aligned_alloc either way (the release
  /// pointer frees what it returns).
  LogicalResult defineAlignedAlloc(LLVM::LLVMFuncOp fn) {
    ModuleOp module = getOperation();
    OpBuilder b = OpBuilder::atBlockEnd(module.getBody());
    FailureOr<LLVM::LLVMFuncOp> alignedAlloc = LLVM::lookupOrCreateAlignedAllocFn(
        b, module, fn.getFunctionType().getParams().front());
    if (failed(alignedAlloc))
      return fn.emitError(
          "aligned_alloc is declared with an unexpected signature");
    fn.setLinkage(LLVM::Linkage::Internal);
    Block *entry = fn.addEntryBlock(b);
    b.setInsertionPointToEnd(entry);
    Value block = LLVM::CallOp::create(b, fn.getLoc(), *alignedAlloc,
                                       entry->getArguments())
                      .getResult();
    LLVM::ReturnOp::create(b, fn.getLoc(), block);
    return success();
  }

  /// (ptr) -> void: release(ptr) when set, else free(ptr).
  LogicalResult defineFree(LLVM::LLVMFuncOp fn) {
    ModuleOp module = getOperation();
    OpBuilder b = OpBuilder::atBlockEnd(module.getBody());
    FailureOr<LLVM::LLVMFuncOp> free = LLVM::lookupOrCreateFreeFn(b, module);
    if (failed(free))
      return fn.emitError("free is declared with an unexpected signature");
    forwardThroughHook(fn, /*index=*/1, *free);
    return success();
  }
};

} // namespace
