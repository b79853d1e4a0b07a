// Bad configs and options are rejected with a message naming the file and key.
// RUN: not kernelforge-gpt2-graph %S/Inputs/missing-n-embd.json 2>&1 | FileCheck %s --check-prefix=MISSING
// MISSING: error: {{.*}}missing-n-embd.json: missing key 'n_embd'
// RUN: not kernelforge-gpt2-graph %S/Inputs/heads-not-dividing.json 2>&1 | FileCheck %s --check-prefix=HEADS
// HEADS: error: {{.*}}heads-not-dividing.json: n_embd 770 is not divisible by n_head 12
// RUN: not kernelforge-gpt2-graph %S/Inputs/relu.json 2>&1 | FileCheck %s --check-prefix=ACT
// ACT: error: {{.*}}relu.json: unsupported activation_function 'relu' (expected gelu_new, gelu_pytorch_tanh or gelu)
// RUN: not kernelforge-gpt2-graph %S/Inputs/negative-layers.json 2>&1 | FileCheck %s --check-prefix=NEG
// NEG: error: {{.*}}negative-layers.json: expected 'n_layer' to be a positive integer
// RUN: not kernelforge-gpt2-graph %S/Inputs/not-json.json 2>&1 | FileCheck %s --check-prefix=JSON
// JSON: error: {{.*}}not-json.json: invalid JSON
// RUN: not kernelforge-gpt2-graph %S/Inputs/llama.json 2>&1 | FileCheck %s --check-prefix=TYPE
// TYPE: error: {{.*}}llama.json: expected model_type 'gpt2', got 'llama'
// RUN: not kernelforge-gpt2-graph %S/Inputs/does-not-exist.json 2>&1 | FileCheck %s --check-prefix=NOFILE
// NOFILE: error: {{.*}}does-not-exist.json: cannot read: No such file or directory
// RUN: not kernelforge-gpt2-graph %kf_src_root/models/gpt2/configs/makemore-names.json --seq 17 2>&1 | FileCheck %s --check-prefix=SEQ
// SEQ: error: expected batch > 0 and 0 < sequence length <= n_positions (16), got batch 1 and sequence length 17
// Found by fuzz/config under UBSan: a size that parses as the double 2^63
// was converted to int64_t (undefined behaviour); a number JSON reads as
// infinity was taken as an epsilon.
// RUN: not kernelforge-gpt2-graph %S/Inputs/vocab-past-int64.json 2>&1 | FileCheck %s --check-prefix=INT64
// INT64: error: {{.*}}vocab-past-int64.json: expected 'vocab_size' to be a positive integer
// RUN: not kernelforge-gpt2-graph %S/Inputs/infinite-epsilon.json 2>&1 | FileCheck %s --check-prefix=INF
// INF: error: {{.*}}infinite-epsilon.json: expected 'layer_norm_epsilon' to be a positive finite number
