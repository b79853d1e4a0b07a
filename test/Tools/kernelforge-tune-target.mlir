// kernelforge-tune --mcpu / --mattr tunes the code of another CPU than this
// one (x86-64-v3's, a portable AVX2 build's, here on whatever x86 host runs
// AVX2): its candidates are that target's schedules, compiled for it and
// timed here; its entries are keyed by that target and used by compiles for
// it only. A target this machine cannot run is refused before anything is
// measured.
//
// REQUIRES: x86-avx2
//
// RUN: rm -f %t.json
// RUN: kernelforge-tune %s --mcpu x86-64-v3 --tuning-cache %t.json --max-candidates 3 --min-time 0.005 2>&1 | FileCheck %s --check-prefix=TUNE
// TUNE: tuning code for x86-64-v3, timed on this machine
// TUNE: [1/1] contraction 24x64x64 (0.2 MFLOP, 2 uses)
// The default is AVX2's 6 x 16 tile (two 8-float vectors), whatever the host.
// TUNE-NEXT: 6x16 k{{[0-9]+}} t{{[0-9]+}} {{.*}}(default)
// TUNE: 1 measured, 0 from the cache, 0 failed
//
// RUN: %python -c "import json,sys; [print(k.split('|')[1]) for k in json.load(open(sys.argv[1]))['entries']]" %t.json | FileCheck %s --check-prefix=KEY
// KEY: x86-64-v3:256b:16r:fma
//
// A planted winner (2 x 16 tiles, k 16) is used by a compile for x86-64-v3
// and not by one for the host; the x86-64-v3 library computes the right
// result with it.
// RUN: %python -c "import json,sys; p=sys.argv[1]; d=json.load(open(p)); [e.update(register_tile=[2,16], k_tile=16, thread_tile=8, pack_weights=False, columns_outer=False, ms=0.5, default_ms=1.0) for e in d['entries'].values()]; json.dump(d, open(p,'w'))" %t.json
// RUN: kernelforge-opt %s --kf-cpu-pipeline="target-cpu=x86-64-v3 stop-after=vector tuning-cache=%t.json" | FileCheck %s --check-prefix=APPLIED
// APPLIED: kf.tuning = {applied = 2 : i64, {{.*}}used = {"contraction|24x64x64;{{.*}}" = "2x16 k16 t8"}}
// APPLIED: vector.contract {{.*}} into vector<2x16xf32>
// RUN: kernelforge-opt %s --kf-cpu-pipeline="stop-after=vector tuning-cache=%t.json" | FileCheck %s --check-prefix=HOST
// HOST: kf.tuning = {applied = 0 : i64
// RUN: kernelforge-compile %s --mcpu x86-64-v3 --pipeline-options="tuning-cache=%t.json" -o %t.so 2>&1 | FileCheck %s --check-prefix=SAYS
// SAYS: kernelforge-compile: 2 of 2 contractions use measured schedules from {{.*}}.json
// RUN: %check %t.so --entry twice --expect "ref.linear(ref.linear(x0, x1), x2)" --atol 1e-4
//
// Targets this machine cannot time: one with an instruction set it lacks
// (no x86 CPU has both AMD's SSE4a and Intel's AMX), an unknown CPU.
// RUN: rm -f %t.refused.json
// RUN: not kernelforge-tune %s --mattr=+sse4a,+amx-tile --tuning-cache %t.refused.json 2>&1 | FileCheck %s --check-prefix=LACKS
// LACKS: error: cannot time {{.*}} (+sse4a,+amx-tile) code on this machine: this CPU lacks {{.*}}{{amx-tile|sse4a}}
// LACKS-NOT: contraction
// RUN: not test -e %t.refused.json
// RUN: not kernelforge-tune %s --mcpu nosuchcpu 2>&1 | FileCheck %s --check-prefix=UNKNOWN
// UNKNOWN: error: unknown target CPU 'nosuchcpu'

func.func @twice(%x: tensor<1x24x64xf32>, %w: tensor<64x64xf32>, %w2: tensor<64x64xf32>) -> tensor<1x24x64xf32> {
  %h = kf.linear %x, %w layout(in_out) : tensor<1x24x64xf32>, tensor<64x64xf32> -> tensor<1x24x64xf32>
  %y = kf.linear %h, %w2 layout(in_out) : tensor<1x24x64xf32>, tensor<64x64xf32> -> tensor<1x24x64xf32>
  return %y : tensor<1x24x64xf32>
}
