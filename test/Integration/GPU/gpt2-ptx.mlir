// REQUIRES: ptxas
// Every kernel of the GPT-2 graph (makemore config) compiles to PTX that
// ptxas assembles for sm_80 and sm_90, and the row-reduction kernels (warp
// shuffles) do not spill to local memory. Runs without a GPU.
// RUN: kernelforge-compile %kf_src_root/models/gpt2/gpt2-makemore.mlir --target=cuda --emit=ptx -o %t.sm90.ptx
// RUN: %python %kf_py/ptxas_check.py %t.sm90.ptx --arch sm_90 --ptxas %ptxas --no-spills-in-reductions | FileCheck %s
// RUN: kernelforge-compile %kf_src_root/models/gpt2/gpt2-makemore.mlir --target=cuda --emit=ptx --pipeline-options="chip=sm_80 features=+ptx70" -o %t.sm80.ptx
// RUN: %python %kf_py/ptxas_check.py %t.sm80.ptx --arch sm_80 --ptxas %ptxas --no-spills-in-reductions | FileCheck %s
// The GPT-2 124M graph too.
// RUN: kernelforge-gpt2-graph %kf_src_root/models/gpt2/configs/gpt2.json --seq 64 -o %t.124m.mlir
// RUN: kernelforge-compile %t.124m.mlir --target=cuda --emit=ptx -o %t.124m.ptx
// RUN: %python %kf_py/ptxas_check.py %t.124m.ptx --arch sm_90 --ptxas %ptxas --no-spills-in-reductions | FileCheck %s

// CHECK: reduction, {{[0-9]+}} registers, no spills, {{[0-9]+}} shuffles, shared memory
// CHECK: kernel modules assembled for sm_{{[89]}}0, {{[0-9]+}} with warp-shuffle reductions: ok
