// The full GPT-2 124M graph (12 layers, 12 heads, 768 features, 50257-token
// tied head) at 128 tokens, compiled and run on random weights (N(0, 0.1^2))
// against the float64 NumPy forward: every one of the 6.4M logits within
// 1e-3 (float32 through 12 layers; typically ~4e-6).
// RUN: kernelforge-gpt2-graph %kf_src_root/models/gpt2/configs/gpt2.json --seq 128 -o %t.mlir
// RUN: kernelforge-compile %t.mlir -o %t.so
// RUN: %check %t.so --entry gpt2 --ints-below 50257 --scale 0.1 --atol 1e-3 --rtol 1e-3 --expect "ref.gpt2_logits(x0, p, n_head=12)"
