// REQUIRES: ptxas
// ptxas assembles, without spills, every kernel of the vit-mnist classifier
// graph (as kernelforge-classify --emit-mlir writes it: the im2col gather,
// the tiled products, layer norms and the fused encoder attention over 17
// tokens) and of the convolutions of CPU/convolution.mlir.
// RUN: rm -rf %t && mkdir -p %t
// RUN: env KF_CACHE_DIR=%t/cache kernelforge-classify --model-dir %kf_src_root/models/vit/vit-mnist %kf_src_root/models/vit/vit-mnist/digit0_label4.png --emit-mlir %t/vit.mlir > /dev/null 2>&1
// RUN: kernelforge-compile %t/vit.mlir --target=cuda --emit=ptx -o %t/vit.ptx
// RUN: %python %kf_py/ptxas_check.py %t/vit.ptx --arch sm_90 --ptxas %ptxas --no-spills | FileCheck %s
// RUN: kernelforge-compile %S/../CPU/convolution.mlir --target=cuda --emit=ptx -o %t/conv.ptx
// RUN: %python %kf_py/ptxas_check.py %t/conv.ptx --arch sm_90 --ptxas %ptxas --no-spills | FileCheck %s
// CHECK: kernels in one module assembled for sm_90, {{[0-9]+}} with warp-shuffle reductions, {{[1-9][0-9]*}} tiled through workgroup memory: ok
