//===- Passes.td - Passes both pipelines share -------------*- tablegen -*-===//
//
// Steps kf-cpu-pipeline and kf-gpu-pipeline both take between bufferization
// and LLVM: results placed in their destinations, strided copies and math
// lowered, bf16 conversions expanded, nested parallel loops serialised, the
// allocator hook. Target-specific code generation lives in Codegen/CPU and
// Codegen/GPU.
//
//===----------------------------------------------------------------------===//

#ifndef KERNELFORGE_TRANSFORMS_PASSES_TD
#define KERNELFORGE_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def SerializeNestedParallelPass
    : Pass<"kf-serialize-nested-parallel", "::mlir::func::FuncOp"> {
  let summary = "Turn scf.parallel loops nested in another scf.parallel into scf.for";
  let description = [{
    OpenMP owns one level of parallelism: the outermost `scf.parallel` of a
    nest becomes an `omp.parallel` region, and any `scf.parallel` inside it
    (including reductions with `scf.reduce`) becomes sequential `scf.for`
    loops, reductions carried in `iter_args`, instead of nested parallel
    regions.

    With `min-work=N`, an outermost loop whose work is known to be smaller
    than N element operations (a vector op counts its lanes, a copy or fill
    its elements, a loop its body times its static trip count) runs
    sequentially too: starting and joining the threads costs more than it
    saves. A decode step's norms, bias copies, head splits and residual adds
    are such loops; its matrix products, and any loop whose trip count is
    only known at run time, stay parallel.
  }];
  let options = [
    Option<"minWork", "min-work", "int64_t", /*default=*/"0",
           "Outermost parallel loops with fewer element operations than "
           "this run sequentially (0: keep every outermost loop parallel)">,
  ];
  let dependentDialects = ["::mlir::scf::SCFDialect"];
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

def ExpandBF16ConversionsPass
    : Pass<"kf-expand-bf16-conversions", "::mlir::func::FuncOp"> {
  let summary = "Write bf16 <-> f32 conversions as integer operations";
  let description = [{
    `arith.extf` from bf16 and `arith.truncf` to bf16 (scalars or vectors)
    become integer operations: the widening a bitcast, zero extension and
    16-bit shift; the narrowing rounds to nearest even with the bias trick
    and keeps NaNs quiet (upstream's `arith::populateExpandBFloat16Patterns`).
    Without AVX512-BF16, LLVM's x86 backend lowers a narrowing to a call of
    compiler-rt's `__truncsfbf2`, which a compiled library cannot resolve
    when it is loaded: a model with a bf16 KV cache failed to load on AVX2
    targets. The integer form vectorizes everywhere; the widening is the
    code LLVM emits for it anyway.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

def CopyRepeatedResultsPass
    : Pass<"kf-copy-repeated-results", "::mlir::func::FuncOp"> {
  let summary = "Give each returned tensor a value of its own";
  let description = [{
    A function that returns one tensor more than once (`return %0, %0`)
    returns a `linalg.copy` of it (into a `tensor.empty` of its sizes) for
    every repetition. Bufferization then gives each result a buffer of its
    own to become an out-parameter; upstream's buffer-results-to-out-params
    crashes on a repeated result (found by the kf-pipeline fuzz target).
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect"];
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
    A last round follows the last folding, which can undo a placement: an
    op split into parts (columns up to a multiple of the vector width, then
    the rest) has each part write into its slice of the result.
  }];
  let dependentDialects = ["::mlir::tensor::TensorDialect"];
}

def AllocatorHookPass : Pass<"kf-allocator-hook", "::mlir::ModuleOp"> {
  let summary = "Let the host that loads a library allocate its temporaries";
  let description = [{
    Runs on the LLVM dialect, after `finalize-memref-to-llvm` with
    `use-generic-functions`, which allocates every buffer with
    `_mlir_memref_to_llvm_alloc` (or `_mlir_memref_to_llvm_aligned_alloc`)
    and frees it with `_mlir_memref_to_llvm_free`. Where the module only
    declares them, this pass defines them (internal) around an exported
    global, `_kf_allocator`: two function pointers, an allocation and a
    release, zero when the library is loaded.

    While they are zero the functions are `malloc` (`aligned_alloc`) and
    `free`, so a library works in any host. The KernelForge runtime sets
    them when it loads a library (kernelforge/Runtime/LibraryABI.h): large
    temporaries then come from slabs it maps once, advised as transparent
    huge pages before they are first touched, and are reused by size from
    call to call (`kernelforge::runtime::allocateTemporary`). Aligned
    allocations keep `aligned_alloc`; the release pointer frees them too.
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

#endif // KERNELFORGE_TRANSFORMS_PASSES_TD
