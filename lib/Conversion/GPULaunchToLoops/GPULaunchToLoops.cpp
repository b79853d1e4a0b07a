//===- GPULaunchToLoops.cpp - GPU kernels run as CPU loops ----------------===//
//
// Runs the GPU pipeline's kernels on the CPU, so that their index math,
// tiling, workgroup-memory staging and shuffle trees are checked numerically
// where no GPU is present. A gpu.launch becomes an scf.parallel over its
// blocks. Inside a block, the kernel body is split at its synchronisation
// points (gpu.barrier, gpu.shuffle, gpu.all_reduce) into phases, and each
// phase is a loop over the block's threads (thread-loop fission): every
// thread finishes a phase before any thread starts the next, which is what
// a barrier promises.
//
//  - A value that crosses a phase is kept per thread in a buffer of one
//    element per thread, stored where it is defined (lazily: only once a
//    later phase asks for it). Side-effect-free, region-free operations
//    (index math, constants) are recomputed instead.
//  - An scf.for or scf.if that contains a synchronisation point runs at block
//    level, its bounds or condition taken from thread 0 (a GPU kernel must
//    keep them uniform across the block anyway); loop-carried values and
//    results live in per-thread buffers.
//  - gpu.shuffle reads the source lane's buffered value within its warp of
//    32; gpu.all_reduce reduces over the block's buffered values.
//  - Workgroup memory is a per-block stack buffer; gpu.alloc, gpu.memcpy and
//    gpu.dealloc become their memref counterparts.
//
//===----------------------------------------------------------------------===//

#include "kernelforge/Conversion/GPUKernelUtils.h"
#include "kernelforge/Conversion/Passes.h"

#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Transforms/RegionUtils.h"
#include "llvm/ADT/TypeSwitch.h"

namespace mlir::kf {
#define GEN_PASS_DEF_CONVERTGPULAUNCHTOLOOPSPASS
#include "kernelforge/Conversion/Passes.h.inc"
} // namespace mlir::kf

using namespace mlir;

namespace {


bool isSyncPoint(Operation *op) {
  return isa<gpu::BarrierOp, gpu::ShuffleOp, gpu::AllReduceOp,
             gpu::SubgroupReduceOp>(op);
}

bool containsSyncPoint(Operation *op) {
  return op
      ->walk([](Operation *nested) {
        return isSyncPoint(nested) ? WalkResult::interrupt()
                                   : WalkResult::advance();
      })
      .wasInterrupted();
}

/// Recomputed wherever it is needed rather than kept per thread.
bool isRecomputable(Operation *op) {
  return op->getNumRegions() == 0 && isPure(op) && !isSyncPoint(op);
}

Type withoutWorkgroupSpace(Type type) {
  auto memref = dyn_cast<MemRefType>(type);
  if (!memref ||
      !isa_and_nonnull<gpu::AddressSpaceAttr>(memref.getMemorySpace()))
    return type;
  return MemRefType::get(memref.getShape(), memref.getElementType(),
                         memref.getLayout());
}

/// Workgroup memory is ordinary memory on the CPU: retype what a clone
/// defines.
void stripWorkgroupSpace(Operation *op) {
  op->walk([](Operation *nested) {
    for (Value result : nested->getResults())
      result.setType(withoutWorkgroupSpace(result.getType()));
    for (Region &region : nested->getRegions())
      for (Block &block : region)
        for (BlockArgument arg : block.getArguments())
          arg.setType(withoutWorkgroupSpace(arg.getType()));
  });
}

/// One thread's view while a phase loop (or thread 0's view at block level)
/// is being emitted.
struct ThreadView {
  OpBuilder &builder;
  Value tid; // linear thread index
  IRMapping mapping;
  Value ids[3] = {};
};

class LaunchEmulator {
public:
  explicit LaunchEmulator(gpu::LaunchOp launch) : launch(launch) {}
  LogicalResult run();

private:
  LogicalResult emitBlock(Block &body, OpBuilder &b);
  LogicalResult emitPhase(ArrayRef<Operation *> ops, OpBuilder &b);
  LogicalResult emitShuffle(gpu::ShuffleOp shuffle, OpBuilder &b);
  LogicalResult emitAllReduce(gpu::AllReduceOp reduce, OpBuilder &b);
  LogicalResult emitFor(scf::ForOp loop, OpBuilder &b);
  LogicalResult emitIf(scf::IfOp branch, OpBuilder &b);
  /// A thread loop over the block; `fill` emits one thread's body.
  LogicalResult emitThreadLoop(OpBuilder &b,
                               function_ref<LogicalResult(ThreadView &)> fill);
  /// Stores each thread's `values` into the per-thread `buffers`.
  LogicalResult emitStores(ValueRange values, ArrayRef<Value> buffers,
                           OpBuilder &b);
  FailureOr<Value> materialize(Value value, ThreadView &view);
  /// The value as thread 0 sees it, at block level (bounds, conditions).
  FailureOr<Value> uniform(Value value, OpBuilder &b);
  FailureOr<Value> newBuffer(Value forValue);
  FailureOr<SmallVector<Value>> newBuffers(ValueRange forValues);
  /// The per-thread buffer holding `value`, adding the store to the phase
  /// that defines it when no later phase asked for it before.
  FailureOr<Value> spill(Value value);
  Value threadId(ThreadView &view, unsigned dim);
  bool isInKernel(Value value) {
    return launch.getBody().isAncestor(value.getParentRegion());
  }

  gpu::LaunchOp launch;
  Location loc = launch.getLoc();
  Value numThreads;
  /// The block loop's body: per-thread buffers are allocated at its top.
  Block *blockBody = nullptr;
  /// One value per block: block ids and sizes, workgroup buffers, the
  /// induction variables of block-level loops, all_reduce results.
  IRMapping blockValues;
  /// Values kept per thread, and the buffer holding them.
  DenseMap<Value, Value> buffers;
  /// Where each value computed in a phase loop was computed: its clone and
  /// the phase's thread loop, for lazy stores.
  DenseMap<Value, std::pair<Value, scf::ForOp>> phaseValues;
};

Value LaunchEmulator::threadId(ThreadView &view, unsigned dim) {
  if (view.ids[dim])
    return view.ids[dim];
  OpBuilder &b = view.builder;
  gpu::KernelDim3 size = launch.getBlockSizeOperandValues();
  Value id = view.tid;
  if (dim >= 1)
    id = arith::DivUIOp::create(b, loc, id, size.x);
  if (dim == 2)
    id = arith::DivUIOp::create(b, loc, id, size.y);
  if (dim <= 1)
    id = arith::RemUIOp::create(b, loc, id, dim == 0 ? size.x : size.y);
  return view.ids[dim] = id;
}

FailureOr<Value> LaunchEmulator::newBuffer(Value forValue) {
  Type type = forValue.getType();
  if (!type.isIntOrIndexOrFloat())
    return emitError(forValue.getLoc(), "cannot emulate: a value of type ")
           << type << " crosses a synchronisation point";
  OpBuilder b = OpBuilder::atBlockBegin(blockBody);
  return memref::AllocaOp::create(b, loc,
                                  MemRefType::get({ShapedType::kDynamic}, type),
                                  ValueRange{numThreads})
      .getResult();
}

FailureOr<SmallVector<Value>> LaunchEmulator::newBuffers(ValueRange forValues) {
  SmallVector<Value> result;
  for (Value value : forValues) {
    FailureOr<Value> buffer = newBuffer(value);
    if (failed(buffer))
      return failure();
    result.push_back(*buffer);
  }
  return result;
}

FailureOr<Value> LaunchEmulator::spill(Value value) {
  if (Value buffer = buffers.lookup(value))
    return buffer;
  auto it = phaseValues.find(value);
  if (it == phaseValues.end())
    return launch.emitOpError("cannot emulate: no thread computes a value "
                              "that a later phase reads");
  FailureOr<Value> buffer = newBuffer(value);
  if (failed(buffer))
    return failure();
  auto [computed, phase] = it->second;
  OpBuilder b = OpBuilder::atBlockTerminator(phase.getBody());
  memref::StoreOp::create(b, loc, computed, *buffer,
                          ValueRange{phase.getInductionVar()});
  buffers[value] = *buffer;
  return *buffer;
}

FailureOr<Value> LaunchEmulator::materialize(Value value, ThreadView &view) {
  if (Value mapped = view.mapping.lookupOrNull(value))
    return mapped;
  if (!isInKernel(value))
    return value;
  // Clones read through the mapping: everything materialized is in it.
  if (Value mapped = blockValues.lookupOrNull(value)) {
    view.mapping.map(value, mapped);
    return mapped;
  }
  gpu::KernelDim3 tids = launch.getThreadIds();
  Value threadIds[] = {tids.x, tids.y, tids.z};
  for (unsigned dim = 0; dim < 3; ++dim)
    if (value == threadIds[dim]) {
      view.mapping.map(value, threadId(view, dim));
      return view.mapping.lookup(value);
    }
  OpBuilder &b = view.builder;
  Operation *def = value.getDefiningOp();
  if (def && isRecomputable(def) && !buffers.count(value)) {
    for (Value operand : def->getOperands())
      if (failed(materialize(operand, view)))
        return failure();
    Operation *clone = b.clone(*def, view.mapping);
    stripWorkgroupSpace(clone);
    return view.mapping.lookup(value);
  }
  FailureOr<Value> buffer = spill(value);
  if (failed(buffer))
    return failure();
  Value loaded = memref::LoadOp::create(b, loc, *buffer, ValueRange{view.tid});
  view.mapping.map(value, loaded);
  return loaded;
}

FailureOr<Value> LaunchEmulator::uniform(Value value, OpBuilder &b) {
  ThreadView thread0{b, arith::ConstantIndexOp::create(b, loc, 0)};
  return materialize(value, thread0);
}

LogicalResult
LaunchEmulator::emitThreadLoop(OpBuilder &b,
                               function_ref<LogicalResult(ThreadView &)> fill) {
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  auto loop = scf::ForOp::create(b, loc, zero, numThreads, one);
  OpBuilder inner = OpBuilder::atBlockTerminator(loop.getBody());
  ThreadView view{inner, loop.getInductionVar()};
  if (failed(fill(view)))
    return failure();
  // What the phase computed stays reachable for later phases.
  for (auto [original, clone] : view.mapping.getValueMap())
    if (isInKernel(original) && !phaseValues.count(original))
      phaseValues[original] = {clone, loop};
  return success();
}

LogicalResult LaunchEmulator::emitPhase(ArrayRef<Operation *> ops,
                                        OpBuilder &b) {
  if (ops.empty())
    return success();
  return emitThreadLoop(b, [&](ThreadView &view) -> LogicalResult {
    for (Operation *op : ops) {
      SetVector<Value> captured;
      captured.insert(op->getOperands().begin(), op->getOperands().end());
      getUsedValuesDefinedAbove(op->getRegions(), captured);
      for (Value value : captured)
        if (failed(materialize(value, view)))
          return failure();
      Operation *clone = view.builder.clone(*op, view.mapping);
      stripWorkgroupSpace(clone);
    }
    return success();
  });
}

LogicalResult LaunchEmulator::emitStores(ValueRange values,
                                         ArrayRef<Value> targets,
                                         OpBuilder &b) {
  if (values.empty())
    return success();
  return emitThreadLoop(b, [&](ThreadView &view) -> LogicalResult {
    // All loads before any store: a yield may swap loop-carried values.
    SmallVector<Value> threadValues;
    for (Value value : values) {
      FailureOr<Value> v = materialize(value, view);
      if (failed(v))
        return failure();
      threadValues.push_back(*v);
    }
    for (auto [v, target] : llvm::zip_equal(threadValues, targets))
      memref::StoreOp::create(view.builder, loc, v, target,
                              ValueRange{view.tid});
    return success();
  });
}

LogicalResult LaunchEmulator::emitShuffle(gpu::ShuffleOp shuffle,
                                          OpBuilder &b) {
  FailureOr<Value> source = isInKernel(shuffle.getValue())
                                ? spill(shuffle.getValue())
                                : FailureOr<Value>(Value());
  if (failed(source))
    return failure();
  return emitThreadLoop(b, [&](ThreadView &view) -> LogicalResult {
    OpBuilder &tb = view.builder;
    FailureOr<Value> offset = materialize(shuffle.getOffset(), view);
    FailureOr<Value> width = materialize(shuffle.getWidth(), view);
    FailureOr<Value> own = materialize(shuffle.getValue(), view);
    if (failed(offset) || failed(width) || failed(own))
      return failure();
    Type i32 = tb.getI32Type();
    Value warp = arith::ConstantIndexOp::create(tb, loc, kf::kWarpSize);
    Value laneIndex = arith::RemUIOp::create(tb, loc, view.tid, warp);
    Value warpBase = arith::SubIOp::create(tb, loc, view.tid, laneIndex);
    Value lane = arith::IndexCastOp::create(tb, loc, i32, laneIndex);
    Value src;
    switch (shuffle.getMode()) {
    case gpu::ShuffleMode::XOR:
      src = arith::XOrIOp::create(tb, loc, lane, *offset);
      break;
    case gpu::ShuffleMode::DOWN:
      src = arith::AddIOp::create(tb, loc, lane, *offset);
      break;
    case gpu::ShuffleMode::UP:
      src = arith::SubIOp::create(tb, loc, lane, *offset);
      break;
    case gpu::ShuffleMode::IDX:
      src = *offset;
      break;
    }
    // Valid: the source lane is in [0, width) and is a thread of the block.
    Value zero = arith::ConstantIntOp::create(tb, loc, i32, 0);
    Value srcThread = arith::AddIOp::create(
        tb, loc, warpBase,
        arith::IndexCastOp::create(tb, loc, tb.getIndexType(), src));
    Value valid = arith::AndIOp::create(
        tb, loc,
        arith::CmpIOp::create(tb, loc, arith::CmpIPredicate::sge, src, zero),
        arith::CmpIOp::create(tb, loc, arith::CmpIPredicate::slt, src, *width));
    valid = arith::AndIOp::create(
        tb, loc, valid,
        arith::CmpIOp::create(tb, loc, arith::CmpIPredicate::ult, srcThread,
                              numThreads));
    Value result = *own;
    if (*source) {
      Value index =
          arith::SelectOp::create(tb, loc, valid, srcThread, view.tid);
      result = memref::LoadOp::create(tb, loc, *source, ValueRange{index});
    }
    view.mapping.map(shuffle.getShuffleResult(), result);
    view.mapping.map(shuffle.getValid(), valid);
    return success();
  });
}

LogicalResult LaunchEmulator::emitAllReduce(gpu::AllReduceOp reduce,
                                            OpBuilder &b) {
  if (!reduce.getOp())
    return reduce.emitOpError(
        "cannot emulate an all_reduce with a region; name the operation");
  FailureOr<Value> source = spill(reduce.getValue());
  if (failed(source))
    return failure();
  // Thread 0's value, then the others in thread order.
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  Value first = memref::LoadOp::create(b, loc, *source, ValueRange{zero});
  gpu::AllReduceOperation kind = *reduce.getOp();
  auto loop = scf::ForOp::create(
      b, loc, one, numThreads, one, ValueRange{first},
      [&](OpBuilder &lb, Location l, Value tid, ValueRange acc) {
        Value next = memref::LoadOp::create(lb, l, *source, ValueRange{tid});
        scf::YieldOp::create(lb, l,
                             kf::combine(lb, l, kind, acc.front(), next));
      });
  blockValues.map(reduce.getResult(), loop.getResult(0));
  return success();
}

LogicalResult LaunchEmulator::emitFor(scf::ForOp loop, OpBuilder &b) {
  FailureOr<Value> lb = uniform(loop.getLowerBound(), b);
  FailureOr<Value> ub = uniform(loop.getUpperBound(), b);
  FailureOr<Value> step = uniform(loop.getStep(), b);
  if (failed(lb) || failed(ub) || failed(step))
    return failure();
  FailureOr<SmallVector<Value>> carried = newBuffers(loop.getRegionIterArgs());
  if (failed(carried) || failed(emitStores(loop.getInitArgs(), *carried, b)))
    return failure();
  auto blockLoop = scf::ForOp::create(b, loc, *lb, *ub, *step);
  blockValues.map(loop.getInductionVar(), blockLoop.getInductionVar());
  for (auto [arg, result, buffer] :
       llvm::zip_equal(loop.getRegionIterArgs(), loop.getResults(), *carried)) {
    buffers[arg] = buffer;
    buffers[result] = buffer;
  }
  OpBuilder inner = OpBuilder::atBlockTerminator(blockLoop.getBody());
  if (failed(emitBlock(*loop.getBody(), inner)))
    return failure();
  auto yield = cast<scf::YieldOp>(loop.getBody()->getTerminator());
  return emitStores(yield.getOperands(), *carried, inner);
}

LogicalResult LaunchEmulator::emitIf(scf::IfOp branch, OpBuilder &b) {
  FailureOr<Value> condition = uniform(branch.getCondition(), b);
  if (failed(condition))
    return failure();
  FailureOr<SmallVector<Value>> results = newBuffers(branch.getResults());
  if (failed(results))
    return failure();
  bool hasElse = !branch.getElseRegion().empty();
  auto blockIf = scf::IfOp::create(b, loc, *condition, hasElse);
  auto emitBranch = [&](Region &from, Region &to) -> LogicalResult {
    OpBuilder inner = OpBuilder::atBlockTerminator(&to.front());
    if (failed(emitBlock(from.front(), inner)))
      return failure();
    return emitStores(from.front().getTerminator()->getOperands(), *results,
                      inner);
  };
  if (failed(emitBranch(branch.getThenRegion(), blockIf.getThenRegion())) ||
      (hasElse &&
       failed(emitBranch(branch.getElseRegion(), blockIf.getElseRegion()))))
    return failure();
  for (auto [result, buffer] : llvm::zip_equal(branch.getResults(), *results))
    buffers[result] = buffer;
  return success();
}

LogicalResult LaunchEmulator::emitBlock(Block &body, OpBuilder &b) {
  SmallVector<Operation *> phase;
  for (Operation &op : body.without_terminator()) {
    if (!containsSyncPoint(&op)) {
      phase.push_back(&op);
      continue;
    }
    if (failed(emitPhase(phase, b)))
      return failure();
    phase.clear();
    LogicalResult emitted =
        TypeSwitch<Operation *, LogicalResult>(&op)
            .Case([](gpu::BarrierOp) { return success(); })
            .Case([&](gpu::ShuffleOp s) { return emitShuffle(s, b); })
            .Case([&](gpu::AllReduceOp r) { return emitAllReduce(r, b); })
            .Case([&](scf::ForOp f) { return emitFor(f, b); })
            .Case([&](scf::IfOp i) { return emitIf(i, b); })
            .Default([](Operation *other) {
              return other->emitOpError(
                  "cannot emulate: a synchronisation point inside this op");
            });
    if (failed(emitted))
      return failure();
  }
  return emitPhase(phase, b);
}

LogicalResult LaunchEmulator::run() {
  if (launch.getAsyncToken() || !launch.getAsyncDependencies().empty())
    return launch.emitOpError("cannot emulate an asynchronous launch");
  if (!launch.getPrivateAttributions().empty() || launch.hasClusterSize() ||
      launch.getDynamicSharedMemorySize())
    return launch.emitOpError("cannot emulate private memory, clusters or "
                              "dynamic shared memory");
  if (!llvm::hasSingleElement(launch.getBody()))
    return launch.emitOpError("cannot emulate a kernel with several blocks");

  OpBuilder b(launch);
  gpu::KernelDim3 grid = launch.getGridSizeOperandValues();
  gpu::KernelDim3 block = launch.getBlockSizeOperandValues();
  numThreads = arith::MulIOp::create(
      b, loc, arith::MulIOp::create(b, loc, block.x, block.y), block.z);
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  auto blocks = scf::ParallelOp::create(b, loc, ValueRange{zero, zero, zero},
                                        ValueRange{grid.x, grid.y, grid.z},
                                        ValueRange{one, one, one});
  OpBuilder inner = OpBuilder::atBlockTerminator(blocks.getBody());

  gpu::KernelDim3 ids = launch.getBlockIds();
  gpu::KernelDim3 gridArgs = launch.getGridSize();
  gpu::KernelDim3 blockArgs = launch.getBlockSize();
  SmallVector<Value> ivs = blocks.getInductionVars();
  blockValues.map(ids.x, ivs[0]);
  blockValues.map(ids.y, ivs[1]);
  blockValues.map(ids.z, ivs[2]);
  blockValues.map(gridArgs.x, grid.x);
  blockValues.map(gridArgs.y, grid.y);
  blockValues.map(gridArgs.z, grid.z);
  blockValues.map(blockArgs.x, block.x);
  blockValues.map(blockArgs.y, block.y);
  blockValues.map(blockArgs.z, block.z);
  for (BlockArgument workgroup : launch.getWorkgroupAttributions()) {
    auto type = cast<MemRefType>(withoutWorkgroupSpace(workgroup.getType()));
    if (!type.hasStaticShape())
      return launch.emitOpError("cannot emulate dynamic workgroup memory");
    blockValues.map(workgroup, memref::AllocaOp::create(inner, loc, type));
  }
  blockBody = blocks.getBody();
  if (failed(emitBlock(launch.getBody().front(), inner)))
    return failure();
  launch.erase();
  return success();
}

/// gpu.alloc / gpu.dealloc / gpu.memcpy on the host become memref ops.
LogicalResult convertDeviceMemory(func::FuncOp func) {
  WalkResult result = func.walk([](Operation *op) {
    if (!isa<gpu::AllocOp, gpu::DeallocOp, gpu::MemcpyOp>(op))
      return WalkResult::advance();
    auto alloc = dyn_cast<gpu::AllocOp>(op);
    if (cast<gpu::AsyncOpInterface>(op).getAsyncToken() ||
        (alloc && alloc.getHostShared()))
      return WalkResult(op->emitOpError(
          "cannot emulate asynchronous or host-shared device memory"));
    OpBuilder b(op);
    if (alloc)
      alloc.getMemref().replaceAllUsesWith(memref::AllocOp::create(
          b, op->getLoc(), alloc.getMemref().getType(), alloc.getDynamicSizes(),
          alloc.getSymbolOperands()));
    else if (auto dealloc = dyn_cast<gpu::DeallocOp>(op))
      memref::DeallocOp::create(b, op->getLoc(), dealloc.getMemref());
    else if (auto copy = dyn_cast<gpu::MemcpyOp>(op))
      memref::CopyOp::create(b, op->getLoc(), copy.getSrc(), copy.getDst());
    op->erase();
    return WalkResult::advance();
  });
  return failure(result.wasInterrupted());
}

struct ConvertGPULaunchToLoopsPass
    : kf::impl::ConvertGPULaunchToLoopsPassBase<ConvertGPULaunchToLoopsPass> {
  void runOnOperation() override {
    SmallVector<gpu::LaunchOp> launches;
    getOperation().walk([&](gpu::LaunchOp l) { launches.push_back(l); });
    for (gpu::LaunchOp launch : launches)
      if (failed(LaunchEmulator(launch).run()))
        return signalPassFailure();
    if (failed(convertDeviceMemory(getOperation())))
      signalPassFailure();
  }
};

} // namespace
