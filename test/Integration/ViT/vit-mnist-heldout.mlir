// All 2000 held-out digits of ../shared/models/vit-mnist: the model's
// published accuracy, 0.971 (1942 of 2000), reproduced exactly.
// REQUIRES: shared-vit-mnist
// RUN: env KF_CACHE_DIR=%t.cache kernelforge-classify --model-dir %kf_src_root/models/vit/vit-mnist --npy %vit_mnist/heldout_images.npy --labels %vit_mnist/heldout_labels.npy 2>/dev/null | FileCheck %s
// CHECK: accuracy: 0.9710 (1942 of 2000)
