// REQUIRES: ptxas
// ptxas assembles every kernel of LLaMA-family generation graphs for sm_90
// without spilling: Mistral's sliding window with grouped-query attention
// (fused attention kernel), also with int8 matrices, and Qwen2's q/k/v
// biases with an untied head; also the attention ops with window and
// soft-cap alone.
// RUN: rm -rf %t && %python %kf_py/make_llama_checkpoint.py %t/mistral --model-type mistral --vocab 97 --hidden 64 --heads 4 --kv-heads 2 --inner 96 --layers 2 --set sliding_window=6
// RUN: kernelforge-generate --model-dir %t/mistral --tokens 1,2,3 --device cuda --emit=ptx -o %t/mistral.ptx
// RUN: %python %kf_py/ptxas_check.py %t/mistral.ptx --arch sm_90 --ptxas %ptxas --no-spills | FileCheck %s
// RUN: %python %kf_py/make_llama_checkpoint.py %t/qwen2 --model-type qwen2 --vocab 97 --hidden 48 --heads 6 --kv-heads 1 --inner 80 --layers 1 --attention-bias --untied
// RUN: kernelforge-generate --model-dir %t/qwen2 --tokens 1,2,3 --device cuda --emit=ptx -o %t/qwen2.ptx
// RUN: %python %kf_py/ptxas_check.py %t/qwen2.ptx --arch sm_90 --ptxas %ptxas --no-spills | FileCheck %s
// RUN: kernelforge-generate --model-dir %t/mistral --tokens 1,2,3 --dtype int8 --device cuda --emit=ptx -o %t/mistral-int8.ptx
// RUN: %python %kf_py/ptxas_check.py %t/mistral-int8.ptx --arch sm_90 --ptxas %ptxas --no-spills | FileCheck %s
// RUN: kernelforge-compile %S/../CPU/attention.mlir --target=cuda --emit=ptx -o %t/attention.ptx
// RUN: %python %kf_py/ptxas_check.py %t/attention.ptx --arch sm_90 --ptxas %ptxas --no-spills | FileCheck %s
// CHECK: kernels in one module assembled for sm_90, {{[0-9]+}} with warp-shuffle reductions, {{[0-9]+}} tiled through workgroup memory: ok

// --emit stages are the device's: ptx needs --device cuda, and host stages
// are not for it.
// RUN: not kernelforge-generate --model-dir %t/mistral --tokens 1 --emit=ptx -o %t/x.ptx 2>&1 | FileCheck %s --check-prefix=NEEDS-CUDA
// NEEDS-CUDA: error: --emit=ptx needs --device cuda
// RUN: not kernelforge-generate --model-dir %t/mistral --tokens 1 --emit=shared 2>&1 | FileCheck %s --check-prefix=STAGE
// STAGE: error: --emit expects linalg, llvm-mlir, llvm-ir, asm, ptx or cubin, got 'shared'
