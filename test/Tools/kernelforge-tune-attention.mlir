// kernelforge-tune measures a fused attention's query block and key tile,
// keeps the winner in its JSON cache, and compiles lower the attention with
// it.
//
// First run: two distinct attention ops (a block of queries and a decode
// step), candidates measured (the default first), winners saved; the
// products inside the fused loop are measured as part of it, not as
// contractions of their own.
// RUN: rm -f %t.json
// RUN: kernelforge-tune %s --tuning-cache %t.json --budget 120 --max-candidates 3 --min-time 0.01 2>&1 | FileCheck %s --check-prefix=FIRST
// FIRST: tuning cache {{.*}}.json (0 entries)
// FIRST: 2 distinct attention ops
// FIRST: [1/2] attention q1x4x96x32xf32;k1x2x160x32xf32;v1x2x160x32xf32;causal;offset (
// FIRST: (default)
// FIRST: -> q{{[0-9]+}} k{{[0-9]+}}:
// FIRST: [2/2] attention q1x4x1x32xf32;k1x2x160x32xbf16;v1x2x160x32xbf16;causal;offset;window=64 (
// FIRST: -> q1 k{{[0-9]+}}:
// FIRST: 0 distinct contractions
// FIRST: 2 measured, 0 from the cache, 0 failed
//
// Second run: nothing measured.
// RUN: kernelforge-tune %s --tuning-cache %t.json 2>&1 | FileCheck %s --check-prefix=SECOND
// SECOND: [1/2] attention {{.*}}: cached q{{[0-9]+}} k{{[0-9]+}}
// SECOND-NOT: (default)
// SECOND: 0 measured, 2 from the cache, 0 failed
//
// The entries are keyed by compiler, CPU, op kind and problem.
// RUN: FileCheck %s --check-prefix=FILE < %t.json
// FILE: "kernelforge-{{[0-9.]+}}+llvm-{{[0-9.]+}}|{{[a-z0-9-]+}}:{{[0-9]+}}b:{{[0-9]+}}r:{{(no)?}}fma|attention|q1x4x1x32xf32;k1x2x160x32xbf16;v1x2x160x32xbf16;causal;offset;window=64": {
// FILE-NEXT: "attention_tiles": [
//
// Planted winners (query blocks of 16, key tiles of 32; 40 for the decode
// step, whose 160 keys it divides) are what the lowering uses, and the
// module and kernelforge-compile say so; the results stay exact.
// RUN: %python -c "import json,sys; p=sys.argv[1]; d=json.load(open(p)); [e.update(attention_tiles=[1 if 'x1x32' in k else 16, 40 if 'x1x32' in k else 32], ms=0.5, default_ms=1.0) for k, e in d['entries'].items()]; json.dump(d, open(p,'w'))" %t.json
// RUN: kernelforge-opt %s --kf-cpu-pipeline="stop-after=linalg tuning-cache=%t.json" | FileCheck %s --check-prefix=APPLIED
// APPLIED: kf.tuning = {attention = 2 : i64, attention_applied = 2 : i64, cache = "{{.*}}.json", used = {"attention|q1x4x1x32xf32;{{.*}};window=64" = "q1 k40", "attention|q1x4x96x32xf32;{{.*}};causal;offset" = "q16 k32"}}
// APPLIED-LABEL: func.func @block
// APPLIED: scf.forall ({{.*}}) = (0, 0) to (4, 96) step (1, 16)
// APPLIED: scf.for {{.*}} step %c32
// APPLIED-LABEL: func.func @step
// APPLIED: scf.for {{.*}} step %c40
// RUN: kernelforge-compile %s --pipeline-options="tuning-cache=%t.json" -o %t.tuned.so 2>&1 | FileCheck %s --check-prefix=SAYS
// SAYS: kernelforge-compile: 2 of 2 attention ops use measured schedules from {{.*}}.json
// RUN: %check %t.tuned.so --entry block --scalar 40 --expect "ref.attention(x0, x1, x2, causal=True, offset=40)" --atol 1e-5
// RUN: %check %t.tuned.so --entry step --scalar 100 --expect "ref.attention(x0, x1, x2, causal=True, offset=100, window=64)" --atol 1e-5
//
// The conversion's explicit tiles win over the op's own (the key tile
// stays the op's).
// RUN: kernelforge-opt %s --kf-cpu-target --kf-apply-tuning="cache=%t.json" --convert-kf-to-linalg="query-tile=48" | FileCheck %s --check-prefix=EXPLICIT
// EXPLICIT-LABEL: func.func @block
// EXPLICIT: scf.forall ({{.*}}) = (0, 0, 0) to (1, 4, 96) step (1, 1, 48)
// EXPLICIT: scf.for {{.*}} step %c32
//
// An attention entry without tiles, or with impossible ones: one warning
// naming it, the target's tiles.
// RUN: %python -c "import json,sys; p=sys.argv[1]; d=json.load(open(p)); [e.pop('attention_tiles') for e in d['entries'].values()]; json.dump(d, open(sys.argv[2],'w'))" %t.json %t.notiles.json
// RUN: kernelforge-opt %s --kf-cpu-pipeline="stop-after=vector tuning-cache=%t.notiles.json" 2>&1 | FileCheck %s --check-prefix=NOTILES
// NOTILES: warning: tuning cache {{.*}}.notiles.json: entry '{{.*}}|attention|{{.*}}' has no attention_tiles [queries, keys]; using the target's default
// NOTILES-NOT: warning:
// NOTILES: kf.tuning = {attention = 2 : i64, attention_applied = 0 : i64, cache = "{{.*}}.notiles.json", warned}
// RUN: %python -c "import json,sys; p=sys.argv[1]; d=json.load(open(p)); [e.update(attention_tiles=[0, 64]) for e in d['entries'].values()]; json.dump(d, open(sys.argv[2],'w'))" %t.json %t.zero.json
// RUN: kernelforge-compile %s --pipeline-options="tuning-cache=%t.zero.json" -o %t.zero.so 2>&1 | FileCheck %s --check-prefix=ZERO
// ZERO-COUNT-1: warning: tuning cache {{.*}}.zero.json: entry '{{.*}}' has tile sizes out of range; using the target's default
// ZERO-NOT: warning
// RUN: %check %t.zero.so --entry block --scalar 40 --expect "ref.attention(x0, x1, x2, causal=True, offset=40)" --atol 1e-5

func.func @block(%q: tensor<1x4x96x32xf32>, %k: tensor<1x2x160x32xf32>, %v: tensor<1x2x160x32xf32>, %pos: index) -> tensor<1x4x96x32xf32> {
  %o = kf.attention %q, %k, %v causal offset(%pos) : tensor<1x4x96x32xf32>, tensor<1x2x160x32xf32>, tensor<1x2x160x32xf32> -> tensor<1x4x96x32xf32>
  return %o : tensor<1x4x96x32xf32>
}

func.func @step(%q: tensor<1x4x1x32xf32>, %k: tensor<1x2x160x32xbf16>, %v: tensor<1x2x160x32xbf16>, %pos: index) -> tensor<1x4x1x32xf32> {
  %o = kf.attention %q, %k, %v causal offset(%pos) {window = 64 : i64} : tensor<1x4x1x32xf32>, tensor<1x2x160x32xbf16>, tensor<1x2x160x32xbf16> -> tensor<1x4x1x32xf32>
  return %o : tensor<1x4x1x32xf32>
}
