// GPT-2 forward graph for the makemore-names config (n_layer 4, n_head 4,
// n_embd 64, n_positions 16, vocab 27, untied lm_head), batch 1, 16 tokens.
// kernelforge-gpt2-graph builds the same graph for any GPT-2 config; a lit
// test (test/Models/GPT2/graph-builder.mlir) keeps the two in step.
//
// Inspect it:  kernelforge-opt models/gpt2/gpt2-makemore.mlir
//              kernelforge-opt --kf-print-model-stats models/gpt2/gpt2-makemore.mlir

module {
  // One pre-norm transformer block: x + attn(ln_1(x)), then x + mlp(ln_2(x)).
  func.func private @gpt2_block(%x: tensor<1x16x64xf32>,
      %ln_1_w: tensor<64xf32>, %ln_1_b: tensor<64xf32>,
      %c_attn_w: tensor<64x192xf32>, %c_attn_b: tensor<192xf32>,
      %attn_proj_w: tensor<64x64xf32>, %attn_proj_b: tensor<64xf32>,
      %ln_2_w: tensor<64xf32>, %ln_2_b: tensor<64xf32>,
      %c_fc_w: tensor<64x256xf32>, %c_fc_b: tensor<256xf32>,
      %mlp_proj_w: tensor<256x64xf32>, %mlp_proj_b: tensor<64xf32>) -> tensor<1x16x64xf32> {
    // Causal self-attention: one fused q|k|v projection, split into 4 heads.
    %h = kf.layer_norm %x scale(%ln_1_w : tensor<64xf32>) bias(%ln_1_b : tensor<64xf32>) {epsilon = 1.000000e-05 : f64} : tensor<1x16x64xf32>
    %qkv = kf.linear %h, %c_attn_w, %c_attn_b layout(in_out) : tensor<1x16x64xf32>, tensor<64x192xf32>, tensor<192xf32> -> tensor<1x16x192xf32>
    %q_flat = tensor.extract_slice %qkv[0, 0, 0] [1, 16, 64] [1, 1, 1] : tensor<1x16x192xf32> to tensor<1x16x64xf32>
    %q = kf.split_heads %q_flat {num_heads = 4 : i64} : tensor<1x16x64xf32> -> tensor<1x4x16x16xf32>
    %k_flat = tensor.extract_slice %qkv[0, 0, 64] [1, 16, 64] [1, 1, 1] : tensor<1x16x192xf32> to tensor<1x16x64xf32>
    %k = kf.split_heads %k_flat {num_heads = 4 : i64} : tensor<1x16x64xf32> -> tensor<1x4x16x16xf32>
    %v_flat = tensor.extract_slice %qkv[0, 0, 128] [1, 16, 64] [1, 1, 1] : tensor<1x16x192xf32> to tensor<1x16x64xf32>
    %v = kf.split_heads %v_flat {num_heads = 4 : i64} : tensor<1x16x64xf32> -> tensor<1x4x16x16xf32>
    %heads = kf.attention %q, %k, %v causal : tensor<1x4x16x16xf32>, tensor<1x4x16x16xf32>, tensor<1x4x16x16xf32> -> tensor<1x4x16x16xf32>
    %merged = kf.merge_heads %heads : tensor<1x4x16x16xf32> -> tensor<1x16x64xf32>
    %attn = kf.linear %merged, %attn_proj_w, %attn_proj_b layout(in_out) : tensor<1x16x64xf32>, tensor<64x64xf32>, tensor<64xf32> -> tensor<1x16x64xf32>
    %x1 = kf.add %x, %attn : tensor<1x16x64xf32>, tensor<1x16x64xf32>

    // MLP: 4x expansion with GPT-2's tanh GELU.
    %h2 = kf.layer_norm %x1 scale(%ln_2_w : tensor<64xf32>) bias(%ln_2_b : tensor<64xf32>) {epsilon = 1.000000e-05 : f64} : tensor<1x16x64xf32>
    %fc = kf.linear %h2, %c_fc_w, %c_fc_b layout(in_out) : tensor<1x16x64xf32>, tensor<64x256xf32>, tensor<256xf32> -> tensor<1x16x256xf32>
    %act = kf.gelu %fc tanh : tensor<1x16x256xf32>
    %mlp = kf.linear %act, %mlp_proj_w, %mlp_proj_b layout(in_out) : tensor<1x16x256xf32>, tensor<256x64xf32>, tensor<64xf32> -> tensor<1x16x64xf32>
    %out = kf.add %x1, %mlp : tensor<1x16x64xf32>, tensor<1x16x64xf32>
    return %out : tensor<1x16x64xf32>
  }

  // The model: embeddings, 4 blocks, final layer norm, language-model head.
  // Arguments tagged kf.param bind to the checkpoint tensors of that name.
  func.func @gpt2(%ids: tensor<1x16xi64>,
      %wte: tensor<27x64xf32> {kf.param = "wte.weight"},
      %wpe: tensor<16x64xf32> {kf.param = "wpe.weight"},
      %h0_ln_1_weight: tensor<64xf32> {kf.param = "h.0.ln_1.weight"},
      %h0_ln_1_bias: tensor<64xf32> {kf.param = "h.0.ln_1.bias"},
      %h0_attn_c_attn_weight: tensor<64x192xf32> {kf.param = "h.0.attn.c_attn.weight"},
      %h0_attn_c_attn_bias: tensor<192xf32> {kf.param = "h.0.attn.c_attn.bias"},
      %h0_attn_c_proj_weight: tensor<64x64xf32> {kf.param = "h.0.attn.c_proj.weight"},
      %h0_attn_c_proj_bias: tensor<64xf32> {kf.param = "h.0.attn.c_proj.bias"},
      %h0_ln_2_weight: tensor<64xf32> {kf.param = "h.0.ln_2.weight"},
      %h0_ln_2_bias: tensor<64xf32> {kf.param = "h.0.ln_2.bias"},
      %h0_mlp_c_fc_weight: tensor<64x256xf32> {kf.param = "h.0.mlp.c_fc.weight"},
      %h0_mlp_c_fc_bias: tensor<256xf32> {kf.param = "h.0.mlp.c_fc.bias"},
      %h0_mlp_c_proj_weight: tensor<256x64xf32> {kf.param = "h.0.mlp.c_proj.weight"},
      %h0_mlp_c_proj_bias: tensor<64xf32> {kf.param = "h.0.mlp.c_proj.bias"},
      %h1_ln_1_weight: tensor<64xf32> {kf.param = "h.1.ln_1.weight"},
      %h1_ln_1_bias: tensor<64xf32> {kf.param = "h.1.ln_1.bias"},
      %h1_attn_c_attn_weight: tensor<64x192xf32> {kf.param = "h.1.attn.c_attn.weight"},
      %h1_attn_c_attn_bias: tensor<192xf32> {kf.param = "h.1.attn.c_attn.bias"},
      %h1_attn_c_proj_weight: tensor<64x64xf32> {kf.param = "h.1.attn.c_proj.weight"},
      %h1_attn_c_proj_bias: tensor<64xf32> {kf.param = "h.1.attn.c_proj.bias"},
      %h1_ln_2_weight: tensor<64xf32> {kf.param = "h.1.ln_2.weight"},
      %h1_ln_2_bias: tensor<64xf32> {kf.param = "h.1.ln_2.bias"},
      %h1_mlp_c_fc_weight: tensor<64x256xf32> {kf.param = "h.1.mlp.c_fc.weight"},
      %h1_mlp_c_fc_bias: tensor<256xf32> {kf.param = "h.1.mlp.c_fc.bias"},
      %h1_mlp_c_proj_weight: tensor<256x64xf32> {kf.param = "h.1.mlp.c_proj.weight"},
      %h1_mlp_c_proj_bias: tensor<64xf32> {kf.param = "h.1.mlp.c_proj.bias"},
      %h2_ln_1_weight: tensor<64xf32> {kf.param = "h.2.ln_1.weight"},
      %h2_ln_1_bias: tensor<64xf32> {kf.param = "h.2.ln_1.bias"},
      %h2_attn_c_attn_weight: tensor<64x192xf32> {kf.param = "h.2.attn.c_attn.weight"},
      %h2_attn_c_attn_bias: tensor<192xf32> {kf.param = "h.2.attn.c_attn.bias"},
      %h2_attn_c_proj_weight: tensor<64x64xf32> {kf.param = "h.2.attn.c_proj.weight"},
      %h2_attn_c_proj_bias: tensor<64xf32> {kf.param = "h.2.attn.c_proj.bias"},
      %h2_ln_2_weight: tensor<64xf32> {kf.param = "h.2.ln_2.weight"},
      %h2_ln_2_bias: tensor<64xf32> {kf.param = "h.2.ln_2.bias"},
      %h2_mlp_c_fc_weight: tensor<64x256xf32> {kf.param = "h.2.mlp.c_fc.weight"},
      %h2_mlp_c_fc_bias: tensor<256xf32> {kf.param = "h.2.mlp.c_fc.bias"},
      %h2_mlp_c_proj_weight: tensor<256x64xf32> {kf.param = "h.2.mlp.c_proj.weight"},
      %h2_mlp_c_proj_bias: tensor<64xf32> {kf.param = "h.2.mlp.c_proj.bias"},
      %h3_ln_1_weight: tensor<64xf32> {kf.param = "h.3.ln_1.weight"},
      %h3_ln_1_bias: tensor<64xf32> {kf.param = "h.3.ln_1.bias"},
      %h3_attn_c_attn_weight: tensor<64x192xf32> {kf.param = "h.3.attn.c_attn.weight"},
      %h3_attn_c_attn_bias: tensor<192xf32> {kf.param = "h.3.attn.c_attn.bias"},
      %h3_attn_c_proj_weight: tensor<64x64xf32> {kf.param = "h.3.attn.c_proj.weight"},
      %h3_attn_c_proj_bias: tensor<64xf32> {kf.param = "h.3.attn.c_proj.bias"},
      %h3_ln_2_weight: tensor<64xf32> {kf.param = "h.3.ln_2.weight"},
      %h3_ln_2_bias: tensor<64xf32> {kf.param = "h.3.ln_2.bias"},
      %h3_mlp_c_fc_weight: tensor<64x256xf32> {kf.param = "h.3.mlp.c_fc.weight"},
      %h3_mlp_c_fc_bias: tensor<256xf32> {kf.param = "h.3.mlp.c_fc.bias"},
      %h3_mlp_c_proj_weight: tensor<256x64xf32> {kf.param = "h.3.mlp.c_proj.weight"},
      %h3_mlp_c_proj_bias: tensor<64xf32> {kf.param = "h.3.mlp.c_proj.bias"},
      %ln_f_w: tensor<64xf32> {kf.param = "ln_f.weight"},
      %ln_f_b: tensor<64xf32> {kf.param = "ln_f.bias"},
      %lm_head: tensor<27x64xf32> {kf.param = "lm_head.weight"}) -> tensor<1x16x27xf32> {
    %x0 = kf.embedding %ids, %wte positions(%wpe : tensor<16x64xf32>) : tensor<1x16xi64>, tensor<27x64xf32> -> tensor<1x16x64xf32>
    %x1 = func.call @gpt2_block(%x0, %h0_ln_1_weight, %h0_ln_1_bias, %h0_attn_c_attn_weight, %h0_attn_c_attn_bias, %h0_attn_c_proj_weight, %h0_attn_c_proj_bias, %h0_ln_2_weight, %h0_ln_2_bias, %h0_mlp_c_fc_weight, %h0_mlp_c_fc_bias, %h0_mlp_c_proj_weight, %h0_mlp_c_proj_bias)
        : (tensor<1x16x64xf32>, tensor<64xf32>, tensor<64xf32>, tensor<64x192xf32>, tensor<192xf32>, tensor<64x64xf32>, tensor<64xf32>, tensor<64xf32>, tensor<64xf32>, tensor<64x256xf32>, tensor<256xf32>, tensor<256x64xf32>, tensor<64xf32>) -> tensor<1x16x64xf32>
    %x2 = func.call @gpt2_block(%x1, %h1_ln_1_weight, %h1_ln_1_bias, %h1_attn_c_attn_weight, %h1_attn_c_attn_bias, %h1_attn_c_proj_weight, %h1_attn_c_proj_bias, %h1_ln_2_weight, %h1_ln_2_bias, %h1_mlp_c_fc_weight, %h1_mlp_c_fc_bias, %h1_mlp_c_proj_weight, %h1_mlp_c_proj_bias)
        : (tensor<1x16x64xf32>, tensor<64xf32>, tensor<64xf32>, tensor<64x192xf32>, tensor<192xf32>, tensor<64x64xf32>, tensor<64xf32>, tensor<64xf32>, tensor<64xf32>, tensor<64x256xf32>, tensor<256xf32>, tensor<256x64xf32>, tensor<64xf32>) -> tensor<1x16x64xf32>
    %x3 = func.call @gpt2_block(%x2, %h2_ln_1_weight, %h2_ln_1_bias, %h2_attn_c_attn_weight, %h2_attn_c_attn_bias, %h2_attn_c_proj_weight, %h2_attn_c_proj_bias, %h2_ln_2_weight, %h2_ln_2_bias, %h2_mlp_c_fc_weight, %h2_mlp_c_fc_bias, %h2_mlp_c_proj_weight, %h2_mlp_c_proj_bias)
        : (tensor<1x16x64xf32>, tensor<64xf32>, tensor<64xf32>, tensor<64x192xf32>, tensor<192xf32>, tensor<64x64xf32>, tensor<64xf32>, tensor<64xf32>, tensor<64xf32>, tensor<64x256xf32>, tensor<256xf32>, tensor<256x64xf32>, tensor<64xf32>) -> tensor<1x16x64xf32>
    %x4 = func.call @gpt2_block(%x3, %h3_ln_1_weight, %h3_ln_1_bias, %h3_attn_c_attn_weight, %h3_attn_c_attn_bias, %h3_attn_c_proj_weight, %h3_attn_c_proj_bias, %h3_ln_2_weight, %h3_ln_2_bias, %h3_mlp_c_fc_weight, %h3_mlp_c_fc_bias, %h3_mlp_c_proj_weight, %h3_mlp_c_proj_bias)
        : (tensor<1x16x64xf32>, tensor<64xf32>, tensor<64xf32>, tensor<64x192xf32>, tensor<192xf32>, tensor<64x64xf32>, tensor<64xf32>, tensor<64xf32>, tensor<64xf32>, tensor<64x256xf32>, tensor<256xf32>, tensor<256x64xf32>, tensor<64xf32>) -> tensor<1x16x64xf32>
    %h = kf.layer_norm %x4 scale(%ln_f_w : tensor<64xf32>) bias(%ln_f_b : tensor<64xf32>) {epsilon = 1.000000e-05 : f64} : tensor<1x16x64xf32>
    %logits = kf.linear %h, %lm_head layout(out_in) : tensor<1x16x64xf32>, tensor<27x64xf32> -> tensor<1x16x27xf32>
    return %logits : tensor<1x16x27xf32>
  }
}
