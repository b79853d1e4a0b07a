// REQUIRES: x86-avx512bf16
// vit-mnist (a trained ViT, shipped) with its products in bf16 pairs
// (bf16-products=1, on this AVX-512 BF16 host: batches of 64 images are
// 1088-row products, packed and paired): the 200 held-out digits are
// classified as well as with f32 products (195 of 200; measured the same
// with the option).
// RUN: env KF_CACHE_DIR=%t.cache kernelforge-classify --model-dir %kf_src_root/models/vit/vit-mnist --npy %kf_src_root/models/vit/vit-mnist/heldout_images_200.npy --labels %kf_src_root/models/vit/vit-mnist/heldout_labels_200.npy --pipeline-options bf16-products=1 --emit-mlir %t.mlir 2>/dev/null | FileCheck %s
// CHECK: accuracy: 0.9{{[6-9][0-9]*}} ({{19[2-9]|200}} of 200)
// Its graph's products do pair:
// RUN: kernelforge-compile %t.mlir --pipeline-options bf16-products=1 --emit=asm -o %t.s
// RUN: grep -q vdpbf16ps %t.s
