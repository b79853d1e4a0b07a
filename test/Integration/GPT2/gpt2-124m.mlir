// GPT-2 124M (the published config: 12 layers, 12 heads, 768 features,
// 50257 tokens, 1024 positions) with a random checkpoint of GPT-2-like
// magnitudes: prefill and every decode step against the float64 NumPy
// forward (atol/rtol 1e-3: float32 through 12 layers).
// RUN: rm -rf %t && %python %kf_py/make_checkpoint.py %t --layers 12 --heads 12 --embd 768 --vocab 50257 --positions 1024 --prefix --scale 0.1
// RUN: %python %kf_py/check_gpt2.py --runner kernelforge-gpt2 --model-dir %t --tokens 15496,11,616,1438,318 -n 4 --atol 1e-3 --rtol 1e-3
// The same with the matrices kept in bf16, f16 and int8 blocks (converted at
// load); the reference reads the same rounded weights, so the tolerance and
// the greedy tokens are those of f32.
// RUN: %python %kf_py/check_gpt2.py --runner kernelforge-gpt2 --model-dir %t --tokens 15496,11,616,1438,318 -n 4 --atol 1e-3 --rtol 1e-3 --dtype bf16
// RUN: %python %kf_py/check_gpt2.py --runner kernelforge-gpt2 --model-dir %t --tokens 15496,11,616,1438,318 -n 4 --atol 1e-3 --rtol 1e-3 --dtype f16
// RUN: %python %kf_py/check_gpt2.py --runner kernelforge-gpt2 --model-dir %t --tokens 15496,11,616,1438,318 -n 4 --atol 1e-3 --rtol 1e-3 --dtype int8
// bf16 weights and a bf16 KV cache (the reference rounds keys and values too).
// RUN: %python %kf_py/check_gpt2.py --runner kernelforge-gpt2 --model-dir %t --tokens 15496,11,616,1438,318 -n 4 --atol 1e-3 --rtol 1e-3 --dtype bf16 --kv-dtype bf16
// The acceptance command: random weights from the config, GPT-2's own
// tokenizer, 32 new tokens.
// RUN: kernelforge-gpt2 --config %kf_src_root/models/gpt2/configs/gpt2.json --random-weights 0 --prompt "Hello" -n 32 --json 2>&1 | FileCheck %s
// CHECK: prompt: 1 tokens in {{.*}} tokens/s, bucket 1); decode: 31 tokens, {{.*}} ms/token
// CHECK: "decode_steps": 31
