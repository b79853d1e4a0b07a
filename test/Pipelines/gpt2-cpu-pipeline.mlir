// The GPT-2 graph (makemore config) through the conversion and the whole
// CPU pipeline.
// RUN: kernelforge-opt %kf_src_root/models/gpt2/gpt2-makemore.mlir --convert-kf-to-linalg | FileCheck %s --check-prefix=LINALG
// RUN: kernelforge-opt %kf_src_root/models/gpt2/gpt2-makemore.mlir --kf-cpu-pipeline | FileCheck %s --check-prefix=LLVM

// After the conversion only linalg, tensor, arith, math, scf (the fused
// attention's key loop) and cf (range checks) remain, besides func.
// LINALG-NOT: {{^ *(%[^ ]+ = )?"?(kf|memref|vector|llvm|omp|affine)\.}}
// LINALG-LABEL: func.func private @gpt2_block
// LINALG: linalg.generic {indexing_maps = [#{{.+}}, #{{.+}}, #{{.+}}], iterator_types = ["parallel", "parallel", "reduction"]}
// LINALG: scf.for
// LINALG: linalg.generic
// LINALG-LABEL: func.func @gpt2
// LINALG: cf.assert
// LINALG: call @gpt2_block
// LINALG-NOT: {{^ *(%[^ ]+ = )?"?(kf|memref|vector|llvm|omp|affine)\.}}

// LLVM-DAG: llvm.func @gpt2_block
// LLVM-DAG: llvm.func @gpt2
// LLVM-DAG: omp.parallel
// LLVM-DAG: llvm.intr.fma
// LLVM-NOT: func.func
