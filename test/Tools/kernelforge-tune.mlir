// kernelforge-tune measures a module's contractions once, keeps the winner
// in its JSON cache, and compiles consult that cache.
//
// First run: one distinct contraction, its candidates measured (the default
// first), the winner saved.
// RUN: rm -f %t.json %t.bad.json
// RUN: kernelforge-tune %s --tuning-cache %t.json --budget 120 --max-candidates 3 --min-time 0.01 2>&1 | FileCheck %s --check-prefix=FIRST
// FIRST: tuning cache {{.*}}.json (0 entries)
// FIRST: 0 distinct attention ops
// FIRST: 1 distinct contractions
// FIRST: [1/1] contraction 24x64x64 (0.2 MFLOP, 2 uses)
// FIRST: (default)
// FIRST: -> {{[0-9]+}}x{{[0-9]+}} k{{[0-9]+}} t{{[0-9]+}}
// FIRST: 1 measured, 0 from the cache, 0 failed
//
// Second run: nothing measured.
// RUN: kernelforge-tune %s --tuning-cache %t.json 2>&1 | FileCheck %s --check-prefix=SECOND
// SECOND: [1/1] contraction 24x64x64 {{.*}}: cached
// SECOND-NOT: (default)
// SECOND: 0 measured, 1 from the cache, 0 failed
//
// The file is the documented format, keyed by compiler, CPU and problem.
// RUN: FileCheck %s --check-prefix=FILE < %t.json
// FILE: "entries": {
// FILE: "kernelforge-{{[0-9.]+}}+llvm-{{[0-9.]+}}|{{[a-z0-9-]+}}:{{[0-9]+}}b:{{[0-9]+}}r:{{(no)?}}fma|contraction|24x64x64;(d0, d1, d2) -> (d0, d2),(d0, d1, d2) -> (d2, d1),(d0, d1, d2) -> (d0, d1);f32,f32->f32": {
// FILE: "register_tile": [
// FILE: "format": "kernelforge-tuning-1"
//
// A planted entry that beat the default (2 x 16 tiles, k 16; 16 columns are
// whole vectors on every target; weights read in place, prefetched 2 steps
// ahead) is what the compile then uses, and the module says so.
// RUN: %python -c "import json,sys; p=sys.argv[1]; d=json.load(open(p)); [e.update(register_tile=[2,16], k_tile=16, thread_tile=8, pack_weights=False, columns_outer=False, prefetch_distance=2, ms=0.5, default_ms=1.0) for e in d['entries'].values()]; json.dump(d, open(p,'w'))" %t.json
// RUN: kernelforge-opt %s --kf-cpu-pipeline="stop-after=vector tuning-cache=%t.json" | FileCheck %s --check-prefix=APPLIED
// APPLIED: kf.tuning = {applied = 2 : i64, cache = "{{.*}}.json", contractions = 2 : i64, used = {"contraction|24x64x64;{{.*}};f32,f32->f32" = "2x16 k16 t8 pf2"}}
// APPLIED: kf.schedule = {k_tile = 16 : i64, prefetch_distance = 2 : i64, register_tile = array<i64: 2, 16>
// APPLIED: vector.contract {{.*}} into vector<2x16xf32>
// An entry where the target's default won: counted as measured, but the op
// keeps the default (no kf.schedule of its own).
// RUN: %python -c "import json,sys; p=sys.argv[1]; d=json.load(open(p)); [e.update(ms=1.0, default_ms=1.0) for e in d['entries'].values()]; json.dump(d, open(sys.argv[2],'w'))" %t.json %t.default.json
// RUN: kernelforge-opt %s --kf-cpu-pipeline="stop-after=vector tuning-cache=%t.default.json" | FileCheck %s --check-prefix=DEFAULT-WON
// DEFAULT-WON: kf.tuning = {applied = 2 : i64, {{.*}}used = {"contraction|24x64x64;{{.*}}" = "target default"}}
// DEFAULT-WON-NOT: register_tile = array<i64: 2, 16>
// RUN: kernelforge-compile %s --pipeline-options="tuning-cache=%t.json" -o %t.tuned.so 2>&1 | FileCheck %s --check-prefix=SAYS
// SAYS: kernelforge-compile: 2 of 2 contractions use measured schedules from {{.*}}.json
// RUN: %check %t.tuned.so --entry twice --expect "ref.linear(ref.linear(x0, x1), x2)" --atol 1e-4
//
// A corrupt cache: one warning, the target's default schedule, a correct
// result.
// RUN: echo "{ not json" > %t.bad.json
// RUN: kernelforge-opt %s --kf-cpu-pipeline="stop-after=vector tuning-cache=%t.bad.json" 2>&1 | FileCheck %s --check-prefix=CORRUPT
// CORRUPT: warning: tuning cache {{.*}}.bad.json is not valid JSON
// CORRUPT-NOT: warning:
// CORRUPT: kf.tuning = {applied = 0 : i64
// RUN: kernelforge-compile %s --pipeline-options="tuning-cache=%t.bad.json" -o %t.bad.so 2>&1 | FileCheck %s --check-prefix=CORRUPT-COMPILE
// CORRUPT-COMPILE-COUNT-1: warning: tuning cache
// RUN: %check %t.bad.so --entry twice --expect "ref.linear(ref.linear(x0, x1), x2)" --atol 1e-4
//
// An entry with impossible tiles: a warning naming it, the default.
// RUN: %python -c "import json,sys; p=sys.argv[1]; d=json.load(open(p)); [e.update(register_tile=[0,-8]) for e in d['entries'].values()]; json.dump(d, open(p,'w'))" %t.json
// RUN: kernelforge-opt %s --kf-cpu-pipeline="stop-after=vector tuning-cache=%t.json" 2>&1 | FileCheck %s --check-prefix=BADENTRY
// BADENTRY: warning: tuning cache {{.*}}: entry '{{.*}}' has tile sizes out of range; using the target's default
// BADENTRY-NOT: warning:
// BADENTRY: kf.tuning = {applied = 0 : i64
//
// A model: the GPT-2 generation graphs of a config (prefill bucket 16 and
// decode: two attention problems, then the products), then kernelforge-gpt2
// compiling with that cache says it used it for every product and
// attention.
// RUN: rm -f %t.model.json
// RUN: kernelforge-tune --config %kf_src_root/models/gpt2/configs/makemore-names.json --seq-lens 16 --tuning-cache %t.model.json --max-candidates 2 --min-time 0.005 2>&1 | FileCheck %s --check-prefix=MODEL
// MODEL: 2 distinct attention ops
// MODEL: [[N:[0-9]+]] distinct contractions
// MODEL: {{[0-9]+}} measured, 0 from the cache, 0 failed
// RUN: kernelforge-gpt2 --config %kf_src_root/models/gpt2/configs/makemore-names.json --random-weights 0 --tokens 1,2,3 --prefill-bucket 16 -n 2 --pipeline-options "tuning-cache=%t.model.json" 2>&1 | FileCheck %s --check-prefix=GPT2
// GPT2: tuning: [[M:[0-9]+]] of [[M]] contractions and 2 of 2 attention ops use measured schedules from {{.*}}model.json
// The LLaMA family through the same options, with the KV cache in bf16
// (stories260K, shipped in the repository): a prompt length is tuned as the
// runners' prefill bucket, and kernelforge-generate says it used the cache.
// RUN: rm -f %t.llama.json
// RUN: kernelforge-tune --model-dir %kf_src_root/models/llama/stories260K --seq-lens 10 --kv-dtype bf16 --tuning-cache %t.llama.json --max-candidates 2 --min-time 0.005 2>&1 | FileCheck %s --check-prefix=LLAMA
// LLAMA: prompts of 10 tokens run in the 16-token prefill graph; tuning that
// LLAMA: 2 distinct attention ops
// LLAMA: [1/2] attention q1x8x16x8xf32;k1x4x512x8xbf16;v1x4x512x8xbf16;causal;offset
// LLAMA: [2/2] attention q1x8x1x8xf32;k1x4x512x8xbf16;v1x4x512x8xbf16;causal;offset
// LLAMA: {{[0-9]+}} measured, 0 from the cache, 0 failed
// RUN: kernelforge-generate --model-dir %kf_src_root/models/llama/stories260K --tokens 1,2,3 --prefill-bucket 16 -n 2 --kv-dtype bf16 --pipeline-options "tuning-cache=%t.llama.json" --cache-dir %t.generate-cache 2>&1 | FileCheck %s --check-prefix=GENERATE
// GENERATE: tuning: [[L:[0-9]+]] of [[L]] contractions and 2 of 2 attention ops use measured schedules from {{.*}}llama.json
// RUN: not kernelforge-tune --model-dir %kf_src_root/models/llama/stories260K --kv-dtype f64 2>&1 | FileCheck %s --check-prefix=KVDTYPE
// KVDTYPE: error: --kv-dtype expects f32, bf16 or f16, got 'f64'
// RUN: not kernelforge-tune --config %kf_src_root/models/gpt2/configs/makemore-names.json --seq-lens 5000 2>&1 | FileCheck %s --check-prefix=BUCKET
// BUCKET: error: --seq-lens 5000 is not in 1..{{[0-9]+}} (the positions of {{.*}}makemore-names.json)
// RUN: not kernelforge-tune --config %kf_src_root/models/gpt2/configs/makemore-names.json --dtype f64 2>&1 | FileCheck %s --check-prefix=DTYPE
// DTYPE: error: --dtype f64 is not one of f32, f16, bf16, int8
//
// Bad command lines.
// RUN: not kernelforge-tune 2>&1 | FileCheck %s --check-prefix=NOINPUT
// NOINPUT: error: give one of <input.mlir>, --model-dir or --config
// RUN: not kernelforge-tune --config %t.missing.json 2>&1 | FileCheck %s --check-prefix=NOCONFIG
// NOCONFIG: error: {{.*}}missing.json

func.func @twice(%x: tensor<1x24x64xf32>, %w: tensor<64x64xf32>, %w2: tensor<64x64xf32>) -> tensor<1x24x64xf32> {
  %h = kf.linear %x, %w layout(in_out) : tensor<1x24x64xf32>, tensor<64x64xf32> -> tensor<1x24x64xf32>
  %y = kf.linear %h, %w2 layout(in_out) : tensor<1x24x64xf32>, tensor<64x64xf32> -> tensor<1x24x64xf32>
  return %y : tensor<1x24x64xf32>
}
