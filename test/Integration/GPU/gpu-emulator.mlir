// The cuda target's kernels, run on the CPU by the GPU emulator
// (convert-gpu-launch-to-loops: threads in phases between barriers and
// shuffles), against the float64 NumPy references. Checks the kernels' index
// math, tiling, workgroup-memory staging and shuffle trees where no GPU is
// present; gpt2-on-gpu.mlir runs the same checks on a GPU.
// RUN: kernelforge-compile %kf_src_root/models/gpt2/gpt2-makemore.mlir --target=gpu-emulator -o %t.gpt2.so
// RUN: %check %t.gpt2.so --entry gpt2 --ints-below 27 --scale 0.2 --atol 1e-4 --rtol 1e-4 --expect "ref.gpt2_logits(x0, p, n_head=4)"
// Every op family: row reductions (one block per row), tiled products and
// mat-vec kernels, fused attention (masked attention decomposed), at shapes
// that do and do not divide the tiles.
// RUN: kernelforge-compile %S/../CPU/normalization.mlir --target=gpu-emulator -o %t.norm.so
// RUN: %check %t.norm.so --entry layer_norm --expect "ref.layer_norm(x0, x1, x2)" --scale 3
// RUN: %check %t.norm.so --entry rms_norm --expect "ref.rms_norm(x0, x1)"
// RUN: %check %t.norm.so --entry softmax_last --expect "ref.softmax(x0)" --scale 4
// RUN: %check %t.norm.so --entry softmax_axis0 --expect "ref.softmax(x0, axis=0)" --scale 4
// RUN: %check %t.norm.so --entry softmax_causal --expect "ref.softmax(x0, causal=True)"
// RUN: %check %t.norm.so --entry argmax_last --expect "ref.argmax(x0)"
// RUN: kernelforge-compile %S/../CPU/contraction.mlir --target=gpu-emulator -o %t.mm.so
// RUN: %check %t.mm.so --entry linear_bias --expect "ref.linear(x0, x1, x2)" --atol 1e-4
// RUN: %check %t.mm.so --entry linear_out_in --expect "ref.linear(x0, x1, layout='out_in')" --atol 1e-4
// RUN: %check %t.mm.so --entry linear_vector --expect "ref.linear(x0, x1, x2)" --atol 1e-4
// RUN: %check %t.mm.so --entry linear_tiles --expect "ref.linear(x0, x1, x2)" --atol 1e-4
// RUN: %check %t.mm.so --entry linear_large --expect "ref.linear(x0, x1, x2)" --atol 1e-4
// RUN: %check %t.mm.so --entry matmul_batched --expect "ref.matmul(x0, x1)" --atol 1e-4
// RUN: %check %t.mm.so --entry matmul_transposed --expect "ref.matmul(x0, x1, True)" --atol 1e-4
// RUN: kernelforge-compile %S/../CPU/attention.mlir --target=gpu-emulator -o %t.attn.so
// RUN: %check %t.attn.so --entry causal --expect "ref.attention(x0, x1, x2, causal=True)"
// RUN: %check %t.attn.so --entry masked --expect "ref.attention(x0, x1, x2, mask=x3)"
// RUN: %check %t.attn.so --entry grouped --expect "ref.attention(x0, x1, x2, causal=True, scale=0.3)"
// RUN: %check %t.attn.so --entry decode --scalar 9 --expect "ref.attention(x0, x1, x2, causal=True, offset=9)"
// RUN: %check %t.attn.so --entry decode --scalar 0 --expect "ref.attention(x0, x1, x2, causal=True, offset=0)"
// RUN: %check %t.attn.so --entry causal_blocks --expect "ref.attention(x0, x1, x2, causal=True)"
// A sliding window and a soft-cap, in the fused kernel (decode with a key
// range split over blocks, most of them before the window).
// RUN: %check %t.attn.so --entry windowed --expect "ref.attention(x0, x1, x2, causal=True, window=7, softcap=2.0)"
// RUN: %check %t.attn.so --entry windowed_decode --scalar 70 --expect "ref.attention(x0, x1, x2, causal=True, offset=70, window=16)"
// RUN: %check %t.attn.so --entry windowed_long --scalar 599 --expect "ref.attention(x0, x1, x2, causal=True, offset=599, window=50, softcap=5.0)"
// RUN: %check %t.attn.so --entry windowed_long --scalar 30 --expect "ref.attention(x0, x1, x2, causal=True, offset=30, window=50, softcap=5.0)"
// RUN: %check %t.attn.so --entry decode_long --scalar 599 --expect "ref.attention(x0, x1, x2, causal=True, offset=599)"
// RUN: %check %t.attn.so --entry decode_long --scalar 200 --expect "ref.attention(x0, x1, x2, causal=True, offset=200)"
// The decomposed form (QK^T, softmax and PV kernels) too.
// RUN: kernelforge-compile %S/../CPU/attention.mlir --target=gpu-emulator --pipeline-options="fused-attention=0" -o %t.attn3.so
// RUN: %check %t.attn3.so --entry causal --expect "ref.attention(x0, x1, x2, causal=True)"
// RUN: %check %t.attn3.so --entry decode --scalar 9 --expect "ref.attention(x0, x1, x2, causal=True, offset=9)"
// Generation: prefill (tiled kernels) and every decode step (mat-vec
// kernels: warp shuffles, workgroup-memory partials) with the KV cache.
// RUN: rm -rf %t.ckpt && %python %kf_py/make_checkpoint.py %t.ckpt --prefix --buffers
// RUN: env KF_CACHE_DIR=%t.cache %python %kf_py/check_gpt2.py --runner kernelforge-gpt2 --device gpu-emulator --model-dir %t.ckpt --tokens 3,1,4,1,5,9,2,6 -n 10 | FileCheck %s
// CHECK: prefill (all prompt positions): 8 rows, max abs error {{.*}}: ok
// CHECK: decode (each generated token): 10 rows, max abs error {{.*}}: ok

// GPT-2 generation with the matrices kept in bf16 and in int8 blocks, on the
// emulated GPU: the kernels read the stored types (the products' bodies widen
// them), against the float64 forward on the same rounded weights.
// RUN: env KF_CACHE_DIR=%t.cache %python %kf_py/check_gpt2.py --runner kernelforge-gpt2 --device gpu-emulator --config %kf_src_root/models/gpt2/configs/makemore-names.json --random-weights 3 --tokens 0,13,1,18 -n 6 --dtype bf16 | FileCheck %s --check-prefix=STORED
// RUN: env KF_CACHE_DIR=%t.cache %python %kf_py/check_gpt2.py --runner kernelforge-gpt2 --device gpu-emulator --config %kf_src_root/models/gpt2/configs/makemore-names.json --random-weights 3 --tokens 0,13,1,18 -n 6 --dtype int8 | FileCheck %s --check-prefix=STORED
// STORED: decode (each generated token): 6 rows, {{.*}}: ok
