// kernelforge-generate on random LLaMA-family checkpoints in the
// configurations the family comes in, against the float64 NumPy forward
// (reference.llama_logits): the prompt's logits at every position and each
// decode step's (through the KV cache of KV heads) equal recomputing the
// whole sequence; every greedy token is the reference's argmax.
//
// GQA 2 (4 query heads on 2 KV heads), tied embeddings.
// RUN: rm -rf %t && %python %kf_py/make_llama_checkpoint.py %t/gqa2 --heads 4 --kv-heads 2 --seed 1
// RUN: %python %kf_py/check_llama.py --runner kernelforge-generate --model-dir %t/gqa2 --tokens 1,5,9,17,3 -n 8
// GQA 1 (multi-head), an untied head, q/k/v/o and MLP biases, 3 layers,
// a 21-token prompt (bucket 32).
// RUN: %python %kf_py/make_llama_checkpoint.py %t/mha --heads 4 --kv-heads 4 --untied --attention-bias --mlp-bias --layers 3 --seed 2
// RUN: %python %kf_py/check_llama.py --runner kernelforge-generate --model-dir %t/mha --tokens 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21 -n 10
// The same prompt prefilled in chunks of 8 ([0, 8), [8, 16), [13, 21)), on
// the CPU and through the GPU kernels: RoPE, the cache rows and causal
// attention at each chunk's position.
// RUN: %python %kf_py/check_llama.py --runner kernelforge-generate --model-dir %t/mha --tokens 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21 -n 4 --prefill-bucket 8
// RUN: %python %kf_py/check_llama.py --runner kernelforge-generate --model-dir %t/mha --tokens 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21 -n 4 --prefill-bucket 8 --device gpu-emulator
// Short prompts, whose 2-4 rows are multiplied into each [out, in] weight
// row as it is read (lane products holding every row), f32 and bf16
// weights; the 4-row MLP down projection (1536 wide, 24 KiB of rows) in
// two stretches of k (1024 and 512), the second adding into the first.
// RUN: %python %kf_py/make_llama_checkpoint.py %t/fewrows --hidden 128 --heads 4 --kv-heads 2 --inner 1536 --seed 11
// RUN: %python %kf_py/check_llama.py --runner kernelforge-generate --model-dir %t/fewrows --tokens 1,5 -n 4
// RUN: %python %kf_py/check_llama.py --runner kernelforge-generate --model-dir %t/fewrows --tokens 1,5,9 --prefill-bucket 3 -n 4 --dtype bf16
// RUN: %python %kf_py/check_llama.py --runner kernelforge-generate --model-dir %t/fewrows --tokens 1,5,9,17 -n 4
// RUN: %python %kf_py/check_llama.py --runner kernelforge-generate --model-dir %t/fewrows --tokens 1,5,9,17 -n 4 --dtype bf16
// The same prompts against int8 blocks, 2, 3 and 8 rows (register tiles
// of up to 8 rows with AVX-512's tiles, 3 with AVX2's: groups of 3, 3 and
// 2); atol as the int8 runs below.
// RUN: %python %kf_py/check_llama.py --runner kernelforge-generate --model-dir %t/fewrows --tokens 1,5 -n 4 --dtype int8 --atol 1e-2
// RUN: %python %kf_py/check_llama.py --runner kernelforge-generate --model-dir %t/fewrows --tokens 1,5,9 --prefill-bucket 3 -n 4 --dtype int8 --atol 1e-2
// RUN: %python %kf_py/check_llama.py --runner kernelforge-generate --model-dir %t/fewrows --tokens 1,5,9,17,3,8,2,4 -n 4 --dtype int8 --atol 1e-2
// GQA 8 (8 query heads on one KV head), head_dim 6 (not a multiple of any
// vector width), head_dim * heads != hidden_size, rope_theta 500000.
// RUN: %python %kf_py/make_llama_checkpoint.py %t/gqa8 --hidden 40 --heads 8 --kv-heads 1 --head-dim 6 --inner 56 --theta 500000 --seed 3
// RUN: %python %kf_py/check_llama.py --runner kernelforge-generate --model-dir %t/gqa8 --tokens 1,7,7,30 -n 8
// rope_scaling: linear (positions stretched by the factor) and llama3
// (long wavelengths scaled, short ones kept, a blend between), as a
// frequency table on kf.rope; head_dim 16 spans all three llama3 regimes.
// RUN: %python %kf_py/make_llama_checkpoint.py %t/linear --heads 2 --kv-heads 1 --set 'rope_scaling={"type": "linear", "factor": 4.0}'
// RUN: %python %kf_py/check_llama.py --runner kernelforge-generate --model-dir %t/linear --tokens 1,3,5,7,9,11 -n 8
// RUN: %python %kf_py/make_llama_checkpoint.py %t/llama3 --heads 2 --kv-heads 1 --theta 500000 --set 'rope_scaling={"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0, "original_max_position_embeddings": 64}'
// RUN: %python %kf_py/check_llama.py --runner kernelforge-generate --model-dir %t/llama3 --tokens 1,3,5,7,9,11 -n 8
// RUN: kernelforge-generate --model-dir %t/llama3 --tokens 1 --encode-only > /dev/null
// Mistral: a sliding window of 4 keys, shorter than the 9-token prompt and
// than the decode steps' context.
// RUN: %python %kf_py/make_llama_checkpoint.py %t/mistral4 --model-type mistral --heads 4 --kv-heads 2 --set sliding_window=4 --seed 7
// RUN: %python %kf_py/check_llama.py --runner kernelforge-generate --model-dir %t/mistral4 --tokens 1,5,9,13,17,21,25,29,33 -n 8
// RUN: %python %kf_py/check_llama.py --runner kernelforge-generate --model-dir %t/mistral4 --tokens 1,5,9,13,17,21,25,29,33 -n 4 --device gpu-emulator
// The GPU path's kernels (through the GPU emulator) on the same checks:
// GQA 8 with head_dim 6, llama3 rope scaling, an untied head with biases.
// RUN: %python %kf_py/check_llama.py --runner kernelforge-generate --model-dir %t/gqa8 --tokens 1,7,7,30 -n 6 --device gpu-emulator
// RUN: %python %kf_py/check_llama.py --runner kernelforge-generate --model-dir %t/llama3 --tokens 1,3,5,7,9,11 -n 6 --device gpu-emulator
// RUN: %python %kf_py/check_llama.py --runner kernelforge-generate --model-dir %t/mha --tokens 1,2,3,4,5,6,7,8,9 -n 6 --device gpu-emulator
// Qwen2: biases on q/k/v, none on o_proj; a sliding_window that
// use_sliding_window turns off; rope_theta 1e6.
// RUN: %python %kf_py/make_llama_checkpoint.py %t/qwen2 --model-type qwen2 --heads 4 --kv-heads 2 --theta 1000000 --untied --seed 6
// RUN: %python %kf_py/check_llama.py --runner kernelforge-generate --model-dir %t/qwen2 --tokens 1,8,13,21 -n 8
// RUN: %python %kf_py/make_llama_checkpoint.py %t/qwen2window --model-type qwen2 --set use_sliding_window=true
// RUN: not kernelforge-generate --model-dir %t/qwen2window --tokens 1 -n 1 2>&1 | FileCheck %s --check-prefix=WINDOW
// BF16 matrices kept in bf16 (the checkpoint's type), and f32 ones kept in f16.
// RUN: %python %kf_py/make_llama_checkpoint.py %t/bf16 --heads 4 --kv-heads 2 --bf16 --seed 4
// RUN: %python %kf_py/check_llama.py --runner kernelforge-generate --model-dir %t/bf16 --tokens 1,5,9 -n 6 --dtype bf16
// RUN: %python %kf_py/check_llama.py --runner kernelforge-generate --model-dir %t/gqa2 --tokens 1,5,9 -n 6 --dtype f16
// Int8 matrices (blocks of 32 input features, f16 scales) quantised at load:
// against the float64 forward on the same dequantised weights. Decode's rows
// are rounded to 16 bits per block for its integer pair sums (2^-16 of a
// block's largest value), about 1e-4 of the logits' scale (~14 here):
// atol 1e-2. GQA; then MHA with biases and an untied (int8) head.
// RUN: %python %kf_py/make_llama_checkpoint.py %t/q8gqa --hidden 64 --inner 96 --heads 4 --kv-heads 2 --seed 1
// RUN: %python %kf_py/check_llama.py --runner kernelforge-generate --model-dir %t/q8gqa --tokens 1,5,9,17,3 -n 8 --dtype int8 --atol 1e-2
// RUN: %python %kf_py/check_llama.py --runner kernelforge-generate --model-dir %t/q8gqa --tokens 1,5,9,17,3 -n 4 --dtype int8 --atol 1e-2 --device gpu-emulator
// RUN: %python %kf_py/make_llama_checkpoint.py %t/q8mha --hidden 64 --inner 128 --heads 4 --kv-heads 4 --untied --attention-bias --mlp-bias --layers 3 --seed 2
// RUN: %python %kf_py/check_llama.py --runner kernelforge-generate --model-dir %t/q8mha --tokens 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21 -n 10 --dtype int8 --atol 1e-2

// Bad inputs: a clear error naming the file and key or tensor.
// RUN: %python %kf_py/make_llama_checkpoint.py %t/nokv --drop model.layers.1.self_attn.k_proj.weight
// RUN: not kernelforge-generate --model-dir %t/nokv --tokens 1 -n 1 2>&1 | FileCheck %s --check-prefix=MISSING
// RUN: %python %kf_py/make_llama_checkpoint.py %t/badkv --heads 4 --kv-heads 2 --set num_key_value_heads=3
// RUN: not kernelforge-generate --model-dir %t/badkv --tokens 1 -n 1 2>&1 | FileCheck %s --check-prefix=KVHEADS
// RUN: %python %kf_py/make_llama_checkpoint.py %t/kvshape --heads 4 --kv-heads 2 --set num_key_value_heads=4
// RUN: not kernelforge-generate --model-dir %t/kvshape --tokens 1 -n 1 2>&1 | FileCheck %s --check-prefix=KVSHAPE
// RUN: %python %kf_py/make_llama_checkpoint.py %t/scaling --set 'rope_scaling={"rope_type": "yarn", "factor": 4.0}'
// RUN: not kernelforge-generate --model-dir %t/scaling --tokens 1 -n 1 2>&1 | FileCheck %s --check-prefix=SCALING
// RUN: %python %kf_py/make_llama_checkpoint.py %t/nolayers --set 'num_hidden_layers=null'
// RUN: not kernelforge-generate --model-dir %t/nolayers --tokens 1 -n 1 2>&1 | FileCheck %s --check-prefix=LAYERS
// RUN: %python %kf_py/make_llama_checkpoint.py %t/huge --set num_hidden_layers=9223372036854775807
// RUN: not kernelforge-generate --model-dir %t/huge --tokens 1 -n 1 2>&1 | FileCheck %s --check-prefix=HUGE
// RUN: %python %kf_py/make_llama_checkpoint.py %t/mistral --set 'model_type="falcon"'
// RUN: not kernelforge-generate --model-dir %t/mistral --tokens 1 -n 1 2>&1 | FileCheck %s --check-prefix=FAMILY
// RUN: not kernelforge-generate --model-dir %t/gqa2 --tokens 61 -n 1 2>&1 | FileCheck %s --check-prefix=VOCAB
// RUN: not kernelforge-generate --model-dir %t/gqa2 --tokens 1 -n 1 --dtype int8 2>&1 | FileCheck %s --check-prefix=INT8
// RUN: not kernelforge-generate --model-dir %t/gqa2 --prompt "hello" -n 1 2>&1 | FileCheck %s --check-prefix=NOTOKENIZER
// MISSING: error: {{.*}}nokv/model.safetensors: no tensor 'model.layers.1.self_attn.k_proj.weight'{{.*}}shape [16, 32]
// KVHEADS: error: {{.*}}badkv/config.json: num_attention_heads 4 is not a multiple of num_key_value_heads 3
// KVSHAPE: error: {{.*}}kvshape/model.safetensors: tensor 'model.layers.0.self_attn.k_proj.weight': expected shape [32, 32], found [16, 32]
// SCALING: error: {{.*}}scaling/config.json: rope_scaling of type 'yarn' is not supported (linear, llama3)
// HUGE: error: {{.*}}huge/config.json: expected 'num_hidden_layers' to be at most 1024, got 9223372036854775807
// LAYERS: error: {{.*}}nolayers/config.json: expected 'num_hidden_layers' to be a positive integer
// FAMILY: error: {{.*}}mistral/config.json: model_type 'falcon' is not supported (supported: gpt2, llama, mistral, qwen2)
// WINDOW: error: {{.*}}qwen2window/config.json: use_sliding_window (windows on some layers) is not supported yet
// VOCAB: error: token id 61 is outside the vocabulary [0, 61)
// INT8: error: int8 weights need intermediate_size (48) to be a multiple of the 32-value block
// NOTOKENIZER: error: a text prompt needs a tokenizer in the model directory; give --tokens
