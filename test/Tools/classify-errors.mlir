// kernelforge-classify's bad inputs: each is an error naming the file and
// the problem, with a non-zero exit.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python -c "import numpy as np; np.save('%t/rgb.npy', np.zeros((2, 12, 12, 3), np.uint8)); np.save('%t/gray.npy', np.zeros((2, 12, 12), np.uint8)); np.save('%t/labels3.npy', np.zeros(3, np.int64)); np.save('%t/f64.npy', np.zeros((2, 12, 12, 3)))"
// RUN: printf 'not a png' > %t/bad.png
// RUN: %python %kf_py/make_vit_checkpoint.py %t/model
// RUN: %python %kf_py/make_vit_checkpoint.py %t/missing --drop vit.encoder.layer.1.output.dense.bias
// RUN: not kernelforge-classify --model-dir %t/missing --npy %t/rgb.npy 2>&1 | FileCheck %s --check-prefix=TENSOR
// TENSOR: error: {{.*}}missing/model.safetensors: no tensor 'vit.encoder.layer.1.output.dense.bias' {{.*}}which the model needs with shape [24]
// RUN: %python %kf_py/make_vit_checkpoint.py %t/patch --set patch_size=5
// RUN: not kernelforge-classify --model-dir %t/patch --npy %t/rgb.npy 2>&1 | FileCheck %s --check-prefix=PATCH
// PATCH: error: {{.*}}patch/config.json: expected patch_size (5) to divide image_size (12)
// RUN: %python %kf_py/make_vit_checkpoint.py %t/heads --set num_attention_heads=5
// RUN: not kernelforge-classify --model-dir %t/heads --npy %t/rgb.npy 2>&1 | FileCheck %s --check-prefix=HEADS
// HEADS: error: {{.*}}heads/config.json: expected num_attention_heads (5) to divide hidden_size (24)
// RUN: %python %kf_py/make_vit_checkpoint.py %t/act --set 'hidden_act="relu"'
// RUN: not kernelforge-classify --model-dir %t/act --npy %t/rgb.npy 2>&1 | FileCheck %s --check-prefix=ACT
// ACT: error: {{.*}}act/config.json: hidden_act 'relu' is not supported (gelu, gelu_new, gelu_pytorch_tanh)
// RUN: %python %kf_py/make_vit_checkpoint.py %t/type --set 'model_type="deit"'
// RUN: not kernelforge-classify --model-dir %t/type --npy %t/rgb.npy 2>&1 | FileCheck %s --check-prefix=TYPE
// TYPE: error: {{.*}}type/config.json: model_type 'deit' is not a ViT ('vit')
// RUN: %python %kf_py/make_vit_checkpoint.py %t/labels --set 'id2label={"0": "a", "2": "c"}'
// RUN: not kernelforge-classify --model-dir %t/labels --npy %t/rgb.npy 2>&1 | FileCheck %s --check-prefix=ID2LABEL
// ID2LABEL: error: {{.*}}labels/config.json: expected 'id2label' to map the ids 0..1 to strings, got key '2'
// A key past 2^64 (found by fuzz/config: it threw from std::stoll).
// RUN: %python %kf_py/make_vit_checkpoint.py %t/huge --set 'id2label={"0": "a", "92233720368547758072": "c"}'
// RUN: not kernelforge-classify --model-dir %t/huge --npy %t/rgb.npy 2>&1 | FileCheck %s --check-prefix=HUGE
// HUGE: error: {{.*}}huge/config.json: expected 'id2label' to map the ids 0..1 to strings, got key '92233720368547758072'
// RUN: not kernelforge-classify --model-dir %t/model --npy %t/gray.npy 2>&1 | FileCheck %s --check-prefix=CHANNELS
// CHANNELS: error: '{{.*}}gray.npy': images of 1 channels, the model takes 3
// RUN: not kernelforge-classify --model-dir %t/model --npy %t/f64.npy 2>&1 | FileCheck %s --check-prefix=DTYPE
// DTYPE: error: '{{.*}}f64.npy': expected uint8 [N, H, W] or [N, H, W, C], or float32 [N, H, W, C], got f64 of rank 4
// RUN: not kernelforge-classify --model-dir %t/model --npy %t/rgb.npy --labels %t/labels3.npy 2>&1 | FileCheck %s --check-prefix=LABELS
// LABELS: error: '{{.*}}labels3.npy': expected int64 [2] (one label per image), got i64 [3]
// RUN: not kernelforge-classify --model-dir %t/model %t/bad.png 2>&1 | FileCheck %s --check-prefix=PNG
// PNG: error: '{{.*}}bad.png': not a readable PNG
// RUN: not kernelforge-classify --model-dir %t/model 2>&1 | FileCheck %s --check-prefix=NONE
// NONE: error: no images: give PNG files or --npy FILE
// RUN: not kernelforge-classify --model-dir %t/model --npy %t/rgb.npy --dtype int8 2>&1 | FileCheck %s --check-prefix=INT8
// INT8: error: weights in 'int8' are not supported for ViT (f32, f16 or bf16)
// A .npy header claiming 4 GiB (found by the npy fuzzer: it was allocated
// before anything was checked).
// RUN: %python -c "open('%t/huge.npy', 'wb').write(b'\x93NUMPY\x02\x00' + (2**32 - 1).to_bytes(4, 'little') + b'{}')"
// RUN: not kernelforge-classify --model-dir %t/model --npy %t/huge.npy 2>&1 | FileCheck %s --check-prefix=HEADER
// HEADER: error: '{{.*}}huge.npy': .npy header length 4294967295 is past 1 MiB
// A model that does not resize takes images of its size only.
// RUN: %python -c "import json; p = json.load(open('%t/model/preprocessor_config.json')); p['do_resize'] = False; json.dump(p, open('%t/model/preprocessor_config.json', 'w'))"
// RUN: not kernelforge-classify --model-dir %t/model %kf_src_root/models/vit/vit-mnist/digit0_label4.png 2>&1 | FileCheck %s --check-prefix=SIZE
// SIZE: error: '{{.*}}digit0_label4.png' is 28x28, the model takes 12x12 and the preprocessor does not resize
