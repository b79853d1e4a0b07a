// REQUIRES: cuda-gpu
// The GPT-2 graph (makemore config, random weights) on the GPU against the
// float64 NumPy forward, the same check and tolerance as the CPU path
// (atol/rtol 1e-4), and against the CPU library's logits.
// RUN: kernelforge-compile %kf_src_root/models/gpt2/gpt2-makemore.mlir --target=cuda -o %t.cuda.so
// RUN: %check %t.cuda.so --device cuda --entry gpt2 --ints-below 27 --scale 0.2 --atol 1e-4 --rtol 1e-4 --expect "ref.gpt2_logits(x0, p, n_head=4)"
// Every op family on the GPU.
// RUN: kernelforge-compile %S/../CPU/normalization.mlir --target=cuda -o %t.norm.so
// RUN: %check %t.norm.so --device cuda --entry layer_norm --expect "ref.layer_norm(x0, x1, x2)" --scale 3
// RUN: %check %t.norm.so --device cuda --entry softmax_causal --expect "ref.softmax(x0, causal=True)"
// RUN: kernelforge-compile %S/../CPU/attention.mlir --target=cuda -o %t.attn.so
// RUN: %check %t.attn.so --device cuda --entry causal --expect "ref.attention(x0, x1, x2, causal=True)"
// Generation on the GPU: weights and the KV cache resident, prefill and every
// decode step against NumPy.
// RUN: rm -rf %t.ckpt && %python %kf_py/make_checkpoint.py %t.ckpt --prefix --buffers
// RUN: %python %kf_py/check_gpt2.py --runner kernelforge-gpt2 --device cuda --model-dir %t.ckpt --tokens 3,1,4,1,5,9,2,6 -n 10
// RUN: kernelforge-gpt2 --device cuda --config %kf_src_root/models/gpt2/configs/gpt2.json --random-weights 0 --prompt "Hello" -n 32 --json 2>&1 | FileCheck %s
// CHECK: decode: 31 tokens, {{.*}} ms/token
