// kernelforge-bench's report: a real run of two small kernels writes the
// documented fields (error against float64 included); --baseline flags a
// planted 20% slowdown and passes an unchanged report.
// RUN: kernelforge-bench --seq-lens 8 --kernels layer_norm,softmax --min-time 0.01 --json %t.json | FileCheck %s --check-prefix=RAN
// RUN: FileCheck %s --check-prefix=REPORT < %t.json
// RUN: kernelforge-bench --compare %t.json --baseline %t.json | FileCheck %s --check-prefix=SAME
// RUN: %python -c "import json,sys; d=json.load(open(sys.argv[1])); d['results'][0]['ms'] *= 1.2; json.dump(d, open(sys.argv[2],'w'))" %t.json %t.slow.json
// RUN: not kernelforge-bench --compare %t.slow.json --baseline %t.json | FileCheck %s --check-prefix=SLOW
// RUN: kernelforge-bench --compare %t.slow.json --baseline %t.json --threshold 0.25 | FileCheck %s --check-prefix=TOLERATED
// RUN: echo "[1, 2" > %t.bad.json
// RUN: not kernelforge-bench --compare %t.json --baseline %t.bad.json 2>&1 | FileCheck %s --check-prefix=BAD
// RUN: not kernelforge-bench --kernels nosuch 2>&1 | FileCheck %s --check-prefix=UNKNOWN
// RUN: kernelforge-bench --seq-lens 8 --kernels attn_proj --weights-from-memory --min-time 0.01 --json %t.mem.json | FileCheck %s --check-prefix=MEMORY
// RUN: FileCheck %s --check-prefix=MEMORY-REPORT < %t.mem.json
// RUN: kernelforge-bench --seq-lens 1 --kernels attn_proj --weights-in-cache --min-time 0.01 --json %t.cache.json | FileCheck %s --check-prefix=CACHE
// RUN: FileCheck %s --check-prefix=CACHE-REPORT < %t.cache.json
// RUN: not kernelforge-bench --weights-in-cache --weights-from-memory 2>&1 | FileCheck %s --check-prefix=BOTH
// RUN: kernelforge-bench --seq-lens 1 --kernels attn_proj,lm_head --dtype int8 --min-time 0.01 --json %t.int8.json | FileCheck %s --check-prefix=INT8
// RUN: FileCheck %s --check-prefix=INT8-REPORT < %t.int8.json
// RUN: not kernelforge-bench --dtype int4 2>&1 | FileCheck %s --check-prefix=BAD-DTYPE
// RUN: kernelforge-bench --seq-lens 40 --kernels mlp_down --layout out_in --dtype bf16 --min-time 0.01 --json %t.oi.json | FileCheck %s --check-prefix=OUT-IN
// RUN: FileCheck %s --check-prefix=OUT-IN-REPORT < %t.oi.json
// RUN: not kernelforge-bench --layout in 2>&1 | FileCheck %s --check-prefix=BAD-LAYOUT
// RUN: kernelforge-bench --seq-lens 96 --kernels attn_proj --min-time 0.01 | FileCheck %s --check-prefix=PAGED
// RUN: kernelforge-bench --seq-lens 1 --kernels attention --kv-dtype bf16 --decode-context 300 --min-time 0.01 --json %t.kv.json | FileCheck %s --check-prefix=DECODE-ATTENTION
// RUN: FileCheck %s --check-prefix=DECODE-ATTENTION-REPORT < %t.kv.json
// RUN: not kernelforge-bench --kv-dtype i8 2>&1 | FileCheck %s --check-prefix=BAD-KV
// RUN: not kernelforge-bench --decode-context 1025 2>&1 | FileCheck %s --check-prefix=BAD-CONTEXT
// RUN: not kernelforge-bench --seq-lens 0 --kernels qkv 2>&1 | FileCheck %s --check-prefix=BAD-SEQ0
// RUN: not kernelforge-bench --seq-lens 64,1025 --kernels attention 2>&1 | FileCheck %s --check-prefix=BAD-SEQ
// RUN: kernelforge-bench --seq-lens 1 --kernels linear --products 64x96 --dtype bf16 --layout out_in --min-time 0.01 --json %t.products.json | FileCheck %s --check-prefix=PRODUCTS
// RUN: FileCheck %s --check-prefix=PRODUCTS-REPORT < %t.products.json
// RUN: not kernelforge-bench --products 64 2>&1 | FileCheck %s --check-prefix=BAD-PRODUCTS
// RUN: not kernelforge-bench --products 48x64 --dtype int8 2>&1 | FileCheck %s --check-prefix=BAD-BLOCKS

// The OpenBLAS kernels the ratios are against (its choice for this CPU).
// RAN: OpenBLAS kernels: {{[A-Za-z0-9_]+}} (OPENBLAS_CORETYPE selects others)
// RAN: layer_norm 8
// RAN: softmax 8
// REPORT: "cores":
// REPORT: "cpu":
// REPORT: "openblas_core": "{{.+}}"
// REPORT: "max_abs_error":
// REPORT: "min_ms":
// REPORT: "ms":
// REPORT: "rel_error":
// REPORT: "schedule": "{attention_tiles
// REPORT: "target": "{{.}}{{(bf16_dot = true, )?}}caches
// REPORT: "tuning":
// SAME: 0 regressions beyond 10%
// SLOW: layer_norm @T=8 {{.*}} 20.0%  REGRESSION
// SLOW: 1 regression beyond 10%
// TOLERATED: 0 regressions beyond 25%
// BAD: error: {{.*}}.bad.json is not valid JSON
// UNKNOWN: error: unknown kernel 'nosuch' in --kernels
// A product of 8 rows with its weights streamed from copies in memory, as in
// a model, checked against the reference like any other.
// MEMORY: memory read bandwidth: {{[0-9.]+}} GB/s
// MEMORY: attn_proj 768x768 8
// MEMORY-REPORT: "fraction_of_memory_bandwidth":
// OpenBLAS's sgemm ran on the same problem in turns with it, five at least.
// MEMORY-REPORT: "openblas_gflops": {{[0-9.e+]+}},
// MEMORY-REPORT: "paired_turns": {{([5-9]|[1-9][0-9]+)}},
// MEMORY-REPORT: "ratio_vs_openblas": {{[0-9.e+-]+}},
// MEMORY-REPORT: "rel_error": {{[0-9.e-]+}},
// MEMORY-REPORT: "weights_from_memory": true
// A one-row product with its weights in cache: no bandwidth to compare with.
// CACHE-NOT: memory read bandwidth
// CACHE: attn_proj 768x768 1
// CACHE-REPORT: "weights_from_memory": false
// BOTH: error: --weights-in-cache and --weights-from-memory contradict each other
// int8 weights in blocks of 32 with their scales (both streamed from
// memory), in GPT-2's [k, n] layout and the tied head's [n, k], checked
// against the dequantised weights.
// INT8: attn_proj 768x768 1
// INT8: lm_head 768x50257 1
// INT8-REPORT: "weights": "int8"
// INT8-REPORT: "weights_from_memory": true
// BAD-DTYPE: error: --dtype expects f32, bf16, f16 or int8, got 'int4'
// The block's products with nn.Linear's [out, in] weights (the LLaMA
// family's layout): 40 rows, packed into panels by transposing copies,
// checked against float64 like the rest.
// OUT-IN: mlp_down 3072x768 40
// OUT-IN-REPORT: "layout": "out_in"
// OUT-IN-REPORT: "weights": "bf16"
// BAD-LAYOUT: error: --layout expects in_out or out_in, got 'in'
// 96 rows: input, weight and output (288 KiB) all laid out on the pages the
// runner uses, the output copied back and checked against float64.
// PAGED: attn_proj 768x768 96
// Decode attention: one query at position 299 of a bf16 KV cache of 1024
// rows per head, streamed from memory, checked against float64 attention
// over the rounded keys and values up to that position.
// DECODE-ATTENTION: memory read bandwidth
// DECODE-ATTENTION: attention 1
// DECODE-ATTENTION-REPORT: "context": 300
// DECODE-ATTENTION-REPORT: "fraction_of_memory_bandwidth":
// DECODE-ATTENTION-REPORT: "kv_dtype": "bf16"
// DECODE-ATTENTION-REPORT: "weights": "-"
// DECODE-ATTENTION-REPORT: "weights_from_memory": true
// BAD-KV: error: --kv-dtype expects f32, bf16 or f16, got 'i8'
// BAD-CONTEXT: error: --decode-context must be in 1..1024, got 1025
// BAD-SEQ0: error: --seq-lens takes token counts in 1..1024 (GPT-2's positions), got 0
// BAD-SEQ: error: --seq-lens takes token counts in 1..1024 (GPT-2's positions), got 1025
// Products of another model's shapes (--products IN x OUT), with the block's
// --dtype and --layout, checked against float64 like the rest.
// PRODUCTS: linear 64x96 1
// PRODUCTS-REPORT: "kernel": "linear 64x96"
// PRODUCTS-REPORT: "layout": "out_in"
// PRODUCTS-REPORT: "weights": "bf16"
// BAD-PRODUCTS: error: --products expects INxOUT with positive sizes (e.g. 1024x2816), got '64'
// BAD-BLOCKS: error: --products 48x64: int8 weights need IN to be a multiple of the block (32)
