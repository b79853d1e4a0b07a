//===- Passes.td - GPU code generation passes --------------*- tablegen -*-===//
//
// What kf-gpu-pipeline does to host code and kernels beyond the shared
// lowering: loops tiled into blocks of threads, checks that cannot run in a
// kernel dropped or hoisted to the host, temporaries on the device, one
// gpu.module of distinct kernels.
//
//===----------------------------------------------------------------------===//

#ifndef KERNELFORGE_CODEGEN_GPU_PASSES
#define KERNELFORGE_CODEGEN_GPU_PASSES

include "mlir/Pass/PassBase.td"

def DropKernelAssertsPass
    : Pass<"kf-drop-kernel-asserts", "::mlir::func::FuncOp"> {
  let summary = "Remove range checks from loops that become GPU kernels";
  let description = [{
    `cf.assert` inside an `scf.parallel` (the embedding's token-id and
    position checks) cannot be mapped to a GPU kernel. On the GPU these
    checks are the caller's job (kernelforge-gpt2 validates ids and
    positions before every step), so they are removed; asserts on the host
    (the KV-cache bound, on an index argument) stay.
  }];
}

def UnitParallelLoopPass
    : Pass<"kf-unit-parallel-loop", "::mlir::func::FuncOp"> {
  let summary = "Give linalg ops without a parallel loop one of one iteration";
  let description = [{
    A linalg op with no parallel loop (an elementwise op or a fill on rank-0
    buffers, a reduction of a whole tensor to a scalar such as an argmax
    over a vector) lowers to bare loads and stores, or a sequential loop,
    on the host, where on the GPU they would read device memory. Here it
    gets a leading parallel loop of one iteration: rank-0 buffers are read
    and written through rank-1 views of one element
    (`memref.expand_shape`), the other operands' maps and the body's
    `linalg.index` ops skip the new loop. It then lowers like any other op:
    to a one-thread kernel, or a reduction to a one-block one.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::memref::MemRefDialect"];
}

def TileLoopsForGPUPass : Pass<"kf-tile-loops-for-gpu", "::mlir::func::FuncOp"> {
  let summary = "Tile outermost parallel loops into blocks of threads along the innermost dimension";
  let description = [{
    Each outermost `scf.parallel` (not inside a `gpu.launch`) is tiled by
    1 x ... x 1 x `threads`: a block per tile, threads along the innermost,
    contiguous dimension, so neighbouring threads touch neighbouring
    addresses (coalesced). Single-iteration dimensions are dropped first, so
    a decode-shaped loop (one row) spreads its columns over full blocks.
    Inner tiles have fixed bounds with an in-bounds check, which the mapping
    to `gpu.launch` needs.
  }];
  let options = [
    Option<"threads", "threads", "int64_t", /*default=*/"256",
           "Threads per block along the innermost dimension">
  ];
  let dependentDialects = ["::mlir::scf::SCFDialect"];
}

def DeviceBuffersPass : Pass<"kf-device-buffers", "::mlir::func::FuncOp"> {
  let summary = "Allocate host-side temporaries on the GPU";
  let description = [{
    After kernels are formed (`gpu.launch`), the host code only allocates,
    frees and copies buffers; those buffers are read by kernels, so they
    must live in device memory: `memref.alloc` / `memref.dealloc` become
    `gpu.alloc` / `gpu.dealloc`, and `memref.copy` between them `gpu.memcpy`.
    A temporary allocated in the function's entry block that does not
    escape (not returned, freed already, or passed to a call that may keep
    it: one to a declaration, or one returning a buffer) is freed after its
    last use there, views included: compiled code would otherwise allocate
    device memory at every call and never return it. A call to a function of
    the module that returns no buffer (a block whose results became
    out-parameters) only borrows its operands.
    Function arguments are expected to be device pointers already (weights
    uploaded once). A host-side load or store of a buffer, which would touch
    device memory from the CPU, is reported as an error.
  }];
  let dependentDialects = ["::mlir::gpu::GPUDialect"];
}

def HoistHostAssertsPass
    : Pass<"kf-hoist-host-asserts", "::mlir::func::FuncOp"> {
  let summary = "Move host-side checks on arguments before the first kernel";
  let description = [{
    A `cf.assert` in a function's entry block whose condition is computed,
    by pure ops, from the function's arguments alone (the KV-cache position
    check) is moved with those ops to the start of the function. There it
    runs before any GPU work is queued, so `gpu-async-region` need not make
    the host wait for the kernels before it (a wait per layer otherwise).
    A failing check now stops the program before the kernels that preceded
    it, not after.
  }];
}

def MergeGPUModulesPass
    : Pass<"kf-merge-gpu-modules", "::mlir::ModuleOp"> {
  let summary = "Put every kernel in one gpu.module, each distinct one once";
  let description = [{
    Kernel outlining gives every launch a `gpu.module` of its own, and after
    inlining (each transformer block's code once per layer) many of them
    are identical. This pass keeps each distinct kernel once and moves them
    all into one `gpu.module` (`@kernels` unless the name is taken): a
    kernel is renamed after the module it came from, so names stay unique
    and readable, and every `gpu.launch_func` is redirected. The program
    then compiles to one PTX module, which ptxas and the CUDA driver accept
    as one file and the runtime loads once.
  }];
  let options = [
    Option<"moduleName", "module-name", "std::string", "\"kernels\"",
           "Name of the gpu.module that holds the kernels">,
  ];
}

#endif // KERNELFORGE_CODEGEN_GPU_PASSES
