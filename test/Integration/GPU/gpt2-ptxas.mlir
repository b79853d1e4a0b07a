// REQUIRES: ptxas
// ptxas assembles every kernel of the GPT-2 graphs for sm_80 and sm_90
// without spilling to local memory (gpt2-ptx.mlir checks their structure
// where no CUDA toolkit is installed).
// RUN: kernelforge-compile %kf_src_root/models/gpt2/gpt2-makemore.mlir --target=cuda --emit=ptx -o %t.sm90.ptx
// RUN: %python %kf_py/ptxas_check.py %t.sm90.ptx --arch sm_90 --ptxas %ptxas --no-spills | FileCheck %s
// RUN: kernelforge-compile %kf_src_root/models/gpt2/gpt2-makemore.mlir --target=cuda --emit=ptx --pipeline-options="chip=sm_80 features=+ptx70" -o %t.sm80.ptx
// RUN: %python %kf_py/ptxas_check.py %t.sm80.ptx --arch sm_80 --ptxas %ptxas --no-spills | FileCheck %s
// RUN: kernelforge-gpt2-graph %kf_src_root/models/gpt2/configs/gpt2.json --generation --seq 64 -o %t.124m.mlir
// RUN: kernelforge-compile %t.124m.mlir --target=cuda --emit=ptx -o %t.124m.ptx
// RUN: %python %kf_py/ptxas_check.py %t.124m.ptx --arch sm_90 --ptxas %ptxas --no-spills | FileCheck %s
// The file is one module that ptxas assembles as it is; --emit=cubin does
// the same in the compiler.
// RUN: %ptxas -arch=sm_90 %t.sm90.ptx -o %t.sm90.cubin
// RUN: kernelforge-compile %kf_src_root/models/gpt2/gpt2-makemore.mlir --target=cuda --emit=cubin -o %t.direct.cubin
// RUN: %python -c "import sys; d = open(sys.argv[1], 'rb').read(); sys.exit(d[:4] != b'\x7fELF')" %t.direct.cubin

// CHECK-DAG: reduction, {{[0-9]+}} registers, no spills, {{[0-9]+}} shuffles, shared memory
// CHECK-DAG: tiled, {{[0-9]+}} registers, no spills, 0 shuffles, shared memory, 2 barriers
// CHECK: kernels in one module assembled for sm_{{[89]}}0, {{[0-9]+}} with warp-shuffle reductions, {{[1-9][0-9]*}} tiled through workgroup memory: ok
