// REQUIRES: shared-models, x86-avx2
// AVX2 code (znver3's schedule and instructions), run on whatever x86 host
// runs the tests: the makemore model with 16-bit weights and KV cache
// against the float64 reference (weights, keys and values rounded the same
// way). Without bf16 instructions, LLVM had lowered the KV cache's rounding
// to bf16 to a compiler-rt call the library could not resolve, and the
// one-row bf16 products took a 96-column register tile that LLVM
// scalarised.
// RUN: %python %kf_py/check_gpt2.py --runner kernelforge-gpt2 --model-dir %shared/models/makemore-names --tokens 0,13,1,18 -n 12 --dtype bf16 --kv-dtype bf16 --pipeline-options target-cpu=znver3 | FileCheck %s
// RUN: %python %kf_py/check_gpt2.py --runner kernelforge-gpt2 --model-dir %shared/models/makemore-names --tokens 0,13,1,18 -n 12 --dtype int8 --kv-dtype f16 --pipeline-options target-cpu=znver3 | FileCheck %s
// CHECK: prefill {{.*}}: ok
// CHECK: decode {{.*}}: ok
