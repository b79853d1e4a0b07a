// ViT classifiers with random weights in odd configurations against the
// float64 NumPy forward pass (reference.vit_logits) on random images:
// RGB 12x12 images in 4x4 patches (10 tokens) with 3 heads, batches that
// leave a padded last call; 1 channel, 21x21 in 7x7 patches, 4 heads, no
// q/k/v biases, tanh GELU, 3 layers; a bf16 checkpoint kept in bf16; and
// layer_norm_eps 1e-6; and the GPU kernels through the emulator.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %kf_py/make_vit_checkpoint.py %t/rgb --seed 1
// RUN: env KF_CACHE_DIR=%t/cache %python %kf_py/check_vit.py --classify kernelforge-classify --model-dir %t/rgb --images 5 --batch 2 | FileCheck %s
// RUN: env KF_CACHE_DIR=%t/cache %python %kf_py/check_vit.py --classify kernelforge-classify --model-dir %t/rgb --images 3 -- --device gpu-emulator | FileCheck %s
// RUN: %python %kf_py/make_vit_checkpoint.py %t/gray --hidden 32 --heads 4 --patch 7 --image 21 --channels 1 --no-qkv-bias --act gelu_new --layers 3 --inner 50 --labels 7 --seed 2
// RUN: env KF_CACHE_DIR=%t/cache %python %kf_py/check_vit.py --classify kernelforge-classify --model-dir %t/gray --images 4 | FileCheck %s
// RUN: env KF_CACHE_DIR=%t/cache %python %kf_py/check_vit.py --classify kernelforge-classify --model-dir %t/gray --images 4 -- --device gpu-emulator | FileCheck %s
// RUN: %python %kf_py/make_vit_checkpoint.py %t/bf16 --bf16 --seed 3
// RUN: env KF_CACHE_DIR=%t/cache %python %kf_py/check_vit.py --classify kernelforge-classify --model-dir %t/bf16 --images 3 | FileCheck %s
// RUN: %python %kf_py/make_vit_checkpoint.py %t/eps --set layer_norm_eps=1e-6 --seed 4 --heads 4 --hidden 32
// RUN: env KF_CACHE_DIR=%t/cache %python %kf_py/check_vit.py --classify kernelforge-classify --model-dir %t/eps --images 2 | FileCheck %s
// CHECK: images: logits max abs error {{.*}} top labels equal: ok
