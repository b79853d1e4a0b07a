// GPT-2 124M (its Hugging Face config, the runner's random weights 0)
// generating on the emulated GPU: every kernel the cuda target builds for
// it (fused norms, products with their bias and epilogues, K/V into a
// 1024-position cache, attention over 3 key ranges in prefill and 8 in
// decode, combined), with the prompt's logits and every decode step
// against the float64 NumPy forward.
// RUN: env KF_CACHE_DIR=%t.cache %python %kf_py/check_gpt2.py --runner kernelforge-gpt2 --device gpu-emulator --config %kf_src_root/models/gpt2/configs/gpt2.json --random-weights 0 --tokens 464,2068,7586,21831,18045,625,262,16931 -n 6 | FileCheck %s
// CHECK: prefill (all prompt positions): 8 rows, {{.*}}: ok
// CHECK: decode (each generated token): 6 rows, {{.*}}: ok
//
// A bf16 KV cache on the cuda target (a small random checkpoint, emulated):
// the rows are rounded when written and attention widens them (the fused
// attention kernel takes f32 only, so attention is decomposed there).
// RUN: rm -rf %t.small && %python %kf_py/make_checkpoint.py %t.small --prefix
// RUN: env KF_CACHE_DIR=%t.cache %python %kf_py/check_gpt2.py --runner kernelforge-gpt2 --device gpu-emulator --model-dir %t.small --tokens 0,13,1,18 -n 8 --kv-dtype bf16 | FileCheck %s --check-prefix=KV16
// KV16: prefill (all prompt positions): 4 rows, {{.*}}: ok
// KV16: decode (each generated token): 8 rows, {{.*}}: ok
