// kernelforge-gpt2 on random checkpoints in the layouts real files use,
// against the float64 NumPy forward: prefill logits of every prompt position
// and the logits of every decode step (the KV cache) equal recomputing the
// whole sequence, atol/rtol 1e-4 (float32 through two layers).
//
// GPT2LMHeadModel layout: `transformer.` prefix, attention-mask buffers,
// tied head, an F16 and a BF16 tensor (converted on load).
// RUN: rm -rf %t && %python %kf_py/make_checkpoint.py %t/hf --prefix --buffers --f16 h.0.mlp.c_fc.weight --bf16 wpe.weight
// RUN: %python %kf_py/check_gpt2.py --runner kernelforge-gpt2 --model-dir %t/hf --tokens 3,1,4,1,5,9,2,6 -n 10
// The same checkpoint with its matrices kept in f16, bf16 and int8 blocks.
// RUN: %python %kf_py/check_gpt2.py --runner kernelforge-gpt2 --model-dir %t/hf --tokens 3,1,4,1,5,9,2,6 -n 10 --dtype f16
// RUN: %python %kf_py/check_gpt2.py --runner kernelforge-gpt2 --model-dir %t/hf --tokens 3,1,4,1,5,9,2,6 -n 10 --dtype bf16
// RUN: %python %kf_py/check_gpt2.py --runner kernelforge-gpt2 --model-dir %t/hf --tokens 3,1,4,1,5,9,2,6 -n 10 --dtype int8
// Short prompts against int8 blocks: 8 rows (above) in two register tiles of
// 4, 2 and 3 rows in one, of the [in, out] products (the prompt's logits,
// every position's, read the tied [out, in] head with them too).
// RUN: %python %kf_py/check_gpt2.py --runner kernelforge-gpt2 --model-dir %t/hf --tokens 3,1 -n 6 --dtype int8
// RUN: %python %kf_py/check_gpt2.py --runner kernelforge-gpt2 --model-dir %t/hf --tokens 3,1,4 --prefill-bucket 3 -n 6 --dtype int8
// Bare names, a separate lm_head, 3 heads of 16, a 21-token prompt (bucket 32).
// RUN: %python %kf_py/make_checkpoint.py %t/untied --untied --heads 3 --embd 48 --layers 3 --vocab 61 --positions 40 --seed 1
// RUN: %python %kf_py/check_gpt2.py --runner kernelforge-gpt2 --model-dir %t/untied --tokens 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21 -n 12
// The same prompt prefilled in chunks of 8 ([0, 8), [8, 16), [13, 21):
// each chunk's positions, cache rows and causal attention) and of one token
// (the decode step's block), on the CPU and through the GPU kernels.
// RUN: %python %kf_py/check_gpt2.py --runner kernelforge-gpt2 --model-dir %t/untied --tokens 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21 -n 4 --prefill-bucket 8
// RUN: %python %kf_py/check_gpt2.py --runner kernelforge-gpt2 --model-dir %t/untied --tokens 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21 -n 4 --prefill-bucket 1
// RUN: %python %kf_py/check_gpt2.py --runner kernelforge-gpt2 --model-dir %t/untied --tokens 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21 -n 4 --prefill-bucket 8 --device gpu-emulator
// RUN: not kernelforge-gpt2 --model-dir %t/untied --tokens 1 --prefill-bucket 41 2>&1 | FileCheck %s --check-prefix=BADBUCKET
// BADBUCKET: error: --prefill-bucket 41 is not in 1..40 (the model's positions)
// An untied head in int8 blocks, and a size int8 blocks cannot tile.
// RUN: %python %kf_py/make_checkpoint.py %t/untied64 --untied --heads 2 --embd 64 --layers 2 --vocab 61 --positions 40 --seed 2
// RUN: %python %kf_py/check_gpt2.py --runner kernelforge-gpt2 --model-dir %t/untied64 --tokens 1,2,3,4,5 -n 6 --dtype int8 --cache-dir %t/cache8
// RUN: not kernelforge-gpt2 --model-dir %t/untied --tokens 1 -n 1 --dtype int8 --cache-dir %t/cache8 2>&1 | FileCheck %s --check-prefix=BADBLOCKS
// RUN: not kernelforge-gpt2 --model-dir %t/hf --tokens 1 -n 1 --dtype f8 2>&1 | FileCheck %s --check-prefix=BADDTYPE
// RUN: not kernelforge-gpt2 --model-dir %t/hf --tokens 1 -n 1 --kv-dtype int8 2>&1 | FileCheck %s --check-prefix=BADKV
// A second run reuses the compiled library.
// RUN: kernelforge-gpt2 --model-dir %t/hf --tokens 7,7 -n 2 --json --cache-dir %t/cache | FileCheck %s --check-prefix=FIRST
// RUN: kernelforge-gpt2 --model-dir %t/hf --tokens 7,7 -n 2 --json --cache-dir %t/cache | FileCheck %s --check-prefix=SECOND
// The key holds the compiler's identity (its executable's hash) also where
// the tool is started by its bare name from PATH, as the Python checks
// start their runners: a rebuilt compiler (here the same tool with a byte
// appended) never reuses what another compiled.
// RUN: rm -rf %t/tool && mkdir %t/tool && cp kernelforge-gpt2 %t/tool/
// RUN: env PATH=%t/tool:$PATH kernelforge''-gpt2 --model-dir %t/hf --tokens 7,7 -n 2 --json --cache-dir %t/cache2 | FileCheck %s --check-prefix=FIRST
// RUN: env PATH=%t/tool:$PATH kernelforge''-gpt2 --model-dir %t/hf --tokens 7,7 -n 2 --json --cache-dir %t/cache2 | FileCheck %s --check-prefix=SECOND
// RUN: printf x >> %t/tool/kernelforge-gpt2
// RUN: env PATH=%t/tool:$PATH kernelforge''-gpt2 --model-dir %t/hf --tokens 7,7 -n 2 --json --cache-dir %t/cache2 | FileCheck %s --check-prefix=FIRST
// Sampling is reproducible for a seed.
// RUN: kernelforge-gpt2 --model-dir %t/hf --tokens 1 -n 12 --temperature 0.8 --top-k 10 --top-p 0.9 --seed 5 > %t/s1.txt
// RUN: kernelforge-gpt2 --model-dir %t/hf --tokens 1 -n 12 --temperature 0.8 --top-k 10 --top-p 0.9 --seed 5 > %t/s2.txt
// RUN: cmp %t/s1.txt %t/s2.txt

// BADBLOCKS: error: int8 weights need n_embd (48) and n_inner (192) to be multiples of the 32-value block
// BADDTYPE: error: --dtype expects f32, f16, bf16 or int8, got 'f8'
// BADKV: error: --kv-dtype expects f32, bf16 or f16, got 'int8'
// FIRST: "compile_cached": false
// SECOND: "compile_cached": true
