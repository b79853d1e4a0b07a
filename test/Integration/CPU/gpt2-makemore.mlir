// The whole GPT-2 graph of the makemore-names config (4 layers, 4 heads,
// 64 features, 27 tokens) with random weights, compiled ahead of time and
// checked against the float64 NumPy GPT-2 forward: once for the checked-in
// 16-token graph (fused and decomposed attention, vectorized and as plain
// loops without threads) and once for a 13-token
// graph built from the config, a length no tile divides. Logits of a
// 4-layer float32 network with weights of scale 0.2: atol/rtol 1e-4.
// RUN: kernelforge-compile %kf_src_root/models/gpt2/gpt2-makemore.mlir -o %t.so
// RUN: %check %t.so --entry gpt2 --ints-below 27 --scale 0.2 --atol 1e-4 --rtol 1e-4 --expect "ref.gpt2_logits(x0, p, n_head=4)"
// RUN: kernelforge-compile %kf_src_root/models/gpt2/gpt2-makemore.mlir -o %t.decomposed.so --pipeline-options="decompose-attention=1"
// RUN: %check %t.decomposed.so --entry gpt2 --ints-below 27 --scale 0.2 --atol 1e-4 --rtol 1e-4 --expect "ref.gpt2_logits(x0, p, n_head=4)"
// RUN: kernelforge-compile %kf_src_root/models/gpt2/gpt2-makemore.mlir -o %t.loops.so --pipeline-options="vectorize=0 threads=0"
// RUN: %check %t.loops.so --entry gpt2 --ints-below 27 --scale 0.2 --atol 1e-4 --rtol 1e-4 --expect "ref.gpt2_logits(x0, p, n_head=4)"
// RUN: kernelforge-gpt2-graph %kf_src_root/models/gpt2/configs/makemore-names.json --seq 13 -o %t.13.mlir
// RUN: kernelforge-compile %t.13.mlir -o %t.13.so
// RUN: %check %t.13.so --entry gpt2 --ints-below 27 --scale 0.2 --atol 1e-4 --rtol 1e-4 --expect "ref.gpt2_logits(x0, p, n_head=4)"
