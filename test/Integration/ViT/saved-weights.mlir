// kernelforge-classify --save-weights: the shipped vit-mnist classifier with
// its matrices kept in bf16, saved as a model directory (config and
// preprocessor copied): loaded back it is bf16 without --dtype, half the
// checkpoint's bytes, and gives the same logits to the bit as converting at
// load; and it matches the float64 forward on its (bf16) weights.
// RUN: rm -rf %t && mkdir -p %t
// RUN: env KF_CACHE_DIR=%t/cache kernelforge-classify --model-dir %kf_src_root/models/vit/vit-mnist --dtype bf16 --save-weights %t/b16 --logits-out %t/a.npy %kf_src_root/models/vit/vit-mnist/digit0_label4.png %kf_src_root/models/vit/vit-mnist/digit3_label7.png 2>&1 | FileCheck %s --check-prefix=SAVED
// RUN: env KF_CACHE_DIR=%t/cache kernelforge-classify --model-dir %t/b16 --logits-out %t/b.npy %kf_src_root/models/vit/vit-mnist/digit0_label4.png %kf_src_root/models/vit/vit-mnist/digit3_label7.png --emit-mlir %t/graph.mlir
// RUN: FileCheck %s --check-prefix=LOADED < %t/graph.mlir
// RUN: cmp %t/a.npy %t/b.npy
// RUN: %python -c "import os; a, b = (os.path.getsize(p + '/model.safetensors') for p in ('%kf_src_root/models/vit/vit-mnist', '%t/b16')); print('ratio %%.2f' %% (b / a))" | FileCheck %s --check-prefix=SIZE
// RUN: env KF_CACHE_DIR=%t/cache %python %kf_py/check_vit.py --classify kernelforge-classify --model-dir %t/b16 --images 3 | FileCheck %s --check-prefix=FORWARD

// SAVED: saved the weights to {{.*}}b16{{/|\\}}model.safetensors
// LOADED: kf.linear {{.*}}x{{[0-9]+}}xbf16>
// SIZE: ratio 0.5{{[0-9]}}
// FORWARD: images: logits max abs error {{.*}} top labels equal: ok
