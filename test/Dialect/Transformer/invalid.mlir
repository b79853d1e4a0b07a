// RUN: kernelforge-opt %s --split-input-file --verify-diagnostics

//===----------------------------------------------------------------------===//
// kf.linear
//===----------------------------------------------------------------------===//

func.func @negative_linear_weight_rank(%x: tensor<4x64xf32>, %w: tensor<64xf32>) {
  // expected-error @+1 {{'kf.linear' op expected weight of rank 2, got 'tensor<64xf32>'}}
  %0 = kf.linear %x, %w layout(in_out) : tensor<4x64xf32>, tensor<64xf32> -> tensor<4x64xf32>
  return
}

// -----

func.func @negative_linear_input_rank(%x: tensor<f32>, %w: tensor<64x64xf32>) {
  // expected-error @+1 {{'kf.linear' op expected input of rank >= 1, got 'tensor<f32>'}}
  %0 = kf.linear %x, %w layout(in_out) : tensor<f32>, tensor<64x64xf32> -> tensor<64xf32>
  return
}

// -----

func.func @negative_linear_weight_dtype(%x: tensor<4x64xf16>, %w: tensor<64x8xbf16>) {
  // expected-error @+1 {{'kf.linear' op expected weight element type 'bf16' to match input element type 'f16' (or be f16 or bf16 under f32 input)}}
  %0 = kf.linear %x, %w layout(in_out) : tensor<4x64xf16>, tensor<64x8xbf16> -> tensor<4x8xf16>
  return
}

// -----

func.func @negative_linear_wider_weight(%x: tensor<4x64xf16>, %w: tensor<64x8xf32>) {
  // expected-error @+1 {{'kf.linear' op expected weight element type 'f32' to match input element type 'f16' (or be f16 or bf16 under f32 input)}}
  %0 = kf.linear %x, %w layout(in_out) : tensor<4x64xf16>, tensor<64x8xf32> -> tensor<4x8xf16>
  return
}

// -----

func.func @negative_linear_storage_result(%x: tensor<4x64xf32>, %w: tensor<64x8xbf16>) {
  // expected-error @+1 {{'kf.linear' op expected result type 'tensor<4x8xf32>' (inferred from the operands), got 'tensor<4x8xbf16>'}}
  %0 = kf.linear %x, %w layout(in_out) : tensor<4x64xf32>, tensor<64x8xbf16> -> tensor<4x8xbf16>
  return
}

// -----

func.func @negative_linear_in_features(%x: tensor<4x64xf32>, %w: tensor<32x8xf32>) {
  // expected-error @+1 {{'kf.linear' op expected input features 64 to match weight in_features 32 (input 'tensor<4x64xf32>', weight 'tensor<32x8xf32>', layout in_out)}}
  %0 = kf.linear %x, %w layout(in_out) : tensor<4x64xf32>, tensor<32x8xf32> -> tensor<4x8xf32>
  return
}

// -----

func.func @negative_linear_out_in_layout(%x: tensor<4x64xf32>, %w: tensor<64x8xf32>) {
  // expected-error @+1 {{'kf.linear' op expected input features 64 to match weight in_features 8 (input 'tensor<4x64xf32>', weight 'tensor<64x8xf32>', layout out_in)}}
  %0 = kf.linear %x, %w layout(out_in) : tensor<4x64xf32>, tensor<64x8xf32> -> tensor<4x64xf32>
  return
}

// -----

func.func @negative_linear_bias_dtype(%x: tensor<4x64xf32>, %w: tensor<64x8xf32>, %b: tensor<8xbf16>) {
  // expected-error @+1 {{'kf.linear' op expected bias element type 'bf16' to match input element type 'f32'}}
  %0 = kf.linear %x, %w, %b layout(in_out) : tensor<4x64xf32>, tensor<64x8xf32>, tensor<8xbf16> -> tensor<4x8xf32>
  return
}

// -----

func.func @negative_linear_bias_shape(%x: tensor<4x64xf32>, %w: tensor<64x8xf32>, %b: tensor<64xf32>) {
  // expected-error @+1 {{'kf.linear' op expected bias of shape [8] (weight out_features), got 'tensor<64xf32>'}}
  %0 = kf.linear %x, %w, %b layout(in_out) : tensor<4x64xf32>, tensor<64x8xf32>, tensor<64xf32> -> tensor<4x8xf32>
  return
}

// -----

func.func @negative_linear_result_type(%x: tensor<4x64xf32>, %w: tensor<64x8xf32>) {
  // expected-error @+1 {{'kf.linear' op expected result type 'tensor<4x8xf32>' (inferred from the operands), got 'tensor<4x9xf32>'}}
  %0 = kf.linear %x, %w layout(in_out) : tensor<4x64xf32>, tensor<64x8xf32> -> tensor<4x9xf32>
  return
}

// -----

func.func @negative_linear_integer_input(%x: tensor<4x64xi32>, %w: tensor<64x8xf32>) {
  // expected-error @+1 {{'kf.linear' op operand #0 must be ranked tensor of 16-bit float or bfloat16 type or 32-bit float values}}
  %0 = kf.linear %x, %w layout(in_out) : tensor<4x64xi32>, tensor<64x8xf32> -> tensor<4x8xf32>
  return
}

// -----

func.func @negative_linear_layout(%x: tensor<4x64xf32>, %w: tensor<64x8xf32>) {
  // expected-error @+1 {{custom op 'kf.linear' expected string or keyword containing one of the following enum values for attribute 'weight_layout' [in_out, out_in]}}
  %0 = kf.linear %x, %w layout(rows) : tensor<4x64xf32>, tensor<64x8xf32> -> tensor<4x8xf32>
  return
}

// -----

//===----------------------------------------------------------------------===//
// kf.matmul
//===----------------------------------------------------------------------===//

func.func @negative_matmul_rank(%a: tensor<2x4x8xf32>, %b: tensor<8x4xf32>) {
  // expected-error @+1 {{'kf.matmul' op expected operands of the same rank >= 2, got 'tensor<2x4x8xf32>' and 'tensor<8x4xf32>'}}
  %0 = kf.matmul %a, %b : tensor<2x4x8xf32>, tensor<8x4xf32> -> tensor<2x4x4xf32>
  return
}

// -----

func.func @negative_matmul_dtype(%a: tensor<4x8xbf16>, %b: tensor<8x4xf16>) {
  // expected-error @+1 {{'kf.matmul' op expected rhs element type 'f16' to match lhs element type 'bf16' (or be f16 or bf16 under f32 lhs)}}
  %0 = kf.matmul %a, %b : tensor<4x8xbf16>, tensor<8x4xf16> -> tensor<4x4xbf16>
  return
}

// -----

func.func @negative_matmul_batch(%a: tensor<2x4x8xf32>, %b: tensor<3x8x4xf32>) {
  // expected-error @+1 {{'kf.matmul' op expected batch dimension 0 to match, got 'tensor<2x4x8xf32>' and 'tensor<3x8x4xf32>'}}
  %0 = kf.matmul %a, %b : tensor<2x4x8xf32>, tensor<3x8x4xf32> -> tensor<2x4x4xf32>
  return
}

// -----

func.func @negative_matmul_contraction(%a: tensor<4x8xf32>, %b: tensor<4x8xf32>) {
  // expected-error @+1 {{'kf.matmul' op expected contraction sizes to match, got lhs 8 and rhs 4 ('tensor<4x8xf32>', 'tensor<4x8xf32>')}}
  %0 = kf.matmul %a, %b : tensor<4x8xf32>, tensor<4x8xf32> -> tensor<4x8xf32>
  return
}

// -----

func.func @negative_matmul_transposed_contraction(%a: tensor<4x8xf32>, %b: tensor<8x4xf32>) {
  // expected-error @+1 {{'kf.matmul' op expected contraction sizes to match, got lhs 8 and rhs 4 ('tensor<4x8xf32>', 'tensor<8x4xf32>', transpose_rhs)}}
  %0 = kf.matmul %a, %b transpose_rhs : tensor<4x8xf32>, tensor<8x4xf32> -> tensor<4x8xf32>
  return
}

// -----

//===----------------------------------------------------------------------===//
// kf.layer_norm and kf.rms_norm
//===----------------------------------------------------------------------===//

func.func @negative_layer_norm_rank(%x: tensor<f32>) {
  // expected-error @+1 {{'kf.layer_norm' op expected input of rank >= 1, got 'tensor<f32>'}}
  %0 = kf.layer_norm %x {epsilon = 1.0e-5 : f64} : tensor<f32>
  return
}

// -----

func.func @negative_layer_norm_bias_without_scale(%x: tensor<4x64xf32>, %b: tensor<64xf32>) {
  // expected-error @+1 {{'kf.layer_norm' op expected a scale operand when a bias is given}}
  %0 = kf.layer_norm %x bias(%b : tensor<64xf32>) {epsilon = 1.0e-5 : f64} : tensor<4x64xf32>
  return
}

// -----

func.func @negative_layer_norm_scale_rank(%x: tensor<4x64xf32>, %g: tensor<1x64xf32>) {
  // expected-error @+1 {{'kf.layer_norm' op expected scale of rank 1, got 'tensor<1x64xf32>'}}
  %0 = kf.layer_norm %x scale(%g : tensor<1x64xf32>) {epsilon = 1.0e-5 : f64} : tensor<4x64xf32>
  return
}

// -----

func.func @negative_layer_norm_scale_size(%x: tensor<4x64xf32>, %g: tensor<32xf32>) {
  // expected-error @+1 {{'kf.layer_norm' op expected scale size 32 to match the last dimension 64 of input 'tensor<4x64xf32>'}}
  %0 = kf.layer_norm %x scale(%g : tensor<32xf32>) {epsilon = 1.0e-5 : f64} : tensor<4x64xf32>
  return
}

// -----

func.func @negative_layer_norm_scale_dtype(%x: tensor<4x64xf32>, %g: tensor<64xf16>) {
  // expected-error @+1 {{'kf.layer_norm' op expected scale element type 'f16' to match input element type 'f32'}}
  %0 = kf.layer_norm %x scale(%g : tensor<64xf16>) {epsilon = 1.0e-5 : f64} : tensor<4x64xf32>
  return
}

// -----

func.func @negative_layer_norm_bias_size(%x: tensor<4x64xf32>, %g: tensor<64xf32>, %b: tensor<63xf32>) {
  // expected-error @+1 {{'kf.layer_norm' op expected bias size 63 to match the last dimension 64 of input 'tensor<4x64xf32>'}}
  %0 = kf.layer_norm %x scale(%g : tensor<64xf32>) bias(%b : tensor<63xf32>) {epsilon = 1.0e-5 : f64} : tensor<4x64xf32>
  return
}

// -----

func.func @negative_layer_norm_bias_dtype(%x: tensor<4x64xf32>, %g: tensor<64xf32>, %b: tensor<64xbf16>) {
  // expected-error @+1 {{'kf.layer_norm' op expected bias element type 'bf16' to match input element type 'f32'}}
  %0 = kf.layer_norm %x scale(%g : tensor<64xf32>) bias(%b : tensor<64xbf16>) {epsilon = 1.0e-5 : f64} : tensor<4x64xf32>
  return
}

// -----

func.func @negative_layer_norm_epsilon(%x: tensor<4x64xf32>) {
  // expected-error @+1 {{'kf.layer_norm' op expected epsilon to be positive and finite, got 0}}
  %0 = kf.layer_norm %x {epsilon = 0.0 : f64} : tensor<4x64xf32>
  return
}

// -----

func.func @negative_layer_norm_missing_epsilon(%x: tensor<4x64xf32>) {
  // expected-error @+1 {{'kf.layer_norm' op requires attribute 'epsilon'}}
  %0 = kf.layer_norm %x : tensor<4x64xf32>
  return
}

// -----

func.func @negative_rms_norm_rank(%x: tensor<f32>, %g: tensor<64xf32>) {
  // expected-error @+1 {{'kf.rms_norm' op expected input of rank >= 1, got 'tensor<f32>'}}
  %0 = kf.rms_norm %x, %g {epsilon = 1.0e-6 : f64} : tensor<f32>, tensor<64xf32>
  return
}

// -----

func.func @negative_rms_norm_scale_size(%x: tensor<4x64xf32>, %g: tensor<128xf32>) {
  // expected-error @+1 {{'kf.rms_norm' op expected scale size 128 to match the last dimension 64 of input 'tensor<4x64xf32>'}}
  %0 = kf.rms_norm %x, %g {epsilon = 1.0e-6 : f64} : tensor<4x64xf32>, tensor<128xf32>
  return
}

// -----

func.func @negative_rms_norm_scale_dtype(%x: tensor<4x64xf32>, %g: tensor<64xbf16>) {
  // expected-error @+1 {{'kf.rms_norm' op expected scale element type 'bf16' to match input element type 'f32'}}
  %0 = kf.rms_norm %x, %g {epsilon = 1.0e-6 : f64} : tensor<4x64xf32>, tensor<64xbf16>
  return
}

// -----

func.func @negative_rms_norm_epsilon(%x: tensor<4x64xf32>, %g: tensor<64xf32>) {
  // expected-error @+1 {{'kf.rms_norm' op expected epsilon to be positive and finite, got -1}}
  %0 = kf.rms_norm %x, %g {epsilon = -1.0 : f64} : tensor<4x64xf32>, tensor<64xf32>
  return
}

// -----

//===----------------------------------------------------------------------===//
// Elementwise ops and kf.softmax
//===----------------------------------------------------------------------===//

func.func @negative_gelu_approximation(%x: tensor<4xf32>) {
  // expected-error @+1 {{custom op 'kf.gelu' expected string or keyword containing one of the following enum values for attribute 'approximation' [erf, tanh]}}
  %0 = kf.gelu %x sigmoid : tensor<4xf32>
  return
}

// -----

func.func @negative_swiglu_types(%g: tensor<4x8xf32>, %u: tensor<4x9xf32>) {
  // expected-error @+1 {{'kf.swiglu' op requires the same type for all operands and results}}
  %0 = "kf.swiglu"(%g, %u) : (tensor<4x8xf32>, tensor<4x9xf32>) -> tensor<4x8xf32>
  return
}

// -----

func.func @negative_add_broadcast(%a: tensor<4x8xf32>, %b: tensor<3x8xf32>) {
  // expected-error @+1 {{'kf.add' op expected broadcastable operand shapes, got 'tensor<4x8xf32>' and 'tensor<3x8xf32>'}}
  %0 = kf.add %a, %b : tensor<4x8xf32>, tensor<3x8xf32>
  return
}

// -----

func.func @negative_mul_dtype(%a: tensor<4x8xf32>, %b: tensor<4x8xf16>) {
  // expected-error @+1 {{'kf.mul' op expected operands of one element type, got 'tensor<4x8xf32>' and 'tensor<4x8xf16>'}}
  %0 = kf.mul %a, %b : tensor<4x8xf32>, tensor<4x8xf16>
  return
}

// -----

func.func @negative_add_unranked(%a: tensor<*xf32>, %b: tensor<4xf32>) {
  // expected-error @+1 {{custom op 'kf.add' invalid kind of type specified: expected builtin.tensor, but found 'tensor<*xf32>'}}
  %0 = kf.add %a, %b : tensor<*xf32>, tensor<4xf32>
  return
}

// -----

func.func @negative_add_result_type(%a: tensor<4x8xf32>, %b: tensor<8xf32>) {
  // expected-error @+1 {{'kf.add' op expected result type 'tensor<4x8xf32>' (inferred from the operands), got 'tensor<8xf32>'}}
  %0 = "kf.add"(%a, %b) : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<8xf32>
  return
}

// -----

func.func @negative_softmax_axis(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{'kf.softmax' op expected axis in [-2, 2), got 2}}
  %0 = kf.softmax %x {axis = 2} : tensor<4x8xf32>
  return
}

// -----

func.func @negative_softmax_causal_axis(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{'kf.softmax' op expected causal softmax over the last axis of a tensor of rank >= 2, got axis 0 of 'tensor<4x8xf32>'}}
  %0 = kf.softmax %x causal {axis = 0} : tensor<4x8xf32>
  return
}

// -----

func.func @negative_softmax_causal_rank(%x: tensor<8xf32>) {
  // expected-error @+1 {{'kf.softmax' op expected causal softmax over the last axis of a tensor of rank >= 2, got axis -1 of 'tensor<8xf32>'}}
  %0 = kf.softmax %x causal : tensor<8xf32>
  return
}

// -----

//===----------------------------------------------------------------------===//
// kf.attention
//===----------------------------------------------------------------------===//

func.func @negative_attention_rank(%q: tensor<4x16x64xf32>, %k: tensor<1x4x16x64xf32>) {
  // expected-error @+1 {{'kf.attention' op expected query of rank 4 [batch, heads, seq, head_dim], got 'tensor<4x16x64xf32>'}}
  %0 = kf.attention %q, %k, %k : tensor<4x16x64xf32>, tensor<1x4x16x64xf32>, tensor<1x4x16x64xf32> -> tensor<1x4x16x64xf32>
  return
}

// -----

// Values may be narrower than the query (a 16-bit cache), not wider.
func.func @negative_attention_value_dtype(%q: tensor<1x4x16x64xf16>, %v: tensor<1x4x16x64xf32>) {
  // expected-error @+1 {{'kf.attention' op expected value element type 'f32' to match query element type 'f16' (or be f16 or bf16 under f32 query)}}
  %0 = kf.attention %q, %q, %v : tensor<1x4x16x64xf16>, tensor<1x4x16x64xf16>, tensor<1x4x16x64xf32> -> tensor<1x4x16x64xf16>
  return
}

// -----

func.func @negative_attention_key_dtype(%q: tensor<1x4x16x64xbf16>, %k: tensor<1x4x16x64xf16>) {
  // expected-error @+1 {{'kf.attention' op expected key element type 'f16' to match query element type 'bf16' (or be f16 or bf16 under f32 query)}}
  %0 = kf.attention %q, %k, %q : tensor<1x4x16x64xbf16>, tensor<1x4x16x64xf16>, tensor<1x4x16x64xbf16> -> tensor<1x4x16x64xbf16>
  return
}

// -----

func.func @negative_attention_batch(%q: tensor<1x4x16x64xf32>, %k: tensor<2x4x16x64xf32>) {
  // expected-error @+1 {{'kf.attention' op expected key batch 2 to equal query batch 1}}
  %0 = kf.attention %q, %k, %k : tensor<1x4x16x64xf32>, tensor<2x4x16x64xf32>, tensor<2x4x16x64xf32> -> tensor<1x4x16x64xf32>
  return
}

// -----

func.func @negative_attention_kv_mismatch(%q: tensor<1x4x16x64xf32>, %k: tensor<1x4x16x64xf32>, %v: tensor<1x4x8x64xf32>) {
  // expected-error @+1 {{'kf.attention' op expected key and value to agree on heads and sequence length, got 'tensor<1x4x16x64xf32>' and 'tensor<1x4x8x64xf32>'}}
  %0 = kf.attention %q, %k, %v : tensor<1x4x16x64xf32>, tensor<1x4x16x64xf32>, tensor<1x4x8x64xf32> -> tensor<1x4x16x64xf32>
  return
}

// -----

func.func @negative_attention_no_keys(%q: tensor<1x4x16x64xf32>, %k: tensor<1x4x0x64xf32>) {
  // expected-error @+1 {{'kf.attention' op expected a non-empty key (no zero-sized dimension), got 'tensor<1x4x0x64xf32>'}}
  %0 = kf.attention %q, %k, %k : tensor<1x4x16x64xf32>, tensor<1x4x0x64xf32>, tensor<1x4x0x64xf32> -> tensor<1x4x16x64xf32>
  return
}

// -----

func.func @negative_attention_no_queries(%q: tensor<1x4x0x64xf32>, %k: tensor<1x4x16x64xf32>) {
  // expected-error @+1 {{'kf.attention' op expected a non-empty query (no zero-sized dimension), got 'tensor<1x4x0x64xf32>'}}
  %0 = kf.attention %q, %k, %k causal : tensor<1x4x0x64xf32>, tensor<1x4x16x64xf32>, tensor<1x4x16x64xf32> -> tensor<1x4x0x64xf32>
  return
}

// -----

func.func @negative_attention_gqa_heads(%q: tensor<1x8x16x64xf32>, %k: tensor<1x3x16x64xf32>) {
  // expected-error @+1 {{'kf.attention' op expected query heads 8 to be a multiple of key/value heads 3}}
  %0 = kf.attention %q, %k, %k : tensor<1x8x16x64xf32>, tensor<1x3x16x64xf32>, tensor<1x3x16x64xf32> -> tensor<1x8x16x64xf32>
  return
}

// -----

func.func @negative_attention_head_dim(%q: tensor<1x4x16x64xf32>, %k: tensor<1x4x16x32xf32>) {
  // expected-error @+1 {{'kf.attention' op expected key head_dim 32 to equal query head_dim 64}}
  %0 = kf.attention %q, %k, %k : tensor<1x4x16x64xf32>, tensor<1x4x16x32xf32>, tensor<1x4x16x32xf32> -> tensor<1x4x16x32xf32>
  return
}

// -----

func.func @negative_attention_mask_dtype(%q: tensor<1x4x16x64xf32>, %m: tensor<1x1x16x16xf16>) {
  // expected-error @+1 {{'kf.attention' op expected mask element type 'f16' to match query element type 'f32'}}
  %0 = kf.attention %q, %q, %q mask(%m : tensor<1x1x16x16xf16>) : tensor<1x4x16x64xf32>, tensor<1x4x16x64xf32>, tensor<1x4x16x64xf32> -> tensor<1x4x16x64xf32>
  return
}

// -----

func.func @negative_attention_mask_shape(%q: tensor<1x4x16x64xf32>, %m: tensor<1x1x16x8xf32>) {
  // expected-error @+1 {{'kf.attention' op expected mask to broadcast to the scores [1, 4, 16, 16], got 'tensor<1x1x16x8xf32>'}}
  %0 = kf.attention %q, %q, %q mask(%m : tensor<1x1x16x8xf32>) : tensor<1x4x16x64xf32>, tensor<1x4x16x64xf32>, tensor<1x4x16x64xf32> -> tensor<1x4x16x64xf32>
  return
}

// -----

func.func @negative_attention_offset_without_causal(%q: tensor<1x4x1x64xf32>, %k: tensor<1x4x16x64xf32>, %pos: index) {
  // expected-error @+1 {{'kf.attention' op expected 'causal' when a query offset is given: the offset only places the causal mask}}
  %0 = kf.attention %q, %k, %k offset(%pos) : tensor<1x4x1x64xf32>, tensor<1x4x16x64xf32>, tensor<1x4x16x64xf32> -> tensor<1x4x1x64xf32>
  return
}

// -----

func.func @negative_attention_scale(%q: tensor<1x4x16x64xf32>) {
  // expected-error @+1 {{'kf.attention' op expected scale to be positive and finite, got -1.250000e-01}}
  %0 = kf.attention %q, %q, %q causal {scale = -0.125 : f64} : tensor<1x4x16x64xf32>, tensor<1x4x16x64xf32>, tensor<1x4x16x64xf32> -> tensor<1x4x16x64xf32>
  return
}

// -----

//===----------------------------------------------------------------------===//
// kf.split_heads and kf.merge_heads
//===----------------------------------------------------------------------===//

func.func @negative_split_heads_rank(%x: tensor<16x64xf32>) {
  // expected-error @+1 {{'kf.split_heads' op expected input of rank 3 [batch, seq, features], got 'tensor<16x64xf32>'}}
  %0 = kf.split_heads %x {num_heads = 4} : tensor<16x64xf32> -> tensor<4x16x16xf32>
  return
}

// -----

func.func @negative_split_heads_divisible(%x: tensor<1x16x64xf32>) {
  // expected-error @+1 {{'kf.split_heads' op expected features 64 to be divisible by num_heads 5}}
  %0 = kf.split_heads %x {num_heads = 5} : tensor<1x16x64xf32> -> tensor<1x5x16x12xf32>
  return
}

// -----

func.func @negative_split_heads_num_heads(%x: tensor<1x16x64xf32>) {
  // expected-error @+1 {{'kf.split_heads' op attribute 'num_heads' failed to satisfy constraint: 64-bit signless integer attribute whose value is positive}}
  %0 = kf.split_heads %x {num_heads = 0} : tensor<1x16x64xf32> -> tensor<1x1x16x64xf32>
  return
}

// -----

func.func @negative_merge_heads_rank(%x: tensor<4x16x16xf32>) {
  // expected-error @+1 {{'kf.merge_heads' op expected input of rank 4 [batch, heads, seq, head_dim], got 'tensor<4x16x16xf32>'}}
  %0 = kf.merge_heads %x : tensor<4x16x16xf32> -> tensor<16x64xf32>
  return
}

// -----

//===----------------------------------------------------------------------===//
// kf.embedding and kf.rope
//===----------------------------------------------------------------------===//

func.func @negative_embedding_ids_rank(%ids: tensor<i64>, %wte: tensor<27x64xf32>) {
  // expected-error @+1 {{'kf.embedding' op expected ids of rank >= 1 [..., seq], got 'tensor<i64>'}}
  %0 = kf.embedding %ids, %wte : tensor<i64>, tensor<27x64xf32> -> tensor<64xf32>
  return
}

// -----

func.func @negative_embedding_ids_dtype(%ids: tensor<4xf32>, %wte: tensor<27x64xf32>) {
  // expected-error @+1 {{'kf.embedding' op operand #0 must be ranked tensor of 32-bit signless integer or 64-bit signless integer values}}
  %0 = kf.embedding %ids, %wte : tensor<4xf32>, tensor<27x64xf32> -> tensor<4x64xf32>
  return
}

// -----

func.func @negative_embedding_table_rank(%ids: tensor<4xi64>, %wte: tensor<27x64x1xf32>) {
  // expected-error @+1 {{'kf.embedding' op expected table of rank 2 [vocab, features], got 'tensor<27x64x1xf32>'}}
  %0 = kf.embedding %ids, %wte : tensor<4xi64>, tensor<27x64x1xf32> -> tensor<4x64xf32>
  return
}

// -----

func.func @negative_embedding_positions_shape(%ids: tensor<4xi64>, %wte: tensor<27x64xf32>, %wpe: tensor<16x32xf32>) {
  // expected-error @+1 {{'kf.embedding' op expected positions of shape [positions, 64], got 'tensor<16x32xf32>'}}
  %0 = kf.embedding %ids, %wte positions(%wpe : tensor<16x32xf32>) : tensor<4xi64>, tensor<27x64xf32> -> tensor<4x64xf32>
  return
}

// -----

func.func @negative_embedding_positions_dtype(%ids: tensor<4xi64>, %wte: tensor<27x64xf32>, %wpe: tensor<16x64xf16>) {
  // expected-error @+1 {{'kf.embedding' op expected table element type 'f32' to match positions element type 'f16' (or be f16 or bf16 under f32 positions)}}
  %0 = kf.embedding %ids, %wte positions(%wpe : tensor<16x64xf16>) : tensor<4xi64>, tensor<27x64xf32> -> tensor<4x64xf32>
  return
}

// -----

func.func @negative_embedding_too_long(%ids: tensor<1x32xi64>, %wte: tensor<27x64xf32>, %wpe: tensor<16x64xf32>) {
  // expected-error @+1 {{'kf.embedding' op expected sequence length 32 to fit the 16 rows of the position table}}
  %0 = kf.embedding %ids, %wte positions(%wpe : tensor<16x64xf32>) : tensor<1x32xi64>, tensor<27x64xf32> -> tensor<1x32x64xf32>
  return
}

// -----

func.func @negative_embedding_offset_without_positions(%ids: tensor<4xi64>, %wte: tensor<27x64xf32>, %pos: index) {
  // expected-error @+1 {{'kf.embedding' op expected a position table with a position offset}}
  %0 = kf.embedding %ids, %wte offset(%pos) : tensor<4xi64>, tensor<27x64xf32> -> tensor<4x64xf32>
  return
}

// -----

func.func @negative_rope_rank(%x: tensor<16x64xf32>) {
  // expected-error @+1 {{'kf.rope' op expected input of rank 4 [batch, heads, seq, head_dim], got 'tensor<16x64xf32>'}}
  %0 = kf.rope %x {theta = 10000.0 : f64} : tensor<16x64xf32>
  return
}

// -----

func.func @negative_rope_odd_head_dim(%x: tensor<1x4x16x63xf32>) {
  // expected-error @+1 {{'kf.rope' op expected an even head_dim to rotate in pairs, got 63}}
  %0 = kf.rope %x {theta = 10000.0 : f64} : tensor<1x4x16x63xf32>
  return
}

// -----

func.func @negative_rope_frequency_count(%x: tensor<1x4x16x8xf32>) {
  // expected-error @+1 {{'kf.rope' op expected 4 frequencies (head_dim / 2), got 3}}
  %0 = kf.rope %x {theta = 10000.0 : f64, frequencies = array<f64: 1.0, 0.1, 0.01>} : tensor<1x4x16x8xf32>
  return
}

// -----

func.func @negative_rope_frequency_value(%x: tensor<1x4x16x4xf32>) {
  // expected-error @+1 {{'kf.rope' op expected positive, finite frequencies, got -1}}
  %0 = kf.rope %x {theta = 10000.0 : f64, frequencies = array<f64: 1.0, -1.0>} : tensor<1x4x16x4xf32>
  return
}

// -----

func.func @negative_rope_theta(%x: tensor<1x4x16x64xf32>) {
  // expected-error @+1 {{'kf.rope' op expected theta to be positive and finite, got 0}}
  %0 = kf.rope %x {theta = 0.0 : f64} : tensor<1x4x16x64xf32>
  return
}

// -----

//===----------------------------------------------------------------------===//
// kf.kv_cache_update and kf.argmax
//===----------------------------------------------------------------------===//

func.func @negative_kv_cache_rank(%k: tensor<4x1x16xf32>, %c: tensor<1x4x128x16xf32>, %pos: index) {
  // expected-error @+1 {{'kf.kv_cache_update' op expected update and cache of rank 4 [batch, kv_heads, seq, head_dim], got 'tensor<4x1x16xf32>' and 'tensor<1x4x128x16xf32>'}}
  %0 = kf.kv_cache_update %k into %c[%pos] : tensor<4x1x16xf32> into tensor<1x4x128x16xf32>
  return
}

// -----

// A cache may be narrower than its update (16-bit under f32), not wider.
func.func @negative_kv_cache_dtype(%k: tensor<1x4x1x16xf16>, %c: tensor<1x4x128x16xf32>, %pos: index) {
  // expected-error @+1 {{'kf.kv_cache_update' op expected cache element type 'f32' to match update element type 'f16' (or be f16 or bf16 under f32 update)}}
  %0 = kf.kv_cache_update %k into %c[%pos] : tensor<1x4x1x16xf16> into tensor<1x4x128x16xf32>
  return
}

// -----

func.func @negative_kv_cache_heads(%k: tensor<1x8x1x16xf32>, %c: tensor<1x4x128x16xf32>, %pos: index) {
  // expected-error @+1 {{'kf.kv_cache_update' op expected update dimension 1 to equal cache dimension 1, got 'tensor<1x8x1x16xf32>' and 'tensor<1x4x128x16xf32>'}}
  %0 = kf.kv_cache_update %k into %c[%pos] : tensor<1x8x1x16xf32> into tensor<1x4x128x16xf32>
  return
}

// -----

func.func @negative_kv_cache_capacity(%k: tensor<1x4x256x16xf32>, %c: tensor<1x4x128x16xf32>, %pos: index) {
  // expected-error @+1 {{'kf.kv_cache_update' op expected at most 128 new rows (the cache capacity), got 256}}
  %0 = kf.kv_cache_update %k into %c[%pos] : tensor<1x4x256x16xf32> into tensor<1x4x128x16xf32>
  return
}

// -----

func.func @negative_argmax_axis(%x: tensor<2x27xf32>) {
  // expected-error @+1 {{'kf.argmax' op expected axis in [-2, 2), got -3}}
  %0 = kf.argmax %x {axis = -3} : tensor<2x27xf32> -> tensor<2xi64>
  return
}

// -----

func.func @negative_argmax_empty_axis(%x: tensor<4x0xf32>) {
  // expected-error @+1 {{'kf.argmax' op expected a non-empty axis 1 (no largest element among none), got 'tensor<4x0xf32>'}}
  %0 = kf.argmax %x : tensor<4x0xf32> -> tensor<4xi64>
  return
}

// -----

func.func @negative_argmax_result_type(%x: tensor<2x27xf32>) {
  // expected-error @+1 {{'kf.argmax' op result #0 must be ranked tensor of 64-bit signless integer values}}
  %0 = kf.argmax %x : tensor<2x27xf32> -> tensor<2xi32>
  return
}

// -----

//===----------------------------------------------------------------------===//
// kf.param argument attributes
//===----------------------------------------------------------------------===//

// expected-error @+1 {{expected 'kf.param' of argument 0 to be a non-empty string naming a checkpoint tensor}}
func.func @negative_param_not_string(%w: tensor<4xf32> {kf.param = 3 : i64}) {
  return
}

// -----

// expected-error @+1 {{expected parameter 'wte.weight' (argument 0) to be a statically shaped tensor or memref, got 'tensor<?x64xf32>'}}
func.func private @negative_param_dynamic(tensor<?x64xf32> {kf.param = "wte.weight"})

// -----

// expected-error @+1 {{unknown kf argument attribute 'kf.weight'}}
func.func @negative_param_unknown(%w: tensor<4xf32> {kf.weight = "w"}) {
  return
}

// -----

func.func @negative_linear_i8_without_scales(%x: tensor<1x64xf32>, %w: tensor<64x8xi8>) {
  // expected-error @+1 {{'kf.linear' op expected scales for the i8 weight}}
  %0 = kf.linear %x, %w layout(in_out) : tensor<1x64xf32>, tensor<64x8xi8> -> tensor<1x8xf32>
  return
}

// -----

func.func @negative_linear_scales_of_float_weight(%x: tensor<1x64xf32>, %w: tensor<64x8xf32>, %s: tensor<2x8xf32>) {
  // expected-error @+1 {{'kf.linear' op expected no scales for weight of element type 'f32'}}
  %0 = kf.linear %x, %w scales(%s : tensor<2x8xf32>) layout(in_out) : tensor<1x64xf32>, tensor<64x8xf32> -> tensor<1x8xf32>
  return
}

// -----

func.func @negative_linear_no_scale_blocks(%x: tensor<3x0xf32>, %w: tensor<0x40xi8>, %s: tensor<0x40xf16>) {
  // expected-error @+1 {{'kf.linear' op expected scales of weight 'tensor<0x40xi8>' to have 40 in dimension 1 and a positive divisor of 0 in dimension 0, got 'tensor<0x40xf16>'}}
  %0 = kf.linear %x, %w scales(%s : tensor<0x40xf16>) layout(in_out) : tensor<3x0xf32>, tensor<0x40xi8> -> tensor<3x40xf32>
  return
}

// -----

func.func @negative_linear_scales_shape(%x: tensor<1x64xf32>, %w: tensor<8x64xi8>, %s: tensor<8x3xf32>) {
  // expected-error @+1 {{'kf.linear' op expected scales of weight 'tensor<8x64xi8>' to have 8 in dimension 0 and a positive divisor of 64 in dimension 1, got 'tensor<8x3xf32>'}}
  %0 = kf.linear %x, %w scales(%s : tensor<8x3xf32>) layout(out_in) : tensor<1x64xf32>, tensor<8x64xi8> -> tensor<1x8xf32>
  return
}

// -----

func.func @negative_linear_i8_half_input(%x: tensor<1x64xf16>, %w: tensor<64x8xi8>, %s: tensor<2x8xf32>) {
  // expected-error @+1 {{'kf.linear' op expected f32 input with an i8 weight, got 'tensor<1x64xf16>'}}
  %0 = kf.linear %x, %w scales(%s : tensor<2x8xf32>) layout(in_out) : tensor<1x64xf16>, tensor<64x8xi8> -> tensor<1x8xf16>
  return
}

// -----

func.func @negative_embedding_scales_dtype(%ids: tensor<4xi64>, %t: tensor<27x64xi8>, %s: tensor<27x2xbf16>) {
  // expected-error @+1 {{'kf.embedding' op expected scales of f16 or f32 and rank 2, got 'tensor<27x2xbf16>'}}
  %0 = kf.embedding %ids, %t scales(%s : tensor<27x2xbf16>) : tensor<4xi64>, tensor<27x64xi8> -> tensor<4x64xf32>
  return
}

// -----

func.func @negative_embedding_i8_half_positions(%ids: tensor<4xi64>, %t: tensor<27x64xi8>, %s: tensor<27x2xf32>, %wpe: tensor<8x64xf16>) {
  // expected-error @+1 {{'kf.embedding' op expected f32 positions with an i8 table, got 'tensor<8x64xf16>'}}
  %0 = kf.embedding %ids, %t scales(%s : tensor<27x2xf32>) positions(%wpe : tensor<8x64xf16>) : tensor<4xi64>, tensor<27x64xi8> -> tensor<4x64xf32>
  return
}

// -----

func.func @negative_attention_window_without_causal(%q: tensor<1x4x8x16xf32>) {
  // expected-error @+1 {{'kf.attention' op expected 'causal' with a sliding window: the window bounds the causal mask from below}}
  %0 = kf.attention %q, %q, %q {window = 4 : i64} : tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32> -> tensor<1x4x8x16xf32>
  return
}

// -----

func.func @negative_attention_window(%q: tensor<1x4x8x16xf32>) {
  // expected-error @+1 {{'kf.attention' op expected a window of at least 1 key, got 0}}
  %0 = kf.attention %q, %q, %q causal {window = 0 : i64} : tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32> -> tensor<1x4x8x16xf32>
  return
}

// -----

func.func @negative_attention_softcap(%q: tensor<1x4x8x16xf32>) {
  // expected-error @+1 {{'kf.attention' op expected softcap to be positive and finite, got -3}}
  %0 = kf.attention %q, %q, %q causal {softcap = -3.0 : f64} : tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32>, tensor<1x4x8x16xf32> -> tensor<1x4x8x16xf32>
  return
}

// -----

// expected-error @+1 {{expected 'kf.role' of argument 1 to be "token_ids", "position", "last_row" or "kv_cache"}}
func.func @negative_role(%ids: tensor<1x4xi64> {kf.role = "token_ids"}, %pos: index {kf.role = "cache"}) {
  return
}

// -----

//===----------------------------------------------------------------------===//
// kf.conv2d
//===----------------------------------------------------------------------===//

func.func @negative_conv2d_rank(%x: tensor<3x9x11xf32>, %w: tensor<6x3x3x3xf32>) {
  // expected-error @+1 {{'kf.conv2d' op expected a rank-4 input and weight, got 'tensor<3x9x11xf32>' and 'tensor<6x3x3x3xf32>'}}
  %0 = kf.conv2d %x, %w layout(nchw) : tensor<3x9x11xf32>, tensor<6x3x3x3xf32> -> tensor<1x6x7x9xf32>
  return
}

// -----

func.func @negative_conv2d_groups_divide(%x: tensor<1x4x9x9xf32>, %w: tensor<6x2x3x3xf32>) {
  // expected-error @+1 {{'kf.conv2d' op expected groups 4 to divide the input channels 4 and the output channels 6}}
  %0 = kf.conv2d %x, %w layout(nchw) {groups = 4 : i64} : tensor<1x4x9x9xf32>, tensor<6x2x3x3xf32> -> tensor<1x6x7x7xf32>
  return
}

// -----

func.func @negative_conv2d_weight_channels(%x: tensor<1x4x9x9xf32>, %w: tensor<6x4x3x3xf32>) {
  // expected-error @+1 {{'kf.conv2d' op expected weight [O, C/groups, KH, KW] with C/groups = 2 (input channels 4, groups 2, layout nchw), got 'tensor<6x4x3x3xf32>'}}
  %0 = kf.conv2d %x, %w layout(nchw) {groups = 2 : i64} : tensor<1x4x9x9xf32>, tensor<6x4x3x3xf32> -> tensor<1x6x7x7xf32>
  return
}

// -----

func.func @negative_conv2d_nhwc_channels(%x: tensor<1x9x9x4xf32>, %w: tensor<6x3x3x3xf32>) {
  // expected-error @+1 {{'kf.conv2d' op expected weight [O, C/groups, KH, KW] with C/groups = 4 (input channels 4, groups 1, layout nhwc), got 'tensor<6x3x3x3xf32>'}}
  %0 = kf.conv2d %x, %w layout(nhwc) : tensor<1x9x9x4xf32>, tensor<6x3x3x3xf32> -> tensor<1x7x7x6xf32>
  return
}

// -----

func.func @negative_conv2d_too_small(%x: tensor<1x1x4x4xf32>, %w: tensor<2x1x3x3xf32>) {
  // expected-error @+1 {{'kf.conv2d' op expected the height 4 with padding 0 to hold the kernel's span 5 (kernel 3, dilation 2)}}
  %0 = kf.conv2d %x, %w layout(nchw) {dilations = array<i64: 2, 1>} : tensor<1x1x4x4xf32>, tensor<2x1x3x3xf32> -> tensor<1x2x1x2xf32>
  return
}

// -----

func.func @negative_conv2d_strides(%x: tensor<1x1x4x4xf32>, %w: tensor<2x1x3x3xf32>) {
  // expected-error @+1 {{'kf.conv2d' op expected strides to be two values >= 1 (height, width), got [0, 1]}}
  %0 = kf.conv2d %x, %w layout(nchw) {strides = array<i64: 0, 1>} : tensor<1x1x4x4xf32>, tensor<2x1x3x3xf32> -> tensor<1x2x2x2xf32>
  return
}

// -----

func.func @negative_conv2d_padding(%x: tensor<1x1x4x4xf32>, %w: tensor<2x1x3x3xf32>) {
  // expected-error @+1 {{'kf.conv2d' op expected padding to be two values >= 0 (height, width), got [1]}}
  %0 = kf.conv2d %x, %w layout(nchw) {padding = array<i64: 1>} : tensor<1x1x4x4xf32>, tensor<2x1x3x3xf32> -> tensor<1x2x2x2xf32>
  return
}

// -----

func.func @negative_conv2d_groups_zero(%x: tensor<1x1x4x4xf32>, %w: tensor<2x1x3x3xf32>) {
  // expected-error @+1 {{'kf.conv2d' op expected groups >= 1, got 0}}
  %0 = kf.conv2d %x, %w layout(nchw) {groups = 0 : i64} : tensor<1x1x4x4xf32>, tensor<2x1x3x3xf32> -> tensor<1x2x2x2xf32>
  return
}

// -----

func.func @negative_conv2d_bias(%x: tensor<1x1x4x4xf32>, %w: tensor<2x1x3x3xf32>, %b: tensor<3xf32>) {
  // expected-error @+1 {{'kf.conv2d' op expected bias of shape [2] (the output channels), got 'tensor<3xf32>'}}
  %0 = kf.conv2d %x, %w, %b layout(nchw) : tensor<1x1x4x4xf32>, tensor<2x1x3x3xf32>, tensor<3xf32> -> tensor<1x2x2x2xf32>
  return
}

// -----

func.func @negative_conv2d_dynamic(%x: tensor<?x1x4x4xf32>, %w: tensor<2x1x3x3xf32>) {
  // expected-error @+1 {{'kf.conv2d' op expected a static input and weight, got 'tensor<?x1x4x4xf32>' and 'tensor<2x1x3x3xf32>'}}
  %0 = kf.conv2d %x, %w layout(nchw) : tensor<?x1x4x4xf32>, tensor<2x1x3x3xf32> -> tensor<?x2x2x2xf32>
  return
}

// -----

func.func @negative_conv2d_result(%x: tensor<1x1x4x4xf32>, %w: tensor<2x1x3x3xf32>) {
  // expected-error @+1 {{'kf.conv2d' op expected result type 'tensor<1x2x2x2xf32>' (inferred from the operands), got 'tensor<1x2x4x4xf32>'}}
  %0 = kf.conv2d %x, %w layout(nchw) : tensor<1x1x4x4xf32>, tensor<2x1x3x3xf32> -> tensor<1x2x4x4xf32>
  return
}
