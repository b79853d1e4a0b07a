// UNSUPPORTED: cuda-gpu
// Where there is no GPU (or no driver), a CUDA library stops with a clear
// message and exit status 1 instead of crashing.
// RUN: kernelforge-compile %kf_src_root/models/gpt2/gpt2-makemore.mlir --target=cuda -o %t.so
// RUN: not kernelforge-run %t.so --describe 2>&1 | FileCheck %s
// CHECK: kernelforge CUDA runtime: {{no CUDA driver|the CUDA driver reports no GPU|cuInit failed}}
