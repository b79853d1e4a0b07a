// REQUIRES: x86-avx2
// attention.mlir's prefill entries compiled as AVX2 code (znver3's schedule:
// 6 x 16 register tiles, so a block of 64 queries is 10 tiles of 6 and one
// of 4, all reading the transposed key tile), run on whatever x86 host runs
// the tests, against the same float64 reference.
// RUN: kernelforge-compile %S/attention.mlir -o %t.so --mcpu=znver3 --pipeline-options="target-cpu=znver3"
// RUN: %check %t.so --entry causal_wide --expect "ref.attention(x0, x1, x2, causal=True)"
// RUN: %check %t.so --entry grouped_bf16_prefill --expect "ref.attention(x0, x1, x2, causal=True)"
// RUN: %check %t.so --entry causal_blocks --expect "ref.attention(x0, x1, x2, causal=True)"
// RUN: %check %t.so --entry windowed --expect "ref.attention(x0, x1, x2, causal=True, window=7, softcap=2.0)"
// RUN: %check %t.so --entry grouped_f16_cache --expect "ref.attention(x0, x1, x2, causal=True)"
