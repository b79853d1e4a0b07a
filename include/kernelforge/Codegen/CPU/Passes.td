//===- Passes.td - CPU code generation passes --------------*- tablegen -*-===//
//
// What kf-cpu-pipeline does to the linalg form beyond the shared lowering:
// the target's schedule, the tuning cache, thread, reduction and register
// tiles, packed weight panels, vector lowering, 8-bit dot products, software
// prefetches and stack temporaries.
//
//===----------------------------------------------------------------------===//

#ifndef KERNELFORGE_CODEGEN_CPU_PASSES
#define KERNELFORGE_CODEGEN_CPU_PASSES

include "mlir/Pass/PassBase.td"

def CPUTargetPass : Pass<"kf-cpu-target", "::mlir::ModuleOp"> {
  let summary = "Record the target CPU and the schedule it calls for on the module";
  let description = [{
    Asks LLVM's description of the target (the host by default; `triple`,
    `cpu` and `features` as `llc`'s `-mtriple`, `-mcpu` and `-mattr` when
    cross-compiling) what a schedule needs: the widest float vector, the
    number of vector registers, FMA, cache sizes (read from sysfs where the
    host is the target, per-family defaults otherwise) and cores. Records
    them as the module's `kf.target` and derives the tile sizes the CPU code
    generator uses from them, recorded as `kf.schedule`:

    ```mlir
    module attributes {
      kf.schedule = {attention_tiles = array<i64: 64, 64>, columns_outer = false,
                     decode_key_tile = 16 : i64, k_tile = 256 : i64,
                     min_parallel_blocks = 4 : i64,
                     register_tile = array<i64: 6, 16>, thread_tile = 256 : i64,
                     vector_width = 8 : i64},
      kf.target = {caches = "default", cores = 2 : i64, cpu = "znver3",
                   fma = true, l1d = 32768 : i64, ..., vector_bits = 256 : i64,
                   vector_registers = 16 : i64}} { ... }
    ```

    Register tile: two vectors of columns, and as many rows (up to 8) as
    the registers hold next to the two weight vectors of a k step and the
    broadcast activation (AVX2 6 x 16, AVX-512 8 x 32, NEON 8 x 8); k tile: a register tile's weight panel in L1
    (at most 256 deep); thread tile: a thread's rows of activations in half of L2;
    attention: a key tile whose keys and values fill L1, a decode step's 16
    keys (measured), query blocks of 64. Tile
    options other than 0 override the derived values. A module that already
    has a `kf.schedule` and no target options keeps it (a hand-written or
    tuned schedule). An unknown triple or CPU is an error.
  }];
  let options = [
    Option<"triple", "triple", "std::string", /*default=*/"\"\"",
           "LLVM target triple (empty: the host's)">,
    Option<"cpu", "cpu", "std::string", /*default=*/"\"\"",
           "LLVM CPU name, e.g. znver3, skylake-avx512, neoverse-n1 "
           "(empty: the host's)">,
    Option<"features", "features", "std::string", /*default=*/"\"\"",
           "LLVM feature string, e.g. +avx2,-avx512f (empty: the CPU's)">,
    Option<"cores", "cores", "int64_t", /*default=*/"0",
           "Cores the code will run on (0: this machine's)">,
    Option<"vectorWidth", "vector-width", "int64_t", /*default=*/"0",
           "Override: floats per vector register">,
    Option<"registerRows", "register-rows", "int64_t", /*default=*/"0",
           "Override: rows of a contraction's register tile">,
    Option<"registerCols", "register-cols", "int64_t", /*default=*/"0",
           "Override: columns of a contraction's register tile">,
    Option<"kTile", "k-tile", "int64_t", /*default=*/"0",
           "Override: largest reduction tile">,
    Option<"threadTile", "thread-tile", "int64_t", /*default=*/"0",
           "Override: largest row tile handed to one thread">,
    Option<"packWeights", "pack-weights", "std::string", /*default=*/"\"\"",
           "Override: copy each thread's weight block into contiguous column "
           "panels (true/false; empty: the schedule's: x86 packs, from "
           "pack_min_rows rows)">,
    Option<"columnsOuter", "columns-outer", "std::string", /*default=*/"\"\"",
           "Override: register tiles walk columns outside, rows inside "
           "(true/false; empty: the schedule's, false)">,
    Option<"splitReduction", "split-reduction", "std::string",
           /*default=*/"\"\"",
           "Override: one-row products against [k, n] weights split their "
           "reduction across threads (true/false; empty: the schedule's, "
           "true)">
  ];
}

def ApplyTuningPass : Pass<"kf-apply-tuning", "::mlir::ModuleOp"> {
  let summary = "Give contractions and fused attention the schedules kernelforge-tune measured";
  let description = [{
    Looks every contraction (what `kf-tile-and-vectorize` gives a register
    tile) and every `kf.attention` up in the tuning cache that
    `kernelforge-tune` writes, under a key of the compiler version, the
    module's `kf.target` (CPU name, vector bits and registers, FMA), the op
    kind and the problem: a contraction's loop ranges, indexing maps and
    element types; an attention's operand types, causal mask, offset
    operand, mask, window and soft-cap. A hit whose winner beat the
    target's default is attached to the op as its own `kf.schedule`
    dictionary: a register tile, k and thread tiles that
    `kf-tile-and-vectorize` follows, or `attention_tiles = array<i64: Q, K>`
    (query block, key tile) that `convert-kf-to-linalg` follows. Attention
    tiles shape the loops the lowering builds, so `kf-cpu-pipeline` runs
    this pass twice: before `convert-kf-to-linalg` (attention) and before
    `kf-tile-and-vectorize` (contractions). The module records what happened
    as `kf.tuning = {applied = N, cache = "...", contractions = M}`, with
    `attention = A, attention_applied = B` where it has attention ops, and
    `used = {"kind|problem" = "choice", ...}`: each entry found and what it
    chose ("target default" where the default won), so tools can say so.

    A product's problem names how its weight is stored: an i8 weight
    dequantised from blocks as `i8/32*f16` (blocks of 32 along the
    reduction, an f16 scale each), not as the f32 it is dequantised to
    (its panels are made from the blocks: other code than an f32 weight's).
    With `bf16-products` (`kf-cpu-pipeline`'s option, passed on) on a
    target with a bf16 pair dot product, a product of more than one row
    against f32, bf16 or i8 weights ends in `;bf16-products`: schedules
    measured with f32 panels are not applied to products in bf16 pairs,
    nor the other way round (`kernelforge-tune --bf16-products` measures
    these).

    A missing cache file changes nothing. A corrupt file or entry (not JSON,
    another format, tiles out of range) is reported once as a warning and
    the target's default schedule is kept: a cache never makes a compile
    fail or its result wrong. The warning is recorded (`warned` in
    `kf.tuning`) so that the second run does not repeat it. A module without
    `kf.target` is left alone.
  }];
  let options = [
    Option<"cache", "cache", "std::string", /*default=*/"\"\"",
           "Tuning cache file (empty: $KF_TUNING_CACHE or "
           "~/.cache/kernelforge/tuning.json; none: do not look)">,
    Option<"bf16Products", "bf16-products", "bool", /*default=*/"false",
           "Look products up as kf-tile-and-vectorize's bf16-products "
           "compiles them: those that may multiply in bf16 pairs under "
           "their own keys (`;bf16-products`), tuned apart">
  ];
}

def TileAndVectorizePass
    : Pass<"kf-tile-and-vectorize", "::mlir::func::FuncOp"> {
  let summary = "Tile linalg ops on tensors for threads and registers, then vectorize";
  let description = [{
    Tiles every linalg op (on tensors) in up to three levels, then vectorizes
    the innermost tile. (An op over an empty iteration space, a zero-sized
    tensor, runs no iteration: it is replaced by its inits first.)

    1. `scf.forall` over the parallel dimensions: the work handed to threads.
       The regime decides which dimension is split: rows (tokens) when there
       are many of them (prefill), the feature / output dimension when there
       are few (decode, a single row); the loop records it as
       `kf.parallel = "rows"` or `"features"`.
    2. for contractions, `scf.for` over the reduction dimension (`k-tile`);
    3. `scf.for` register tiles: `register-rows` x `register-cols` x 1 for
       contractions (outer products on `vector-width`-wide registers),
       1 x ... x `vector-width`-multiple rows for the other generics.

    With threads, an op that only prepares another op's operands waits for
    that op's thread tiles and is computed in them
    (`scf::tileAndFuseProducerOfSlice`), on the tile's slice, instead of in a
    parallel loop of its own that writes a whole tensor for the next one to
    read back: a product's bias (broadcast into the thread's block of the
    output right before its k loop), a reduction's zero fill, and a row's
    reductions read by the op that uses them (a layer norm's means and
    variances, an RMS norm's sums of squares, a softmax's maxima and sums:
    each norm is then one parallel loop over rows instead of three). Only
    where each tile computes its slice once (every dimension the threads
    split indexes the operand); two users of one slice (a variance and the
    normalized rows both read the means) share it. Elementwise ops read as
    inputs do not wait (a residual sum a norm reads is also the next
    residual's input); nor does a bias a product reads through slices (rows
    split off before tiling). What waits and is not fused is tiled last, as
    any other op.

    With the schedule's `pack_weights` (an op's own, or the module's), a
    product with many rows (the module's `pack_min_rows` at least: 128 on
    AVX-512, where fewer rows do not pay for the copy) first copies each
    thread's k-tile of weights into contiguous panels `[n / cols, k, cols]`
    and computes from those (the loop records `packed_panels = cols`): the
    register tile then reads one stream instead of rows a weight-row apart.
    A weight stored `[n, k]` (the tied head's embedding) is packed whatever
    the schedule says, since its unpacked register tile would gather every
    column from another row. So is an i8 weight (convert-kf-to-linalg's
    `kf.dequantize` op): its panels are made from the blocks and scales the
    thread's slice covers (its k tiles whole blocks), widened and scaled in
    registers, and no
    dequantised copy of the whole weight is made (a product split off that
    is not packed, such as the columns a register tile leaves over,
    dequantises only its own slice). The copy reads a `[k, n]` weight row
    by row; a `[n, k]` one (`kf.transposing_copy`) in square tiles of the
    vector width (8 at most) along k and n, k innermost: each tile's rows
    are read along k, transposed in registers and written as panel rows (one
    element at a time, the copy had been 1.3-1.7x slower than from `[k, n]`
    with the weights from memory). A prefill attention block's key tile is
    copied transposed the same way (convert-kf-to-linalg marks that copy).
    Rows the register tile leaves
    over (64 = 10 x 6 + 4) are split off inside each thread tile and read
    the same panels; unpacked, they become a product of their own. Packed
    products are not marked for prefetching (their panels are read front
    to back, just after the copy wrote them); the copy of a float weight is
    (`kf.prefetch_next_k_tile`, the weight's dimension along k): each run
    it copies asks for the next k tile's, which the product's time then
    hides.

    One-row products (decode) stream each weight once. Against a `[k, n]`
    weight, with the schedule's `split_reduction` (the default), the
    reduction is first split across the threads (`P[s, 0, n]` over the s-th
    contiguous block of weight rows, then the parts added; the partial
    product records `split_reduction = s`), so each thread streams one
    block of memory; the register tile is one row four register tiles wide,
    all columns in each thread. With 16-bit weights whose register tile
    reads fewer than 256 bytes of each row (AVX2), k tiles of 32 rows are
    walked column tile after column tile, each run prefetching the same row
    two tiles ahead (`kf.prefetch_next_tiles = 2`), as i8 blocks below;
    one that reads 256 bytes (AVX-512's 16-bit tiles, AVX2's f32 ones) asks
    for the rows 16 below (`kf.prefetch = 16`). Against an
    `[n, k]` weight (the tied head; and, inside a fused attention block, a
    decode query's scores against its cached keys) the product is first
    split into dot products with `vector-width` lanes (`P[m, n, j]` over blocks of k, then
    the lanes summed), whose register tiles read weight rows front to back
    and become rows of multiply-adds. A row against i8 weight blocks
    (`kf.quantized_contraction`) is tiled like a contraction with one
    register row. Outside a fused block, such a lane sum of one row (and the
    one the lowering forms for a row against i8 blocks stored `[n, k]`) is
    tiled into an `scf.forall` over blocks of outputs (up to 64, dividing n)
    with its product and both fills fused into each block: a block zeroes,
    accumulates and sums its own `[1, rows, lanes]` partial sums while they
    are in cache, and the block's loop records the product's schedule (a
    fill that canonicalization shared between products of one shape, such
    as a LLaMA block's q, k, v and o, is cloned for each: unfused, each
    product had been three parallel loops). With 16-bit weights the lanes
    are four vectors (`kf.stream_rows`), the register tile one row, and the
    block's sum tiled one output at a time with its product and fill fused
    in: each weight row is read whole, one after another, and its lanes
    summed right after it (GPT-2's bf16 head 0.83 of the 8-row tile's time
    on a Zen 5, 0.75-0.82 with AVX2 code). A few rows against an `[n, k]`
    float weight (a short prompt's prefill: 2 to the register tile's
    accumulators over four lane vectors, 4 with AVX-512, 3 with AVX2) are
    split and tiled the same way with every row in each block and in the
    register tile (`lane_rows` in the schedule), so that each weight vector
    is read once for all of them; rows longer than 16 KiB together (which
    every output reads again, from L1) are first split along k into
    products over stretches that fit, each adding into the one before's
    result. The lowering's product of a few rows (up to 8) against i8
    blocks stored `[n, k]` (lanes a block) takes as many rows in a register
    tile as its accumulators hold a block of lanes for (8 with AVX-512's 16
    accumulators, 3 with AVX2's 12, 2 with NEON's 16 of 4 lanes; `lane_rows`
    in the schedule); more rows are first split into lane sums of that many
    rows each (and the rest), each its own block loop, so that each
    group's rows are defined before it and quantised there once
    (kf-integer-block-dots). AVX2's one-line steps ask for
    the rows 12 KiB below (`kf.prefetch_rows`). The loop of a streamed row
    of more than 56 vectors asks LLVM to unroll it four steps at a time
    (`loop_annotation` with an unroll count, which scf-to-cf carries to the
    loop's back edge): unrolled whole, rows of 960-1280 bf16 values had read
    0.6-0.7x as fast as others. Other one-row ops (bias
    additions, activations, residuals, the sum of a split product's parts)
    split their features across the threads only from 16384 features;
    fewer run on the calling thread, cheaper than a parallel region. Against blocks stored `[k, n]` (over (m, n, kb, j), each
    weight scaled in registers) the blocks are first split into contiguous
    parts for the threads, as above (a few rows, up to 8, together: each
    part all the rows); the register tile is one row as many columns wide
    as a contraction's register tile has accumulators (256 with AVX-512),
    or a few rows (up to half the register rows; more rows, several such
    tiles) sharing those columns out, so that each widened run of a weight
    row serves them all, its sums
    carried over every block, and its loops are
    marked to prefetch the weight rows 16 steps ahead (`kf.prefetch = 16`)
    and to scale each block's sum once (`kf.block_scales`, for
    kf-factor-block-scales). A register tile that reads fewer than 256
    bytes of each weight row (64 with AVX2) walks the blocks outer instead:
    a block's rows tile after tile (loops kb, n, j; the schedule records
    `blocks_outer`), the sums kept in the output, and its loops are marked
    to prefetch each run two tiles further along its row, into the next
    block at the row's end (`kf.prefetch_next_tiles = 2`): one short run
    per row, a row apart, had kept too few bytes in flight. A row against
    i8 blocks stored `[n, k]` (the head) takes a whole block's lanes per
    register tile where the register budget holds them (AVX2 included).

    With `bf16-products` and a target with a bf16 pair dot product (x86's
    AVX-512 BF16, `bf16_dot` in `kf.target`), a product of 8 register tiles
    of rows or more (64 with AVX-512's; packed from there whatever
    `pack_min_rows` says) against an f32 or bf16 weight, stored `[k, n]` or
    `[n, k]`, multiplies in bf16 pairs instead: its panels are
    `[n / cols, k / 2, cols, 2]` (the two weight rows of each pair side by
    side, rounded to bf16 from f32; from `[n, k]` copied 8 x 8 pairs at a
    time, transposed), the thread's rows of
    activations are rounded to bf16 once per k tile (`[m, k / 2, 2]`), and
    the product over (nb, m, j, kp, t), `kf.bf16_pairs`, has register tiles
    of `register-rows` x `register-cols` x one pair (a tuned op's own
    `register_tile`), which
    kf-lower-vector-ops turns into `x86vector.avx512.dot` (`vdpbf16ps`:
    16 lanes, each the sum of two products, per instruction, twice an f32
    FMA's work). Sums stay f32; what changes is that both operands are
    rounded to bf16 (8 significant bits) before they are multiplied. An i8
    weight's pair panels are made from its blocks and scales (each q *
    scale rounded to bf16), from 8 register tiles of rows stored `[k, n]`
    and from 32 stored `[n, k]` (whose blocks are transposed as they are
    copied).

    A dimension that the register tile does not divide is first split off
    (`linalg::splitOp`), so every tile has a static shape and vectorizes; the
    remainder gets its own, smaller static tiles. Ops the vectorizer rejects
    (gathers with range checks) stay scalar loops. With `threads=false` the
    first level is an `scf.for` as well.

    Tile sizes come from the module's `kf.schedule` (recorded by
    `kf-cpu-target`; the host's when there is none); an option other than 0
    overrides one. A linalg op carrying its own `kf.schedule` dictionary (a
    tuned choice, see `kf-apply-tuning`) uses its `register_tile`, `k_tile`
    and `thread_tile` instead. The outermost loop of each tiled contraction
    records what it got as
    `kf.schedule = {register_tile = [rows, cols], k_tile = k, thread_tiles = [...]}`
    (`thread_tiles`: the `scf.forall` tile of each loop dimension).
  }];
  let options = [
    Option<"vectorWidth", "vector-width", "int64_t", /*default=*/"0",
           "Floats per vector register (0: the schedule's)">,
    Option<"registerRows", "register-rows", "int64_t", /*default=*/"0",
           "Rows of a contraction's register tile (0: the schedule's)">,
    Option<"registerCols", "register-cols", "int64_t", /*default=*/"0",
           "Columns of a contraction's register tile, a multiple of "
           "vector-width (0: the schedule's)">,
    Option<"kTile", "k-tile", "int64_t", /*default=*/"0",
           "Largest reduction tile of a contraction (0: the schedule's)">,
    Option<"threadTile", "thread-tile", "int64_t", /*default=*/"0",
           "Largest row tile handed to one thread (0: the schedule's)">,
    Option<"threads", "threads", "bool", /*default=*/"true",
           "Emit scf.forall (parallel) for the outer tiles">,
    Option<"bf16Products", "bf16-products", "bool", /*default=*/"false",
           "Products of 8 register tiles of rows or more against f32 or "
           "bf16 weights multiply bf16 pairs, summing in f32, where the "
           "target has a bf16 dot product (`bf16_dot` in `kf.target`)">
  ];
  let dependentDialects = [
    "::mlir::affine::AffineDialect", "::mlir::LLVM::LLVMDialect",
    "::mlir::scf::SCFDialect", "::mlir::tensor::TensorDialect",
    "::mlir::vector::VectorDialect"
  ];
}

def FactorBlockScalesPass
    : Pass<"kf-factor-block-scales", "::mlir::func::FuncOp"> {
  let summary = "Scale a block's sum once instead of each of its weights";
  let description = [{
    A row against i8 weight blocks stored `[k, n]` scales every widened
    weight by its block's scale inside the loop over the block's rows,
    `acc = fma(x, q * s, acc)`, one multiply per weight. kf-tile-and-vectorize
    marks that product's register tile loops (`kf.block_scales`); in each
    marked innermost `scf.for`, a vector iter_arg that is only updated by
    `vector.fma(a, arith.mulf(q, s), acc)` with a scale `s` that does not
    change in the loop (defined outside it, or a `vector.load` whose memref
    and indices are, in a loop that writes no memory; the load is then
    copied before the loop) is summed from zero without the scale, and the
    sum is scaled once after the loop: `acc = fma(sum, s, acc)`. That is the
    i8 format's own definition (a block's scale times the block's dot
    product) and changes only the rounding order. Other loops lose the mark
    and are left alone. A few rows' register tile (a short prompt), whose
    sums vectorisation carries as one vector<R x N> with the weights
    widened and scaled as a matrix of R equal rows, is first split into one
    sum per row (as in kf-integer-block-dots), each factored as above
    against the one widened vector, the scales read before the loop once
    for all the rows.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::vector::VectorDialect"];
}

def RowSumTreesPass
    : Pass<"kf-row-sum-trees", "::mlir::func::FuncOp"> {
  let summary = "Sum rows' lanes into their totals with one shuffle tree per vector of rows";
  let description = [{
    An `scf.for` over `[0, R)` by 1 whose body only reads a row of W f32
    lanes (a 1-D `vector.load` whose index in one dimension other than the
    innermost is the induction variable, the others from outside the loop),
    adds it into one element of a buffer with `vector.reduction <add>` and
    `reassoc` (the element read and written back at the same indices, the
    induction variable the innermost one, contiguous: a `memref.load` /
    `memref.store`, or one-element `vector.load` / `vector.store`), with W a
    power of two and R a multiple of it: a decode query's attention adding
    each key's lanes of products into its score. Such a loop becomes, for
    each W rows, the W row reads, a tree of `vector.shuffle`s and additions
    that pairs the rows and halves their lane groups level by level
    (2 (W - 1) shuffles, W - 1 additions) into one vector of the W totals in
    row order, and one vector read, add and store of the W elements. On x86
    each row's reduction had been about ten instructions and a scalar store.
    The additions' order changes (`reassoc` allows it); other loops are
    left alone.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::vector::VectorDialect"];
}

def WidenBytesByWordsPass
    : Pass<"kf-widen-bytes-by-words", "::mlir::func::FuncOp"> {
  let summary = "Widen i8 weight rows four bytes per 32-bit lane";
  let description = [{
    In an `scf.for` whose vector<N x f32> iter_arg starts at zero and is
    only updated by `vector.fma(vector.broadcast(x), arith.sitofp(q), acc)`
    with `q` a vector<N x i8> (kf-factor-block-scales' block sums of a row
    against i8 weights stored `[k, n]`), the bytes are read as N / 4 32-bit
    words and byte b of each is moved to the word's top by a shift and a
    mask, `(w << (24 - 8 b)) & 0xFF000000`, which converts exactly to
    `q * 2^24`. The loop carries four sums, one per byte position; after it
    they are shuffled back into column order and multiplied by 2^-24. The
    result is the same to the bit (each lane adds the same products in the
    same order, scaled by a power of two); the sign-extending shuffles x86
    otherwise needs per 16 bytes, which bound the loop on AVX-512, are gone.
    Applies where the module's `kf.target` is x86 with 512-bit vectors (N a
    multiple of 64); elsewhere the pass changes nothing.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::vector::VectorDialect"];
}

def IntegerRowPairsPass
    : Pass<"kf-integer-row-pairs", "::mlir::func::FuncOp"> {
  let summary = "Sum a row against i8 blocks stored [k, n] in 16-bit row pairs";
  let description = [{
    In an `scf.for` of constant bounds, step 1 and an even trip count of at
    most 256 (so that the i32 sums cannot overflow) whose
    every iter_arg is a vector<N x f32> that starts at zero and is only
    updated by `vector.fma(vector.broadcast(x), arith.sitofp(q), acc)`, with
    `q` a vector<N x i8> read at indices one of which is the induction
    variable and `x` a scalar read along a contiguous last dimension at it
    (kf-factor-block-scales' block sums of a row against i8 weights stored
    `[k, n]`), and nothing else in the body that writes memory but
    prefetches:

    - The loop's rows of `x` are quantised once, before the outermost loop
      or OpenMP construct around it that neither moves them nor writes their
      buffer (a function argument may be any other argument's buffer, except
      a result's out-parameter, marked `bufferize.result`): to i16 with one
      f32 scale, `xs = max|x| / 32767`, `xq =
      roundeven(x / xs)` (0 for a zero block; NaN reaches the scale), stored
      as i32 pairs of consecutive rows.
    - The loop steps over row pairs: the two rows' bytes interleaved column
      by column, sign-extended and multiplied by the rows' pair of `xq`,
      summed in adjacent pairs into N i32 lanes (x86's vpunpck, vpmovsxbw
      and vpmaddwd) and added as integers; after the loop each sum is
      converted once and multiplied by `xs`.

    The integer sums are exact; the row's rounding is at most 2^-16 of the
    block's largest value, next to the weights' 2^-8. Applies where the
    module's `kf.target` is x86 with 256-bit vectors (AVX2: a sign-extending
    shuffle, a conversion and a multiply-add per 8 weights otherwise);
    512-bit targets widen the bytes by shifts instead
    (kf-widen-bytes-by-words), and elsewhere the pass changes nothing.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::math::MathDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::vector::VectorDialect"];
}

def IntegerBlockDotsPass
    : Pass<"kf-integer-block-dots", "::mlir::func::FuncOp"> {
  let summary = "Sum rows against i8 blocks stored [n, k] in 16-bit integer pairs";
  let description = [{
    A row against i8 weight blocks stored `[n, k]` (the tied head,
    `nn.Linear` layouts) keeps a vector of partial sums per output, one lane
    per column of a block, and dequantises every weight:
    `acc = vector.fma(x, arith.mulf(arith.sitofp(q), splat(s)), acc)`, with
    `x` a `vector.load` whose indices are the loop's induction variable or
    defined outside it, `q` a vector<N x i8> (N even) and `s` one scalar per
    step. kf-tile-and-vectorize marks the loops of that product
    `kf.lane_sums`: their lanes are only ever added together afterwards. In
    each marked `scf.for`, such a sum is rewritten:

    - The row is quantised once, before the outermost loop or OpenMP
      construct around it that neither moves the row's indices nor writes
      its buffer (a marked loop that writes it is left alone; a function
      argument may be any other argument's buffer, except a result's
      out-parameter, marked `bufferize.result`): each step's N values to
      i16 with one f32 scale,
      `xs = max|x| / 32767`, `xq = roundeven(x / xs)` (0 for a zero step;
      NaN reaches the scale).
    - Each step sums `extsi(q) * extsi(xq)` in adjacent pairs, N / 2 i32
      lanes (x86's vpmovsxbw + vpmaddwd), converts them once and adds them
      with one scale, `s * xs` (filled for an output row's steps by vector
      operations before the loop, where `s` is read at the induction
      variable along a contiguous dimension), into rotating vector<N / 2 x
      f32> sums, enough to keep four registers of multiply-adds in flight;
      after the loop they are added to the first half of the old sum's
      lanes (all the rows' sums together: at least four registers, one
      chain per register where there are that many sums). The loop's
      prefetches of a later row's scales become one per cache line before
      it.

    A few rows' register tile (kf-tile-and-vectorize's `lane_rows` against
    i8 blocks) arrives as one vector<R x N x f32> sum, read and yielded row
    by row, the block widened and scaled as a matrix of R equal rows: in a
    marked loop that widens bytes, such a sum is first split into one sum
    per row, and the rows' extracts are folded through the elementwise ops
    that built them (and the rows' transfer reads made loads), so that each
    row is rewritten as above, its own row quantised once, the block's bytes
    shared by all.

    The integer sums are exact; the row's rounding is at most 2^-16 of its
    step's largest value, next to the weights' 2^-8. Applies where the
    module's `kf.target` is x86; elsewhere the pass changes nothing.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::math::MathDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::vector::VectorDialect"];
}

def PrefetchNextKeyTilePass
    : Pass<"kf-prefetch-next-key-tile", "::mlir::func::FuncOp"> {
  let summary = "Prefetch key tiles ahead while a decode query's attention uses this one";
  let description = [{
    convert-kf-to-linalg marks the key-tile loop of a fused attention whose
    block has one query row (decode) with `kf.key_tile_loop`. Each of its
    steps does a few microseconds of work on a tile of key and value rows
    (2 KiB of each with 16 bf16 rows of 64 dimensions) that are new pages
    to the hardware prefetchers, so one core waits on memory at the start of
    every page. In each marked `scf.for` with a constant step `tile`, the
    pass finds the row loop: a nested `scf.for` over `[0, tile)` by 1 whose
    body has a 1-D `vector.load` along the contiguous innermost dimension of
    a memref defined outside the key loop, at row `kt + r` (an
    `affine.apply` summing the two induction variables; the other indices
    from outside). At the start of the row loop's body it prefetches (into
    L2, one `memref.prefetch` per cache line of the run) row
    `kt + a * tile + r`, `a` the fewest whole tiles that hold at least 4 KiB
    of the widest such read's rows (one tile of 4 KiB or more: f32 rows of
    64; two of 16 bf16 rows of 64, measured 8% faster than one on a Zen 5),
    of each such read and of each tile view in the key loop's body: a
    `memref.subview` of a memref from outside the loop, unit strides, offset
    `kt` and size `tile` in one dimension, sizes of one between it and the
    innermost. The row index is clamped to its dimension, so no address
    outside the buffer is asked for. A loop without such a row loop is left
    alone; the mark is removed either way.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::memref::MemRefDialect"];
}

def PrefetchStridedReadsPass
    : Pass<"kf-prefetch-strided-reads", "::mlir::func::FuncOp"> {
  let summary = "Prefetch the weight rows a prefill register tile's reduction loop walks";
  let description = [{
    A register tile's reduction loop reads, each step, a short run of the
    next weight row: for a product with wide rows every step lands on a new
    page, where the hardware prefetchers stop, so the first row tile to
    reach a weight block waits on memory at every step while the others
    find it in cache. kf-tile-and-vectorize marks the register tile loops of
    products of many rows (`kf.prefetch`), and those of one-row products
    against i8 blocks, 16-bit weights or f32 weights read in runs of at
    most 256 bytes of a row (AVX2's 64 columns) and of decode attention's
    probabilities times the value rows with their own distance
    (`kf.prefetch = 16`, used unless `distance` is 0); in each marked
    innermost
    `scf.for` with a constant step, each `vector.load`,
    `vector.transfer_read` or `memref.load` whose memref is defined outside
    the loop and whose indices are loop-invariant but one, which moves with
    the induction variable (the variable itself or an `affine.apply` linear
    in it) by a cache line or more per step, gets `memref.prefetch` ops
    for the same run `distance` steps ahead: one per cache line of
    the run, at most four, when the innermost dimension is contiguous. A
    read through `memref.expand_shape` views (an i8 weight's blocks of rows)
    is prefetched in the memref they view, its split indices linearised, so
    the walk continues into the next block. The prefetched index is clamped
    to the dimension, so no address outside the buffer is asked for.
    Contiguous walks (the activations) are left to the hardware, as are
    other one-row products (decode: AVX-512's 512-byte runs of f32 rows),
    whose weight blocks are read once, front to back, and loops of
    `distance` steps or fewer. The exception:
    loops marked `kf.prefetch_rows = N` (a one-row product in a lane sum's
    block of outputs, the tied head, whose lanes read less than a cache
    line of each row: 16-bit or i8 weights, N = 12 KiB, or f32 with AVX2's
    8 lanes, N = 24 KiB; its lane tiles walk a few rows front to back with
    too few bytes in flight per core) prefetch, for each contiguous read,
    the same place in the rows at least N bytes below: whole steps of the
    nearest enclosing `scf.for` whose induction variable moves the row
    index (row indices computed in the loop from values outside it count as
    invariant there), past loops that move none. A streamed row's reads (a
    whole cache line or more per step, one after another along the row:
    `kf.stream_rows` with AVX2) get a prefetch per line of each read, into
    L2, where AVX2 code measured faster than with L1. A `distance` of
    0 turns this off too. Loops marked `kf.prefetch_next_tiles = N` (a row
    against i8 blocks walked blocks outer, one short run of each of a
    block's rows per step) prefetch, for each read whose innermost,
    contiguous index the enclosing `scf.for` moves, the run N steps of that
    loop ahead: the same row's next register tiles, one prefetch per cache
    line of the run. Past the row's end it continues where the next step of
    the loop around that one starts (the next block's row), when that loop
    moves another index; every index is clamped. Also off with a
    `distance` of 0. Loops marked `kf.prefetch_next_k_tile = D` (the copy
    of a thread's k tile of a weight into panels, D the weight's reduction
    dimension) prefetch, for each `vector.load` (or plain 1-D
    `vector.transfer_read`) of the innermost one from a
    `memref.subview` of a static 2-D weight (seen through a
    `memref.expand_shape` into panels), the same run one subview's size
    further along D: what the next k tile's copy reads, so that it finds it
    in L2 while the product of this tile computes. Past the weight's end
    along D, the first k tile of the next block of the other dimension (the
    columns the thread copies next). Every index is clamped; off with a
    `distance` of 0.

    Each prefetch goes into L1 (`locality<3>`, prefetcht0 on x86) when the
    lines its loop keeps asked for ahead (the runs of `distance` rows, of
    the rows N bytes below, of a block's rows N tiles ahead) fit the L1
    without more than 8 in one set, an L1 way being 4 KiB: a one-row
    product's 16 rows of i8 or bf16 weights. Otherwise (rows a multiple of
    4 KiB apart or nearly, prefill's 64 rows ahead, the next k tile) into
    L2 (`locality<2>`), where they do not evict what the loop reads.
  }];
  let options = [
    Option<"distance", "distance", "int64_t", /*default=*/"0",
           "Loop steps ahead to prefetch (0: none)">,
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::memref::MemRefDialect"];
}

def FusePanelCopiesPass
    : Pass<"kf-fuse-panel-copies", "::mlir::func::FuncOp"> {
  let summary = "Copy weights into panels inside the first row tile that reads them";
  let description = [{
    A packed prefill product copies each k tile of its thread's weight
    block into contiguous panels (a `memref.alloc`), then its register
    tiles read the panels. As a phase of its own the copy waits on the
    weight rows and does no arithmetic; this pass moves it into the first
    register tile of rows, which reads each weight vector from the weights,
    stores it into its panel and multiplies with it, so the copy overlaps
    that tile's multiply-adds. The other row tiles read the panels as
    before.

    It applies to an allocation whose one store is the innermost op of a
    nest of `scf.for` levels with constant bounds in the allocation's block
    (the copy: besides the nested level, each level's body may hold only
    side-effect free ops, `memref.prefetch` and reads of other buffers; the
    store's indices are the levels' induction variables, each once, and
    constants), when the next op with memory effects (the product) holds
    exactly one `vector.load` of the allocation, of the stored vector type,
    and any other load of it comes later (the rows the register tile leaves
    over). The loops around that load up to the product are the copy's
    levels again (the same bounds, each induction variable at the place its
    copy level's has in the store) and one loop the indices do not name
    (the row tiles, constant bounds, at least one iteration, no results).
    The pass peels that loop's first iteration and, in it, puts the copy's
    body at the load's indices (its reads, prefetches and the store) just
    before the load, which reads the stored vector back; the copy is
    erased. Nothing is done when the product writes the buffers the copy
    reads, when the panels are not f32 (LLVM's x86 backend splits a vector
    of 16-bit floats that is both stored and widened into scalar moves), or
    when any of this does not hold (an i8 weight's dequantized panels, read
    through a reshape, are left as they are).

    The copy's prefetches ask for the next k tile, into L2. Where a panel's
    run of each weight row is at most one cache line (AVX2's 16 floats), the
    peeled tile also asks for the row `rows-ahead` steps of its innermost
    loop ahead, into L1 (the row clamped to the weight's dimension, as
    kf-prefetch-strided-reads clamps): its single line per step otherwise
    waits on L2 or L3. Measured on a Zen 5
    with znver3 code (kernelforge-bench, weights from memory, four
    alternating runs, ms): GPT-2's qkv / attn_proj / mlp_up / mlp_down at
    64 rows 1.333 / 0.460 / 1.851 / 1.791 -> 1.238 / 0.431 / 1.688 / 1.645,
    at 256 rows 4.65 / 1.52 / 6.12 / 6.08 -> 4.48 / 1.51 / 6.01 / 5.85
    (fused without the rows ahead: 1.323 / 0.443 / 1.816 / 1.702); with
    AVX-512's two-line runs they gained nothing.
  }];
  let options = [
    Option<"rowsAhead", "rows-ahead", "int64_t", /*default=*/"32",
           "Steps ahead that the first row tile prefetches a weight row read "
           "in runs of at most a cache line (0: none)">,
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::memref::MemRefDialect"];
}

def LowerVectorOpsPass : Pass<"kf-lower-vector-ops", "::mlir::func::FuncOp"> {
  let summary = "Lower high-level vector ops to the 1-D forms the LLVM lowering expects";
  let description = [{
    On bufferized code: keeps accumulators in registers across the reduction
    loop (subviews folded into transfer indices, loop-invariant code moved
    out, then a read/write pair with no other access to its buffer inside
    the loop becomes a loop-carried vector, and a read the loop does not
    move from a buffer it does not write is read once before it; distinct
    entry-point buffers are assumed not to overlap, which kernelforge's
    callers guarantee), then lowers
    `vector.contract` to outer products (FMAs), multi-reductions to inner
    reductions, transfers to rank-1 loads and stores, and shape casts,
    transposes and broadcasts to 1-D vector ops. Float sums and products of
    `vector.reduction` are marked `reassoc`, so the lanes combine as a tree.
    A broadcast of a widened value (`arith.extf`, such as an int8 block's
    f16 scale) is broadcast narrow and widened after: inserting an f16
    scalar into a register lane (x86's `vpinsrw`) depends on the register's
    old contents, which serialised the tied head's loop on an accumulator.
    Where the target has a bf16 pair dot product (`bf16_dot` in
    `kf.target`), a contraction of bf16 pairs widened to f32 (the register
    tile of a product in bf16 pairs, kf-tile-and-vectorize's
    `bf16-products`) becomes one `x86vector.avx512.dot` per row and 16
    columns, the row's pair broadcast as a 32-bit lane, instead of FMAs.
    On x86 with 256-bit registers or more, an 8 x 8 transpose (a transposing
    packing copy's tile) of 32-bit elements becomes three rounds of
    two-input shuffles of rows (AVX's unpack, shuffle and 128-bit lane
    permutes), and of 16-bit elements three rounds of interleaves (words,
    double words, quad words); one flat 64-element shuffle, LLVM lowered to
    twice as many instructions.
  }];
  let dependentDialects = ["::mlir::vector::VectorDialect",
                           "::mlir::x86vector::X86VectorDialect"];
}

def StackTemporariesPass
    : Pass<"kf-stack-temporaries", "::mlir::func::FuncOp"> {
  let summary = "Put small temporaries freed inside a loop on the stack, one per thread";
  let description = [{
    Bufferization gives every temporary a `memref.alloc` and a
    `memref.dealloc`. Inside a loop, that is a `malloc` and a `free` per
    iteration: a decode step's attention allocates its running maximum,
    sum, scores and partial sums for each head and key tile (thousands of
    calls per token for GPT-2 at context 512), and the tied head a block
    of partial sums for each block of outputs.

    A `memref.alloc` of a static, identity-layout shape of at most
    `max-bytes` whose one `memref.dealloc` is in the same block (so its
    lifetime ends within one iteration of every enclosing loop) becomes a
    `memref.alloca` at the start of the nearest enclosing `omp.parallel`
    region (one slot per thread, which reuses it for each of its
    iterations) or of the function, and its dealloc goes. Only sequential
    loops, conditionals and worksharing loops (`omp.wsloop`, whose
    iterations one thread runs one after another) may lie in between;
    under an `scf.parallel` or `scf.forall`, whose iterations may run
    concurrently, a temporary stays on the heap. At most `max-total-bytes`
    go to one region or function; the rest stay on the heap. The pass runs
    after the parallel loops have become OpenMP.
  }];
  let options = [
    Option<"maxBytes", "max-bytes", "int64_t", /*default=*/"16384",
           "Largest temporary (bytes) moved to the stack">,
    Option<"maxTotalBytes", "max-total-bytes", "int64_t", /*default=*/"65536",
           "Stack bytes one omp.parallel region or function may receive">,
  ];
  let dependentDialects = ["::mlir::memref::MemRefDialect"];
}

#endif // KERNELFORGE_CODEGEN_CPU_PASSES
