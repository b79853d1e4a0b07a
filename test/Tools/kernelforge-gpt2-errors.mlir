// Every bad input to kernelforge-gpt2 gets an error naming the file, the
// tensor or the value, and exit status 1.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %kf_py/make_checkpoint.py %t/good
//
// A corrupt config whose sizes would build an endless graph is refused at once.
// RUN: mkdir -p %t/huge && cp %t/good/model.safetensors %t/huge/ && %python -c "import json; c = json.load(open('%t/good/config.json')); c['n_layer'] = 9223372036854775807; json.dump(c, open('%t/huge/config.json', 'w'))"
// RUN: not kernelforge-gpt2 --model-dir %t/huge --tokens 1 -n 1 2>&1 | FileCheck %s --check-prefix=HUGE
// HUGE: error: {{.*}}huge/config.json: expected 'n_layer' to be at most 1024, got 9223372036854775807
//
// Missing, truncated and corrupt checkpoints.
// RUN: mkdir -p %t/missing && cp %t/good/config.json %t/missing/
// RUN: not kernelforge-gpt2 --model-dir %t/missing --tokens 1 2>&1 | FileCheck %s --check-prefix=MISSING
// RUN: mkdir -p %t/truncated && cp %t/good/config.json %t/truncated/ && head -c 20000 %t/good/model.safetensors > %t/truncated/model.safetensors
// RUN: not kernelforge-gpt2 --model-dir %t/truncated --tokens 1 2>&1 | FileCheck %s --check-prefix=TRUNCATED
// RUN: mkdir -p %t/short && cp %t/good/config.json %t/short/ && printf 'abc' > %t/short/model.safetensors
// RUN: not kernelforge-gpt2 --model-dir %t/short --tokens 1 2>&1 | FileCheck %s --check-prefix=SHORT
// RUN: mkdir -p %t/corrupt && cp %t/good/config.json %t/corrupt/ && %python -c "import struct; open('%t/corrupt/model.safetensors', 'wb').write(struct.pack('<Q', 12) + b'{not json!!}')"
// RUN: not kernelforge-gpt2 --model-dir %t/corrupt --tokens 1 2>&1 | FileCheck %s --check-prefix=CORRUPT
//
// Wrong shapes, a missing tensor, a checkpoint of another config.
// A shape whose byte count wraps around 2^64 to the 12 bytes given (found by
// fuzz/safetensors under UBSan): refused, not read as 12 bytes.
// RUN: mkdir -p %t/wraps && cp %t/good/config.json %t/wraps/ && %python -c "import json, struct; h = json.dumps({'wpe.weight': {'dtype': 'F32', 'shape': [4611686018427387907], 'data_offsets': [0, 12]}}).encode(); open('%t/wraps/model.safetensors', 'wb').write(struct.pack('<Q', len(h)) + h + bytes(12))"
// RUN: not kernelforge-gpt2 --model-dir %t/wraps --tokens 1 2>&1 | FileCheck %s --check-prefix=WRAPS
// WRAPS: error: {{.*}}model.safetensors{{.*}}tensor 'wpe.weight': its shape holds more than 2^63 bytes
// RUN: %python %kf_py/make_checkpoint.py %t/transposed --reshape h.1.attn.c_attn.weight
// RUN: not kernelforge-gpt2 --model-dir %t/transposed --tokens 1 2>&1 | FileCheck %s --check-prefix=SHAPE
// RUN: %python %kf_py/make_checkpoint.py %t/dropped --drop h.1.ln_2.bias
// RUN: not kernelforge-gpt2 --model-dir %t/dropped --tokens 1 2>&1 | FileCheck %s --check-prefix=DROPPED
// RUN: %python %kf_py/make_checkpoint.py %t/other --embd 48
// RUN: mkdir -p %t/mismatch && cp %t/good/config.json %t/mismatch/ && cp %t/other/model.safetensors %t/mismatch/
// RUN: not kernelforge-gpt2 --model-dir %t/mismatch --tokens 1 2>&1 | FileCheck %s --check-prefix=MISMATCH
// RUN: %python %kf_py/make_checkpoint.py %t/relu --activation relu
// RUN: not kernelforge-gpt2 --model-dir %t/relu --tokens 1 2>&1 | FileCheck %s --check-prefix=ACTIVATION
//
// Prompts: too long, ids out of the vocabulary, invalid UTF-8, none.
// RUN: not kernelforge-gpt2 --model-dir %t/good --tokens 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33 2>&1 | FileCheck %s --check-prefix=LONG
// RUN: not kernelforge-gpt2 --model-dir %t/good --tokens 1,50 2>&1 | FileCheck %s --check-prefix=VOCAB
// RUN: printf 'caf\303' > %t/bad.txt
// RUN: not kernelforge-gpt2 --config %kf_src_root/models/gpt2/configs/gpt2.json --random-weights 0 --prompt-file %t/bad.txt 2>&1 | FileCheck %s --check-prefix=UTF8
// RUN: not kernelforge-gpt2 --model-dir %t/good 2>&1 | FileCheck %s --check-prefix=EMPTY
// RUN: not kernelforge-gpt2 --model-dir %t/good --prompt hi 2>&1 | FileCheck %s --check-prefix=NOTOKENIZER
// RUN: not kernelforge-gpt2 --config %t/good/config.json --tokens 1 2>&1 | FileCheck %s --check-prefix=NOWEIGHTS
// RUN: not kernelforge-gpt2 --model-dir %t/good --tokens 1 --top-p 0 2>&1 | FileCheck %s --check-prefix=SAMPLING
// RUN: not kernelforge-gpt2 --model-dir %t/good --tokens 1 --repeat 0 2>&1 | FileCheck %s --check-prefix=REPEAT

// MISSING: error: no model.safetensors in '{{.*}}missing' (use --random-weights SEED for random weights)
// TRUNCATED: error: {{.*}}truncated/model.safetensors: tensor '{{.*}}': bytes [{{[0-9]+}}, {{[0-9]+}}) lie outside the {{[0-9]+}}-byte data section (truncated file?)
// SHORT: error: {{.*}}short/model.safetensors: truncated: 3 bytes, shorter than the 8-byte header length
// CORRUPT: error: {{.*}}corrupt/model.safetensors: the header is not a JSON object: corrupt or not a safetensors file
// SHAPE: error: {{.*}}transposed/model.safetensors: tensor 'h.1.attn.c_attn.weight': expected shape [32, 96], found [96, 32]
// DROPPED: error: {{.*}}dropped/model.safetensors: no tensor 'h.1.ln_2.bias' (nor one ending in '.h.1.ln_2.bias'), which the model needs with shape [32]
// MISMATCH: error: {{.*}}mismatch/model.safetensors: tensor 'wte.weight': expected shape [50, 32], found [50, 48]
// ACTIVATION: error: {{.*}}relu/config.json: unsupported activation_function 'relu'
// LONG: error: the prompt has 33 tokens, more than n_positions 32
// VOCAB: error: token id 50 is outside the vocabulary [0, 50)
// UTF8: error: cannot encode the prompt: not valid UTF-8: truncated UTF-8 sequence at byte 3
// EMPTY: error: empty prompt: give --prompt TEXT or --tokens 1,2,3
// NOTOKENIZER: error: a text prompt needs a tokenizer
// NOWEIGHTS: error: --config needs --random-weights SEED (or use --model-dir)
// SAMPLING: error: expected --temperature >= 0, 0 < --top-p <= 1 and --top-k >= 0
// REPEAT: error: expected --repeat >= 1, got 0
