// REQUIRES: x86-avx2
// weight-storage.mlir's decode products against 16-bit [n, k] rows
// compiled as AVX2 code (znver3's schedule: rows streamed 32 lanes a step,
// the rows 12 KiB below prefetched into L2), run on whatever x86 host runs
// the tests, against the same float64 reference.
// RUN: kernelforge-compile %S/weight-storage.mlir -o %t.so --mcpu=znver3 --pipeline-options="target-cpu=znver3"
// RUN: %check %t.so --entry bf16_out_in_streamed --expect "ref.linear(x0, x1, layout='out_in')" --atol 1e-4
// RUN: %check %t.so --entry f16_out_in_streamed --expect "ref.linear(x0, x1, layout='out_in')" --atol 1e-4
// RUN: %check %t.so --entry bf16_out_in_vector --expect "ref.linear(x0, x1, layout='out_in')" --atol 1e-4
