// The trained vit-mnist classifier shipped in models/vit: the eight
// held-out digit PNGs get their labels, the first image's logits equal the
// published float64 ones (reference.json) within 1e-4, and the accuracy on
// the shipped 200 held-out digits is the model's (195 of 200).
// RUN: rm -rf %t && mkdir -p %t
// RUN: env KF_CACHE_DIR=%t/cache kernelforge-classify --model-dir %kf_src_root/models/vit/vit-mnist %kf_src_root/models/vit/vit-mnist/digit*.png --top-k 1 2>/dev/null | FileCheck %s --check-prefix=DIGITS
// DIGITS: digit0_label4.png: 4 (
// DIGITS: digit1_label9.png: 9 (
// DIGITS: digit2_label9.png: 9 (
// DIGITS: digit3_label7.png: 7 (
// DIGITS: digit4_label1.png: 1 (
// DIGITS: digit5_label1.png: 1 (
// DIGITS: digit6_label9.png: 9 (
// DIGITS: digit7_label0.png: 0 (
// RUN: env KF_CACHE_DIR=%t/cache kernelforge-classify --model-dir %kf_src_root/models/vit/vit-mnist %kf_src_root/models/vit/vit-mnist/digit0_label4.png --logits-out %t/logits.npy > /dev/null 2>&1
// RUN: %python -c "import json, numpy as np, sys; ref = np.array(json.load(open(sys.argv[1]))['image0_logits']); got = np.load(sys.argv[2])[0]; err = np.abs(got - ref).max(); print('image 0 logits: max abs error %%.1e: %%s' %% (err, 'ok' if err < 1e-4 else 'FAILED'))" %kf_src_root/models/vit/vit-mnist/reference.json %t/logits.npy | FileCheck %s --check-prefix=LOGITS
// LOGITS: image 0 logits: max abs error {{.*}}: ok
// RUN: env KF_CACHE_DIR=%t/cache kernelforge-classify --model-dir %kf_src_root/models/vit/vit-mnist --npy %kf_src_root/models/vit/vit-mnist/heldout_images_200.npy --labels %kf_src_root/models/vit/vit-mnist/heldout_labels_200.npy 2>/dev/null | FileCheck %s --check-prefix=ACCURACY
// ACCURACY: accuracy: 0.9750 (195 of 200)
// The same through the GPU kernels (emulated), in batches of 7 (the last
// one padded), as JSON.
// RUN: env KF_CACHE_DIR=%t/cache kernelforge-classify --model-dir %kf_src_root/models/vit/vit-mnist --npy %kf_src_root/models/vit/vit-mnist/heldout_images_200.npy --labels %kf_src_root/models/vit/vit-mnist/heldout_labels_200.npy --device gpu-emulator --batch 7 --json 2>/dev/null | %python -c "import json, sys; r = json.load(sys.stdin); print('accuracy', r['accuracy'], 'batch', r['batch'], 'first', r['results'][0]['top'][0]['label'])" | FileCheck %s --check-prefix=JSON
// JSON: accuracy 0.975 batch 7 first 4
