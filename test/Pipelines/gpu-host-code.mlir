// The host side of a GPU generation step (makemore config: 4 layers): the
// blocks are inlined into @prefill and @decode, so each is one stretch of
// asynchronous launches with a single host wait, at the end (the cache
// position is checked before the first kernel), and every device
// temporary it allocates is freed again. 3 kernels outside the blocks and
// 8 per block (two norms, the QKV product, K and V into the cache in one
// kernel, attention, three products with their epilogues; the copy of each
// layer's cache onto itself that bufferization leaves is folded away).
// Identical kernels are compiled once, all in one kernel module.
// RUN: kernelforge-gpt2-graph %kf_src_root/models/gpt2/configs/makemore-names.json --generation --seq 16 | kernelforge-opt --kf-gpu-pipeline="host-lowering=0" -o %t.mlir
// RUN: %python %kf_py/host_code_stats.py %t.mlir | FileCheck %s
// CHECK-DAG: prefill: 35 launches, 1 host waits, [[P:[0-9]+]] allocations, [[P]] frees
// CHECK-DAG: decode: 35 launches, 1 host waits, [[D:[0-9]+]] allocations, [[D]] frees
// CHECK-NOT: gpt2_block
// CHECK: 1 kernel modules, {{[1-9][0-9]*}} kernels

// The emulator pipeline (no inlining) runs nothing but the kernels: 22
// OpenMP regions over blocks. Copies bufferization leaves of a view onto an
// identical view (the cache after its update, tiles written back) must be
// folded there too; each left over would be a loop of its own.
// RUN: kernelforge-gpt2-graph %kf_src_root/models/gpt2/configs/makemore-names.json --generation --seq 16 | kernelforge-opt --kf-gpu-emulator-pipeline | grep -c "omp.parallel" | FileCheck %s --check-prefix=EMULATOR
// EMULATOR: {{^}}22{{$}}
