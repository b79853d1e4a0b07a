//===- DeviceBuffers.cpp - Host-side temporaries on the GPU ---------------===//

#include "kernelforge/Codegen/GPU/Passes.h"
#include "kernelforge/Transforms/BufferViews.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/CallInterfaces.h"
#include "mlir/Interfaces/FunctionInterfaces.h"

namespace mlir::kf {
#define GEN_PASS_DEF_DEVICEBUFFERSPASS
#include "kernelforge/Codegen/GPU/Passes.h.inc"
} // namespace mlir::kf

using namespace mlir;

namespace {

/// Whether `call` only borrows its buffer operands: it calls a function of
/// this module (a body, not a declaration) and returns no buffer, so nothing
/// of an operand outlives the call. Results made out-parameters
/// (`kernelforge-opt --kf-gpu-emulator-pipeline` keeps the blocks' calls)
/// are such calls.
bool borrowsOnly(CallOpInterface call) {
  auto callee =
      dyn_cast_or_null<FunctionOpInterface>(call.resolveCallable());
  return callee && !callee.isExternal() &&
         llvm::none_of(call->getResultTypes(),
                       [](Type type) { return isa<BaseMemRefType>(type); });
}

/// The last op of `block` that uses `buffer` or a view of it, or null when
/// the buffer escapes (returned, passed to a call that may keep it, used in
/// another block) or is freed already.
Operation *lastUse(Value buffer, Block &block) {
  auto uses = kf::usesInBlock(buffer, block);
  if (!uses)
    return nullptr;
  Operation *last = nullptr;
  for (auto [user, ancestor] : *uses) {
    auto call = dyn_cast<CallOpInterface>(user);
    if (isa<gpu::DeallocOp, memref::DeallocOp>(user) ||
        (call && !borrowsOnly(call)) || user->hasTrait<OpTrait::ReturnLike>())
      return nullptr;
    if (!last || last->isBeforeInBlock(ancestor))
      last = ancestor;
  }
  return last;
}

struct DeviceBuffersPass : kf::impl::DeviceBuffersPassBase<DeviceBuffersPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    IRRewriter rewriter(&getContext());
    SmallVector<Operation *> hostOps;
    func.walk([&](Operation *op) {
      if (op->getParentOfType<gpu::LaunchOp>() ||
          op->getParentOfType<gpu::GPUModuleOp>())
        return;
      if (isa<memref::AllocOp, memref::DeallocOp, memref::CopyOp,
              memref::LoadOp, memref::StoreOp>(op))
        hostOps.push_back(op);
    });
    for (Operation *op : hostOps) {
      rewriter.setInsertionPoint(op);
      Location loc = op->getLoc();
      if (auto alloc = dyn_cast<memref::AllocOp>(op)) {
        auto device = gpu::AllocOp::create(
            rewriter, loc, alloc.getType(), /*asyncToken=*/Type(), ValueRange(),
            alloc.getDynamicSizes(), alloc.getSymbolOperands(),
            /*hostShared=*/false);
        rewriter.replaceOp(alloc, device.getMemref());
        // Freed after its last use (stream-ordered once the host code is
        // asynchronous; the runtime reuses the block).
        Block *block = device->getBlock();
        if (block == &func.front())
          if (Operation *last = lastUse(device.getMemref(), *block)) {
            rewriter.setInsertionPointAfter(last);
            gpu::DeallocOp::create(rewriter, loc, /*asyncToken=*/Type(),
                                   ValueRange(), device.getMemref());
          }
      } else if (auto dealloc = dyn_cast<memref::DeallocOp>(op)) {
        gpu::DeallocOp::create(rewriter, loc, /*asyncToken=*/Type(),
                               ValueRange(), dealloc.getMemref());
        rewriter.eraseOp(dealloc);
      } else if (auto copy = dyn_cast<memref::CopyOp>(op)) {
        gpu::MemcpyOp::create(rewriter, loc, /*asyncToken=*/Type(),
                              ValueRange(), copy.getTarget(), copy.getSource());
        rewriter.eraseOp(copy);
      } else {
        op->emitOpError("reads or writes a buffer on the host, but buffers "
                        "live in device memory; it should be part of a kernel");
        return signalPassFailure();
      }
    }
  }
};
} // namespace
