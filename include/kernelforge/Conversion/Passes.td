//===- Passes.td - KernelForge conversion passes -------------*- tablegen -*-===//

#ifndef KERNELFORGE_CONVERSION_PASSES_TD
#define KERNELFORGE_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertTransformerToLinalgPass
    : Pass<"convert-kf-to-linalg", "::mlir::ModuleOp"> {
  let summary = "Lower the kf dialect to linalg on tensors";
  let description = [{
    Rewrites every kf op into `linalg.generic` ops with explicit
    `indexing_maps` and `iterator_types` (plus `linalg.fill`,
    `linalg.transpose` and tensor reshapes/slices):

    - elementwise ops and broadcasts: parallel generics, broadcasting in the
      maps;
    - `kf.linear` / `kf.matmul`: contractions with a reduction iterator, the
      weight layout and `transpose_rhs` expressed in the weight's map, the
      bias as the initial value;
    - `kf.layer_norm`, `kf.rms_norm`, `kf.softmax`, `kf.argmax`: reductions
      along one axis followed by a parallel normalisation; causal masks are
      computed from `linalg.index`, never materialised;
    - `kf.attention`: fused (an `scf.forall` over batch, heads and query
      blocks, each an `scf.for` over key tiles with an online softmax that
      stops at the last tile the block can see when causal; a block of
      several queries first copies each key tile transposed, marked
      `kf.transposing_copy`, so that its scores read contiguous keys) or
      decomposed (QK^T, softmax, PV);
    - `kf.embedding`: a gather via `tensor.extract`, with `cf.assert` range
      checks; `kf.kv_cache_update`: `tensor.insert_slice`.

    All shapes must be static; the pass reports the first dynamic operand.

    Example: `kernelforge-opt --convert-kf-to-linalg models/gpt2/gpt2-makemore.mlir`
  }];
  let options = [
    Option<"decomposeAttention", "decompose-attention", "bool",
           /*default=*/"false",
           "Lower kf.attention as QK^T, softmax and PV instead of one fused "
           "online-softmax loop">,
    Option<"keyTile", "key-tile", "int64_t", /*default=*/"0",
           "Largest key tile of the fused attention loop (0: the op's own "
           "kf.schedule attention_tiles, a measured choice, else the "
           "module's, else 64)">,
    Option<"queryTile", "query-tile", "int64_t", /*default=*/"0",
           "Largest query block of one fused attention iteration (0: the "
           "op's own kf.schedule attention_tiles, else the module's, else "
           "64)">
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::cf::ControlFlowDialect",
    "::mlir::linalg::LinalgDialect", "::mlir::math::MathDialect",
    "::mlir::scf::SCFDialect", "::mlir::tensor::TensorDialect"
  ];
}

def ConvertLinalgReductionsToParallelPass
    : Pass<"convert-linalg-reductions-to-parallel", "::mlir::func::FuncOp"> {
  let summary = "Lower linalg reductions on buffers to scf.parallel + scf.reduce";
  let description = [{
    A `linalg.generic` on memrefs with one reduction dimension whose outputs
    are each combined by one associative operation (`out = combine(out, x)`
    with `x` independent of `out`: sums, products, maxima, minima) becomes

    ```mlir
    scf.parallel (%row...) = ... {          // the parallel dimensions
      %init = memref.load %out[...]
      %r = scf.parallel (%k) = (0) to (K) step (1) init (%init) -> f32 {
        ...                                  // the body, on loaded inputs
        scf.reduce(%x : f32) {
        ^bb0(%a: f32, %b: f32):
          %c = arith.addf %a, %b : f32
          scf.reduce.return %c : f32
        }
      }
      memref.store %r, %out[...]
    }
    ```

    the parallel form both back ends start from: the CPU pipeline runs the
    outer loop on OpenMP threads and serialises the inner one; a GPU maps
    rows to blocks and the inner reduction to threads. Reductions whose
    combiner is not a single associative op (argmax) are left alone, and so
    are contractions with `skip-contractions` (on a GPU a matrix product is
    better one output per thread than one output per block).
  }];
  let options = [
    Option<"skipContractions", "skip-contractions", "bool",
           /*default=*/"false", "Leave matrix products (contractions) alone">
  ];
  let dependentDialects = ["::mlir::memref::MemRefDialect",
                           "::mlir::scf::SCFDialect"];
}

def ConvertParallelReductionsToGPUPass
    : Pass<"convert-parallel-reductions-to-gpu", "::mlir::func::FuncOp"> {
  let summary = "Map row reductions (scf.parallel + scf.reduce) to one GPU block per row";
  let description = [{
    An `scf.parallel` over rows whose body holds one inner `scf.parallel`
    with `scf.reduce` (the form `convert-linalg-reductions-to-parallel`
    produces) becomes a `gpu.launch` with one block per row and
    `block-size` threads: each thread folds a strided slice of the row into
    a private partial, the block combines the partials with
    `gpu.all_reduce` (warp shuffles and workgroup memory once lowered to
    NVVM), and thread 0 combines the result with the row's initial value and
    runs the stores. No host loop over rows, no thread per row.
  }];
  let options = [
    Option<"blockSize", "block-size", "int64_t", /*default=*/"256",
           "Threads per block (a multiple of the warp size, 32)">
  ];
  let dependentDialects = ["::mlir::gpu::GPUDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::arith::ArithDialect"];
}

def ConvertContractionsToGPUPass
    : Pass<"convert-contractions-to-gpu", "::mlir::func::FuncOp"> {
  let summary = "Map matrix products on buffers to tiled GPU kernels";
  let description = [{
    A contraction on buffers (`linalg.generic` with two inputs, one output,
    one reduction dimension, projected-permutation indexing maps and static
    shapes: linear layers in either weight layout, QK^T and PV per head)
    becomes a `gpu.launch` of its own. The output's last dimension is n, its
    second-last is m when only the first input reads it, the reduction is k,
    and the remaining parallel dimensions are batches, mapped to grid z.

    With more than one output row, a block computes a BM x BN output tile
    with 16 x 16 threads, each holding BM/16 x BN/16 accumulators in
    registers: 64 x 64 (BM 16 or 32 for fewer rows), shrunk (rows first, to
    16, then columns, to 32) where the product would otherwise have fewer
    than 128 blocks, as a short prefill's projections would. The k loop
    advances 16 at a time: the block copies both k-tiles into workgroup
    memory (reading along each operand's contiguous dimension, rows padded
    by one element against bank conflicts), `gpu.barrier`, and every thread
    applies the generic's body to its outputs in k order, then `gpu.barrier`
    again. Edges are guarded, so no shape needs to divide the tiles.

    With one output row (decode), the kernel streams the weights once: when
    k is contiguous in them, a warp per output strides k with its lanes and
    sums with `gpu.shuffle xor`; when n is, a block of 256 threads takes C
    columns x 256/C k-groups and adds the groups' partials through workgroup
    memory, with C the most of 32, 16, 8 that still gives 256 blocks (decode
    products have few columns: 768 in 32-column blocks would keep 24
    multiprocessors busy); a warp reads whole 32-byte sectors either way. This reorders the sum, so it needs a body `out + f(in0, in1)`;
    other bodies are left alone.

    With `fuse-neighbours` (the default), the kernel absorbs the op that
    fills the output just before it (the bias broadcast, or a
    `linalg.fill`), computing each output's initial value itself, and an
    elementwise op just after it that reads the output once (GELU, a
    residual add, possibly through a reshape), applying it to each finished
    output and storing its result instead. That holds only when no other
    op can tell: the output is a local allocation nothing reads afterwards
    before it is overwritten or freed, the epilogue writes no buffer the
    contraction reads, and only memory-effect-free ops (views) lie between.
    A linear layer with its bias and activation is then one kernel.
  }];
  let options = [
    Option<"fuseNeighbours", "fuse-neighbours", "bool", /*default=*/"true",
           "Absorb the bias fill before and an elementwise op after">,
  ];
  let dependentDialects = ["::mlir::affine::AffineDialect",
                           "::mlir::gpu::GPUDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::arith::ArithDialect"];
}

def ConvertGPULaunchToLoopsPass
    : Pass<"convert-gpu-launch-to-loops", "::mlir::func::FuncOp"> {
  let summary = "Run gpu.launch kernels as CPU loops (a GPU emulator for "
                "checking kernels without a GPU)";
  let description = [{
    Each `gpu.launch` becomes an `scf.parallel` over its blocks. Inside a
    block the kernel body is split at its synchronisation points
    (`gpu.barrier`, `gpu.shuffle`, `gpu.all_reduce`) into phases, each an
    `scf.for` over the block's threads, so every thread finishes a phase
    before any thread starts the next: what a barrier promises.

    A value that crosses a phase is kept per thread in a stack buffer of one
    element per thread; side-effect-free index math and constants are
    recomputed instead. An `scf.for` or `scf.if` that contains a
    synchronisation point runs at block level with thread 0's bounds or
    condition (a kernel must keep them uniform), its carried values and
    results in per-thread buffers. `gpu.shuffle` reads the source lane
    within its warp of 32 (`valid` false outside `[0, width)` or past the
    block); `gpu.all_reduce` combines the threads' values in thread order.
    Workgroup memory becomes a per-block `memref.alloca`, and `gpu.alloc`,
    `gpu.memcpy` and `gpu.dealloc` their memref counterparts.

    Asynchronous launches, private memory, clusters, dynamic shared memory
    and `gpu.all_reduce` with a region are refused with an error.

    The emulator synchronises at least as often as the GPU does: a shuffle
    synchronises the whole block, not just the warp, and each iteration of a
    block-level loop starts a new phase. So it finds missing barriers inside
    a phase (a thread reading workgroup memory that another thread has not
    written yet), but not a missing barrier at the end of a loop body that
    contains barriers, nor races between warps around shuffles.
  }];
  let dependentDialects = ["::mlir::memref::MemRefDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::arith::ArithDialect"];
}

def ConvertAttentionToGPUPass
    : Pass<"convert-attention-to-gpu", "::mlir::func::FuncOp"> {
  let summary = "Lower kf.attention to one fused GPU kernel (online softmax)";
  let description = [{
    Flash-attention style: a block of 4 warps takes 4 consecutive query rows
    of one (batch, head), a warp per row. The block walks the keys in tiles
    of 32 staged in workgroup memory, only as far as the last key its rows
    may see when causal (so decode reads the cache up to its position, not
    to its end), and each warp keeps an online softmax: lane j scores key j
    of the tile against the row (staged in workgroup memory), the warp's max
    and sum come from five `gpu.shuffle xor` steps, the probabilities pass
    through workgroup memory to the lanes that own the output features, and
    the accumulators are rescaled by `exp(m_old - m_new)`. Scores never
    reach global memory; one launch replaces QK^T, softmax and PV.

    When the rows give few blocks (decode: one per head) and there are many
    keys, the keys are split into ranges of at least 128 (a multiple of 32)
    so that about 128 blocks run (flash-decoding): each block keeps the
    online softmax over its range and writes the unnormalised output, max
    and sum; a second kernel, a block per row and head and a thread per
    feature, rescales the ranges by `exp(m_s - m)` and divides by the
    combined sum. Ranges past the last visible key contribute nothing.

    The kernel reads the operands' buffers (`bufferization.to_buffer`) and
    writes a new one (`bufferization.to_tensor restrict writable`), so the
    rest of the pipeline bufferizes around it. Static f32 operands without
    an explicit mask are taken (GQA included); other attention ops are left
    for the decomposed lowering.
  }];
  let dependentDialects = ["::mlir::gpu::GPUDialect",
                           "::mlir::bufferization::BufferizationDialect",
                           "::mlir::math::MathDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::arith::ArithDialect"];
}

def ConvertNormsToGPUPass
    : Pass<"convert-norms-to-gpu", "::mlir::func::FuncOp"> {
  let summary = "Lower kf.layer_norm and kf.rms_norm to one GPU kernel each";
  let description = [{
    One block per row (up to 256 threads, a multiple of 32): the threads
    stride the row's columns, a block reduction (five `gpu.shuffle xor`
    steps per warp, the warps' sums through workgroup memory after a
    `gpu.barrier`, added by every thread in the same order) gives every
    thread the row's sum, hence the mean (layer norm), then the sum of
    squared deviations (or of squares, RMS norm), hence
    `rsqrt(var + epsilon)`, and
    the same threads write `(x - mean) * rstd * scale + bias`. The
    statistics never leave registers. Lowered through linalg instead, a
    layer norm is three kernels plus a fill and copies of the accumulators'
    initial values.

    Like `convert-attention-to-gpu`, the kernel reads the operands' buffers
    (`bufferization.to_buffer`) and writes a new one (`to_tensor restrict
    writable`). Static f32 norms are taken; others are left for the linalg
    lowering.
  }];
  let dependentDialects = ["::mlir::gpu::GPUDialect",
                           "::mlir::bufferization::BufferizationDialect",
                           "::mlir::math::MathDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::arith::ArithDialect"];
}

#endif // KERNELFORGE_CONVERSION_PASSES_TD
