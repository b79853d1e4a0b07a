// kernelforge-compile --target=cuda builds a shared library: host code that
// launches the kernels (embedded as cubin where ptxas exists, else PTX for
// the driver to JIT), the same C ABI as CPU libraries, linked against the
// KernelForge CUDA runtime. Without a GPU, running it stops with a message.
// RUN: kernelforge-compile %kf_src_root/models/gpt2/gpt2-makemore.mlir --target=cuda -o %t.so
// RUN: llvm-nm -D %t.so | FileCheck %s --check-prefix=ABI
// RUN: llvm-nm -D --undefined-only %t.so | FileCheck %s --check-prefix=RUNTIME

// ABI-DAG: T _kf_packed_gpt2
// ABI-DAG: T _mlir_ciface_gpt2
// ABI-DAG: R _kf_signature_gpt2
// ABI-DAG: R _kf_entry_points
// RUNTIME-DAG: U mgpuModuleLoad
// RUNTIME-DAG: U mgpuLaunchKernel
// RUNTIME-DAG: U mgpuMemAlloc
