//===- Passes.td - KernelForge code generation passes --------*- tablegen -*-===//

#ifndef KERNELFORGE_TRANSFORMS_PASSES_TD
#define KERNELFORGE_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def TileAndVectorizePass
    : Pass<"kf-tile-and-vectorize", "::mlir::func::FuncOp"> {
  let summary = "Tile linalg ops on tensors for threads and registers, then vectorize";
  let description = [{
    Tiles every linalg op (on tensors) in up to three levels, then vectorizes
    the innermost tile:

    1. `scf.forall` over the parallel dimensions: the work handed to threads.
       The regime decides which dimension is split: rows (tokens) when there
       are many of them (prefill), the feature / output dimension when there
       are few (decode, a single row); the loop records it as
       `kf.parallel = "rows"` or `"features"`.
    2. for contractions, `scf.for` over the reduction dimension (`k-tile`);
    3. `scf.for` register tiles: `register-rows` x `register-cols` x 1 for
       contractions (outer products on `vector-width`-wide registers),
       1 x ... x `vector-width`-multiple rows for the other generics.

    A dimension that the register tile does not divide is first split off
    (`linalg::splitOp`), so every tile has a static shape and vectorizes; the
    remainder gets its own, smaller static tiles. Ops the vectorizer rejects
    (gathers with range checks) stay scalar loops. With `threads=false` the
    first level is an `scf.for` as well.
  }];
  let options = [
    Option<"vectorWidth", "vector-width", "int64_t", /*default=*/"16",
           "Floats per vector register (16 for AVX-512, 8 for AVX2)">,
    Option<"registerRows", "register-rows", "int64_t", /*default=*/"8",
           "Rows of a contraction's register tile">,
    Option<"registerCols", "register-cols", "int64_t", /*default=*/"32",
           "Columns of a contraction's register tile (a multiple of vector-width)">,
    Option<"kTile", "k-tile", "int64_t", /*default=*/"256",
           "Largest reduction tile of a contraction">,
    Option<"threadTile", "thread-tile", "int64_t", /*default=*/"256",
           "Largest row tile handed to one thread">,
    Option<"threads", "threads", "bool", /*default=*/"true",
           "Emit scf.forall (parallel) for the outer tiles">
  ];
  let dependentDialects = [
    "::mlir::affine::AffineDialect", "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect", "::mlir::vector::VectorDialect"
  ];
}

def SerializeNestedParallelPass
    : Pass<"kf-serialize-nested-parallel", "::mlir::func::FuncOp"> {
  let summary = "Turn scf.parallel loops nested in another scf.parallel into scf.for";
  let description = [{
    OpenMP owns one level of parallelism: the outermost `scf.parallel` of a
    nest becomes an `omp.parallel` region, and any `scf.parallel` inside it
    (including reductions with `scf.reduce`) becomes sequential `scf.for`
    loops, reductions carried in `iter_args`, instead of nested parallel
    regions.
  }];
  let dependentDialects = ["::mlir::scf::SCFDialect"];
}

def LowerVectorOpsPass : Pass<"kf-lower-vector-ops", "::mlir::func::FuncOp"> {
  let summary = "Lower high-level vector ops to the 1-D forms the LLVM lowering expects";
  let description = [{
    On bufferized code: keeps accumulators in registers across the reduction
    loop (subviews folded into transfer indices, loop-invariant code moved
    out, then a read/write pair with no other access to its buffer inside
    the loop becomes a loop-carried vector; distinct entry-point buffers are
    assumed not to overlap, which kernelforge's callers guarantee), then lowers
    `vector.contract` to outer products (FMAs), multi-reductions to inner
    reductions, transfers to rank-1 loads and stores, and shape casts,
    transposes and broadcasts to 1-D vector ops. Float sums and products of
    `vector.reduction` are marked `reassoc`, so the lanes combine as a tree.
  }];
  let dependentDialects = ["::mlir::vector::VectorDialect"];
}

def ApproximateMathPass : Pass<"kf-approximate-math", "::mlir::func::FuncOp"> {
  let summary = "Replace exp, tanh, erf and friends by polynomial approximations";
  let description = [{
    `math.exp`, `math.tanh`, `math.erf`, `math.sin`, ... on f32 scalars and
    vectors become polynomial approximations built from arith ops, which
    vectorize, instead of scalar libm calls.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::math::MathDialect",
                           "::mlir::vector::VectorDialect"];
}

def LowerStridedCopiesPass
    : Pass<"kf-lower-strided-copies", "::mlir::func::FuncOp"> {
  let summary = "Turn memref.copy between non-contiguous views into linalg.copy";
  let description = [{
    The LLVM lowering turns a `memref.copy` between contiguous buffers into
    `memcpy`, but a copy involving a strided view into a call to the
    `memrefCopy` helper of MLIR's C runner library, which compiled models do
    not link. Such copies become `linalg.copy` ops, which the pipeline then
    lowers to loops like any other linalg op. Copies between identity-layout
    memrefs stay `memcpy`.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
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

def DeviceBuffersPass : Pass<"kf-device-buffers", "::mlir::func::FuncOp"> {
  let summary = "Allocate host-side temporaries on the GPU";
  let description = [{
    After kernels are formed (`gpu.launch`), the host code only allocates,
    frees and copies buffers; those buffers are read by kernels, so they
    must live in device memory: `memref.alloc` / `memref.dealloc` become
    `gpu.alloc` / `gpu.dealloc`, and `memref.copy` between them `gpu.memcpy`.
    A temporary allocated in the function's entry block that does not
    escape (not returned, passed to a call or freed already) is freed after
    its last use there, views included: compiled code would otherwise
    allocate device memory at every call and never return it.
    Function arguments are expected to be device pointers already (weights
    uploaded once). A host-side load or store of a buffer, which would touch
    device memory from the CPU, is reported as an error.
  }];
  let dependentDialects = ["::mlir::gpu::GPUDialect"];
}

def PlaceInDestinationsPass
    : Pass<"kf-place-in-destinations", "::mlir::ModuleOp"> {
  let summary = "Let ops whose results are inserted into slices write there";
  let description = [{
    Upstream's empty-tensor elimination, repeated until nothing changes,
    with slices of `tensor.empty` folded into smaller empties between
    rounds. An op computing into a `tensor.empty` whose result is inserted
    into a slice of another tensor then computes into that slice, so
    bufferization writes it in place instead of copying. One round places
    only the outermost insertion of a nest: the stacked K/V of a cache
    update (each half a `linalg.transpose` inserted into the stack, the
    stack inserted into the cache) needs two, after which both halves are
    transposed straight into the cache, with no temporary and no copy.
  }];
  let dependentDialects = ["::mlir::tensor::TensorDialect"];
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

def DedupeGPUModulesPass
    : Pass<"kf-dedupe-gpu-modules", "::mlir::ModuleOp"> {
  let summary = "Keep one gpu.module per distinct kernel";
  let description = [{
    After inlining (each transformer block's code once per layer) and
    kernel outlining, identical kernels sit in separate `gpu.module`s. Each
    module whose contents are textually identical to an earlier one's is
    removed and its launches are redirected to that one, so every distinct
    kernel is compiled to PTX (and loaded) once.
  }];
}

#endif // KERNELFORGE_TRANSFORMS_PASSES_TD
