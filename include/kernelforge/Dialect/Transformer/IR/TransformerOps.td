//===- TransformerOps.td - kf dialect operations -------------*- tablegen -*-===//
//
// Operations of the `kf` transformer dialect. Ops whose result shape differs
// from their operands implement InferTypeOpInterface: the shape checks live in
// `inferReturnTypes`, so builders need no result type and a wrong declared
// result type is reported next to the type that was expected.
//
//===----------------------------------------------------------------------===//

#ifndef KERNELFORGE_DIALECT_TRANSFORMER_IR_TRANSFORMEROPS_TD
#define KERNELFORGE_DIALECT_TRANSFORMER_IR_TRANSFORMEROPS_TD

include "kernelforge/Dialect/Transformer/IR/TransformerDialect.td"
include "kernelforge/Dialect/Transformer/IR/TransformerEnums.td"
include "mlir/IR/OpBase.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

//===----------------------------------------------------------------------===//
// Type constraints
//===----------------------------------------------------------------------===//

def KF_FloatTensor : RankedTensorOf<[F16, BF16, F32]>;
def KF_IdTensor : RankedTensorOf<[I32, I64]>;
// A weight as stored: a float type, or 8-bit integers with block scales.
def KF_WeightTensor : RankedTensorOf<[F16, BF16, F32, I8]>;
def KF_I64Tensor : RankedTensorOf<[I64]>;

// Ops whose result type is inferred: shape errors are reported by the
// inference itself (see TransformerTraits.h), then the declared result type is
// compared with the inferred one.
def KF_VerifyShapesByInference : NativeOpTrait<"VerifyShapesByInference"> {
  let cppNamespace = "::mlir::kf::OpTrait";
}
def KF_InferredResult : TraitList<[KF_VerifyShapesByInference, InferTypeOpAdaptor]>;

class KF_Op<string mnemonic, list<Trait> traits = []>
    : Op<Transformer_Dialect, mnemonic, !listconcat([Pure], traits)>;

//===----------------------------------------------------------------------===//
// Dense layers
//===----------------------------------------------------------------------===//

def KF_LinearOp : KF_Op<"linear",
    [AttrSizedOperandSegments, KF_InferredResult]> {
  let summary = "fully connected layer `y = x W + b`";
  let description = [{
    Applies a weight matrix to the last dimension of `input`
    (`[..., in]` -> `[..., out]`) and adds the optional `bias` (`[out]`).
    `layout` names how the weight is stored: `in_out` for `[in, out]`
    (Hugging Face GPT-2 `Conv1D`) and `out_in` for `[out, in]`
    (`torch.nn.Linear`, a tied `lm_head`). Both lower without a copy.

    The weight's element type is its storage type: the input's, or f16 or
    bf16 under an f32 input. A 16-bit weight is read as stored and widened
    in registers; products and sums are f32. The bias and the result have
    the input's element type.

    An i8 weight comes with `scales` (f16 or f32, f32 input): blocks of B
    consecutive values along the input-feature dimension share one scale,
    `W[i, o] = q[i, o] * scales[i / B, o]` for `in_out` (scales
    `[in / B, out]`) and `W[o, i] = q[o, i] * scales[o, i / B]` for
    `out_in` (scales `[out, in / B]`); B is `in` over the scales' block
    count. The lowering dequantises in registers. f16 scales make the
    Q8_0 layout (34 bytes per 32 values), f32 ones 36 bytes.

    Example:

    ```mlir
    %qkv = kf.linear %h, %w, %b layout(in_out)
        : tensor<1x16x64xf32>, tensor<64x192xf32>, tensor<192xf32>
          -> tensor<1x16x192xf32>
    %logits = kf.linear %h, %wte layout(out_in)
        : tensor<1x16x64xf32>, tensor<27x64xf32> -> tensor<1x16x27xf32>
    %y = kf.linear %h, %q scales(%s : tensor<192x2xf16>) layout(out_in)
        : tensor<1x16x64xf32>, tensor<192x64xi8> -> tensor<1x16x192xf32>
    ```
  }];
  let arguments = (ins KF_FloatTensor:$input, KF_WeightTensor:$weight,
                       Optional<KF_FloatTensor>:$bias,
                       Optional<KF_FloatTensor>:$scales,
                       KF_WeightLayout:$weight_layout);
  let results = (outs KF_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? (`scales` `(` $scales^ `:` type($scales) `)`)?
    `layout` `(` $weight_layout `)` attr-dict
    `:` type($input) `,` type($weight) (`,` type($bias)^)? `->` type($result)
  }];
  let hasCanonicalizer = 1;
}

def KF_MatmulOp : KF_Op<"matmul", [KF_InferredResult]> {
  let summary = "batched matrix product";
  let description = [{
    Multiplies the two innermost dimensions of `lhs` (`[..., M, K]`) and
    `rhs` (`[..., K, N]`, or `[..., N, K]` with `transpose_rhs`). Both operands
    have the same rank and the same leading (batch) dimensions.
    `rhs` may be stored in f16 or bf16 under an f32 `lhs` (see `kf.linear`).

    Example:

    ```mlir
    %scores = kf.matmul %q, %k transpose_rhs
        : tensor<1x4x16x16xf32>, tensor<1x4x16x16xf32> -> tensor<1x4x16x16xf32>
    ```
  }];
  let arguments = (ins KF_FloatTensor:$lhs, KF_FloatTensor:$rhs,
                       UnitAttr:$transpose_rhs);
  let results = (outs KF_FloatTensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs (`transpose_rhs` $transpose_rhs^)? attr-dict
    `:` type($lhs) `,` type($rhs) `->` type($result)
  }];
}

def KF_Conv2DOp : KF_Op<"conv2d", [KF_InferredResult]> {
  let summary = "2-D convolution (cross-correlation, as PyTorch's Conv2d)";
  let description = [{
    `out[n, o, y, x] = bias[o] + sum_{c, i, j} in[n, g * C/G + c,
    y * sy + i * dy - py, x * sx + j * dx - px] * weight[o, c, i, j]`, with
    `g = o / (O/G)`: the weight is `[O, C/G, KH, KW]` (PyTorch's OIHW) and
    `groups` G divides both channel counts. `strides` (sy, sx), `padding`
    (py, px: zeros on both sides) and `dilations` (dy, dx) default to 1, 0
    and 1. The input and result are `nchw` or `nhwc` (`layout`); the result
    is `[N, O, OH, OW]` (or `[N, OH, OW, O]`) with
    `OH = (H + 2 py - dy (KH - 1) - 1) / sy + 1`, likewise OW. Shapes are
    static. The weight may be stored in f16 or bf16 under an f32 input.

    The lowering gathers the input's patches (im2col, one `linalg.generic`
    with strided indexing maps) and multiplies them with the weight as a
    batched matrix product, so convolutions take the contraction path's
    tiling, schedules and tuning. A ViT patch embedding (stride = kernel,
    no padding) gathers without overlap.

    Example:

    ```mlir
    %patches = kf.conv2d %images, %w, %b layout(nhwc) {strides = array<i64: 7, 7>}
        : tensor<8x28x28x1xf32>, tensor<64x1x7x7xf32>, tensor<64xf32>
          -> tensor<8x4x4x64xf32>
    ```
  }];
  let arguments = (ins KF_FloatTensor:$input, KF_FloatTensor:$weight,
                       Optional<KF_FloatTensor>:$bias,
                       KF_ImageLayout:$layout,
                       OptionalAttr<DenseI64ArrayAttr>:$strides,
                       OptionalAttr<DenseI64ArrayAttr>:$padding,
                       OptionalAttr<DenseI64ArrayAttr>:$dilations,
                       OptionalAttr<I64Attr>:$groups);
  let results = (outs KF_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? `layout` `(` $layout `)` attr-dict
    `:` type($input) `,` type($weight) (`,` type($bias)^)? `->` type($result)
  }];
  let extraClassDeclaration = [{
    /// The sizes the convolution works with, defaults filled in.
    struct Geometry {
      int64_t strides[2] = {1, 1}, padding[2] = {0, 0}, dilations[2] = {1, 1};
      int64_t groups = 1;
    };
    /// Valid once the op verifies (two entries per attribute).
    Geometry getGeometry();
  }];
}

//===----------------------------------------------------------------------===//
// Normalisation
//===----------------------------------------------------------------------===//

def KF_LayerNormOp : KF_Op<"layer_norm",
    [AttrSizedOperandSegments, AllTypesMatch<["input", "result"]>]> {
  let summary = "layer normalisation over the last dimension";
  let description = [{
    `(x - mean) / sqrt(var + epsilon) * scale + bias`, with mean and
    (biased) variance taken over the last dimension `D` of `input`. `scale`
    and `bias` (each `[D]`) are optional; `bias` needs `scale`.

    Example:

    ```mlir
    %y = kf.layer_norm %x scale(%g : tensor<64xf32>) bias(%b : tensor<64xf32>)
        {epsilon = 1.0e-05 : f64} : tensor<1x16x64xf32>
    ```
  }];
  let arguments = (ins KF_FloatTensor:$input, Optional<KF_FloatTensor>:$scale,
                       Optional<KF_FloatTensor>:$bias, F64Attr:$epsilon);
  let results = (outs KF_FloatTensor:$result);
  let assemblyFormat = [{
    $input (`scale` `(` $scale^ `:` type($scale) `)`)?
    (`bias` `(` $bias^ `:` type($bias) `)`)? attr-dict `:` type($input)
  }];
  let hasVerifier = 1;
}

def KF_RMSNormOp : KF_Op<"rms_norm", [AllTypesMatch<["input", "result"]>]> {
  let summary = "root-mean-square normalisation over the last dimension";
  let description = [{
    `x / sqrt(mean(x^2) + epsilon) * scale` over the last dimension `D` of
    `input`; `scale` is `[D]`.

    Example:

    ```mlir
    %y = kf.rms_norm %x, %w {epsilon = 1.0e-06 : f64}
        : tensor<1x16x64xf32>, tensor<64xf32>
    ```
  }];
  let arguments = (ins KF_FloatTensor:$input, KF_FloatTensor:$scale,
                       F64Attr:$epsilon);
  let results = (outs KF_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $scale attr-dict `:` type($input) `,` type($scale)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Activations and elementwise arithmetic
//===----------------------------------------------------------------------===//

def KF_GeluOp : KF_Op<"gelu", [SameOperandsAndResultType]> {
  let summary = "Gaussian error linear unit";
  let description = [{
    Elementwise GELU, exact (`erf`) or with GPT-2's `tanh` approximation.

    Example:

    ```mlir
    %y = kf.gelu %x tanh : tensor<1x16x256xf32>
    ```
  }];
  let arguments = (ins KF_FloatTensor:$input,
                       KF_GeluApproximation:$approximation);
  let results = (outs KF_FloatTensor:$result);
  let assemblyFormat = "$input $approximation attr-dict `:` type($input)";
}

def KF_SiluOp : KF_Op<"silu", [SameOperandsAndResultType]> {
  let summary = "sigmoid linear unit `x * sigmoid(x)`";
  let description = [{
    Example:

    ```mlir
    %y = kf.silu %x : tensor<1x16x256xf32>
    ```
  }];
  let arguments = (ins KF_FloatTensor:$input);
  let results = (outs KF_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

def KF_SwigluOp : KF_Op<"swiglu", [SameOperandsAndResultType]> {
  let summary = "gated linear unit `silu(gate) * up`";
  let description = [{
    The gate of a LLaMA-style MLP: `silu(gate) * up`, elementwise, on two
    tensors of the same type.

    Example:

    ```mlir
    %y = kf.swiglu %gate, %up : tensor<1x16x256xf32>
    ```
  }];
  let arguments = (ins KF_FloatTensor:$gate, KF_FloatTensor:$up);
  let results = (outs KF_FloatTensor:$result);
  let assemblyFormat = "$gate `,` $up attr-dict `:` type($gate)";
}

class KF_BroadcastBinaryOp<string mnemonic, string sym>
    : KF_Op<mnemonic, [Commutative, KF_InferredResult]> {
  let summary = "elementwise `lhs " # sym # " rhs` with broadcasting";
  let description = [{
    Elementwise on operands of the same element type whose shapes broadcast
    as in NumPy: shapes are aligned at their last dimension, and each pair of
    dimensions is equal or one of them is 1. The result has the broadcast
    shape. The residual connection of a transformer block is the
    same-shape case.

    Example:

    ```mlir
    %r = kf.}] # mnemonic # [{ %x, %y : tensor<1x16x64xf32>, tensor<64xf32>
    ```
  }];
  let arguments = (ins KF_FloatTensor:$lhs, KF_FloatTensor:$rhs);
  let results = (outs KF_FloatTensor:$result);
  let assemblyFormat = "$lhs `,` $rhs attr-dict `:` type($lhs) `,` type($rhs)";
  let hasFolder = 1;
  let extraClassDefinition = [{
    ::llvm::LogicalResult $cppClass::inferReturnTypes(
        ::mlir::MLIRContext *, std::optional<::mlir::Location> loc,
        Adaptor adaptor, ::llvm::SmallVectorImpl<::mlir::Type> &inferred) {
      return ::mlir::kf::detail::inferBroadcastBinary(
          loc, getOperationName(), adaptor.getLhs(), adaptor.getRhs(),
          inferred);
    }
  }];
}

def KF_AddOp : KF_BroadcastBinaryOp<"add", "+">;
def KF_MulOp : KF_BroadcastBinaryOp<"mul", "*">;

def KF_SoftmaxOp : KF_Op<"softmax", [SameOperandsAndResultType]> {
  let summary = "softmax along one axis, optionally causally masked";
  let description = [{
    `exp(x - max) / sum(exp(x - max))` along `axis` (negative values count
    from the end; default: the last dimension).

    With `causal` the input is read as scores `[..., Sq, Sk]` and softmax runs
    over the last axis with key `j` hidden from query `i` when
    `j > i + (Sk - Sq)`: the queries are the last `Sq` positions of the
    sequence, which covers both prefill (`Sq == Sk`) and decode.

    Example:

    ```mlir
    %p = kf.softmax %s causal : tensor<1x4x16x16xf32>
    ```
  }];
  let arguments = (ins KF_FloatTensor:$input,
                       DefaultValuedAttr<I64Attr, "-1">:$axis,
                       UnitAttr:$causal);
  let results = (outs KF_FloatTensor:$result);
  let assemblyFormat = "$input (`causal` $causal^)? attr-dict `:` type($input)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Attention
//===----------------------------------------------------------------------===//

def KF_AttentionOp : KF_Op<"attention",
    [AttrSizedOperandSegments, KF_InferredResult]> {
  let summary = "scaled dot-product attention";
  let description = [{
    `softmax(scale * Q K^T + mask) V` per batch and head, with
    `query` `[B, H, Sq, D]`, `key` `[B, Hkv, Sk, D]` and
    `value` `[B, Hkv, Sk, Dv]`; the result is `[B, H, Sq, Dv]`. None of
    them may have a zero-sized dimension (a softmax over no keys has no
    value).

    - `Hkv` may be smaller than `H` (grouped-query attention): query head `h`
      reads key/value head `h / (H / Hkv)`, so `H` must be a multiple of `Hkv`.
    - `key` and `value` have the query's element type, or f16 or bf16 under
      an f32 query (a 16-bit KV cache): they are widened in registers and
      the scores, softmax and sums stay f32.
    - `scale` defaults to `1 / sqrt(D)`.
    - `mask` is an additive mask of the query's element type, with a shape
      that broadcasts to `[B, H, Sq, Sk]` (each dimension equal or 1).
    - `causal` hides key `j` from query `i` when `j > i + offset`. The offset
      is the `offset` operand (the position of the first query, as in decode
      with a KV cache whose unwritten tail must stay hidden), or `Sk - Sq`
      when absent.
    - `window` (with `causal`, Mistral's sliding window): query `i` also
      does not see keys older than `window` positions, `j <= i + offset -
      window`.
    - `softcap` (Gemma 2): the scaled scores become
      `softcap * tanh(s / softcap)` before the mask is added.

    Example:

    ```mlir
    %o = kf.attention %q, %k, %v causal offset(%pos)
        : tensor<1x4x1x16xf32>, tensor<1x4x16x16xf32>, tensor<1x4x16x16xf32>
          -> tensor<1x4x1x16xf32>
    ```
  }];
  let arguments = (ins KF_FloatTensor:$query, KF_FloatTensor:$key,
                       KF_FloatTensor:$value, Optional<KF_FloatTensor>:$mask,
                       Optional<Index>:$query_offset, UnitAttr:$causal,
                       OptionalAttr<F64Attr>:$scale,
                       OptionalAttr<I64Attr>:$window,
                       OptionalAttr<F64Attr>:$softcap);
  let results = (outs KF_FloatTensor:$result);
  let assemblyFormat = [{
    $query `,` $key `,` $value (`mask` `(` $mask^ `:` type($mask) `)`)?
    (`causal` $causal^)? (`offset` `(` $query_offset^ `)`)? attr-dict
    `:` type($query) `,` type($key) `,` type($value) `->` type($result)
  }];
  let extraClassDeclaration = [{
    /// The softmax scale: the `scale` attribute, or `1 / sqrt(D)`.
    double getEffectiveScale();
    /// The causal offset when no `offset` operand is given: `Sk - Sq`.
    int64_t getDefaultCausalOffset();
  }];
  let hasVerifier = 1;
}

def KF_SplitHeadsOp : KF_Op<"split_heads", [KF_InferredResult]> {
  let summary = "`[B, S, H*D]` -> `[B, H, S, D]`";
  let description = [{
    Splits the feature dimension into `num_heads` heads and moves the head
    dimension in front of the sequence.

    Example:

    ```mlir
    %q = kf.split_heads %x {num_heads = 4 : i64}
        : tensor<1x16x64xf32> -> tensor<1x4x16x16xf32>
    ```
  }];
  let arguments = (ins KF_FloatTensor:$input,
                       ConfinedAttr<I64Attr, [IntPositive]>:$num_heads);
  let results = (outs KF_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasFolder = 1;
}

def KF_MergeHeadsOp : KF_Op<"merge_heads", [KF_InferredResult]> {
  let summary = "`[B, H, S, D]` -> `[B, S, H*D]`";
  let description = [{
    The inverse of `kf.split_heads`.

    Example:

    ```mlir
    %y = kf.merge_heads %o : tensor<1x4x16x16xf32> -> tensor<1x16x64xf32>
    ```
  }];
  let arguments = (ins KF_FloatTensor:$input);
  let results = (outs KF_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// Embeddings and positions
//===----------------------------------------------------------------------===//

def KF_EmbeddingOp : KF_Op<"embedding",
    [AttrSizedOperandSegments, KF_InferredResult]> {
  let summary = "token embedding gather, plus learned positions";
  let description = [{
    Gathers rows of `table` (`[V, D]`) for the token ids in `ids`
    (`[..., S]`, i32 or i64), giving `[..., S, D]`. With `positions`
    (`[P, D]`) the row `offset + s` of the position table is added to the
    token at sequence index `s`; `offset` defaults to 0. Ids outside `[0, V)`
    and positions outside `[0, P)` are runtime errors of the lowered code.
    A 16-bit (f16, bf16) table may be combined with f32 positions: its rows
    are widened and the result is f32. Without positions the result has the
    table's element type. An i8 table comes with f16 or f32 `scales` (`[V, D / B]`,
    blocks of B features, as `kf.linear` `out_in`): rows are dequantised,
    and the result is f32.

    Example:

    ```mlir
    %x = kf.embedding %ids, %wte positions(%wpe : tensor<16x64xf32>)
        : tensor<1x16xi64>, tensor<27x64xf32> -> tensor<1x16x64xf32>
    %y = kf.embedding %ids, %q scales(%s : tensor<27x2xf32>)
        : tensor<1x16xi64>, tensor<27x64xi8> -> tensor<1x16x64xf32>
    ```
  }];
  let arguments = (ins KF_IdTensor:$ids, KF_WeightTensor:$table,
                       Optional<KF_FloatTensor>:$positions,
                       Optional<Index>:$position_offset,
                       Optional<KF_FloatTensor>:$scales);
  let results = (outs KF_FloatTensor:$result);
  let assemblyFormat = [{
    $ids `,` $table (`scales` `(` $scales^ `:` type($scales) `)`)?
    (`positions` `(` $positions^ `:` type($positions) `)`)?
    (`offset` `(` $position_offset^ `)`)? attr-dict
    `:` type($ids) `,` type($table) `->` type($result)
  }];
}

def KF_RopeOp : KF_Op<"rope", [AllTypesMatch<["input", "result"]>]> {
  let summary = "rotary position embedding";
  let description = [{
    Rotates pairs of features of `input` (`[B, H, S, D]`, `D` even) by the
    angle `(offset + s) * theta^(-2i/D)` for pair `i` at sequence index `s`.
    Pairs are `(i, i + D/2)` (GPT-NeoX and Hugging Face LLaMA), or adjacent
    `(2i, 2i + 1)` with `interleaved` (GPT-J, Meta LLaMA). `offset` defaults
    to 0.

    `frequencies`, when given, are the `D/2` inverse frequencies of the
    pairs, used instead of `theta^(-2i/D)`: how a model's rope scaling
    (Hugging Face's `linear`, `llama3`, ...) is expressed; the graph builder
    computes them from the config.

    Example:

    ```mlir
    %q = kf.rope %x offset(%pos) {theta = 1.0e+04 : f64} : tensor<1x8x1x64xf32>
    ```
  }];
  let arguments = (ins KF_FloatTensor:$input, Optional<Index>:$position_offset,
                       F64Attr:$theta, UnitAttr:$interleaved,
                       OptionalAttr<DenseF64ArrayAttr>:$frequencies);
  let results = (outs KF_FloatTensor:$result);
  let assemblyFormat = [{
    $input (`offset` `(` $position_offset^ `)`)? (`interleaved` $interleaved^)?
    attr-dict `:` type($input)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// KV cache and sampling
//===----------------------------------------------------------------------===//

def KF_KVCacheUpdateOp : KF_Op<"kv_cache_update",
    [AllTypesMatch<["cache", "result"]>]> {
  let summary = "write new keys or values into a cache at a position";
  let description = [{
    Returns `cache` (`[B, Hkv, Smax, D]`) with sequence rows
    `[position, position + S)` replaced by `update` (`[B, Hkv, S, D]`). On
    tensors this is a value; bufferization makes it an in-place write. Rows
    past `Smax` are a runtime error of the lowered code. The cache has the
    update's element type, or f16 or bf16 under an f32 update (a 16-bit KV
    cache: the new rows are rounded to it, to nearest even).

    Example:

    ```mlir
    %kc = kf.kv_cache_update %k into %cache[%pos]
        : tensor<1x4x1x16xf32> into tensor<1x4x16x16xf32>
    ```
  }];
  let arguments = (ins KF_FloatTensor:$update, KF_FloatTensor:$cache,
                       Index:$position);
  let results = (outs KF_FloatTensor:$result);
  let assemblyFormat = [{
    $update `into` $cache `[` $position `]` attr-dict
    `:` type($update) `into` type($cache)
  }];
  let hasVerifier = 1;
}

def KF_ArgmaxOp : KF_Op<"argmax", [KF_InferredResult]> {
  let summary = "index of the largest element along one axis";
  let description = [{
    Reduces `axis` (negative counts from the end; default: the last
    dimension) to the i64 index of its largest element, the first one on
    ties. The reduced dimension is removed; it must not be empty.

    Example:

    ```mlir
    %next = kf.argmax %logits : tensor<1x27xf32> -> tensor<1xi64>
    ```
  }];
  let arguments = (ins KF_FloatTensor:$input,
                       DefaultValuedAttr<I64Attr, "-1">:$axis);
  let results = (outs KF_I64Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
}

#endif // KERNELFORGE_DIALECT_TRANSFORMER_IR_TRANSFORMEROPS_TD
