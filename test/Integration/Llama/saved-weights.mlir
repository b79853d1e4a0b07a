// kernelforge-generate --save-weights on a LLaMA-family checkpoint, whose
// q/k/v projections the graph stacks into one matrix: the saved checkpoint
// holds them as the original's separate tensors again (int8 with their
// scales, within half a block's scale of the original; norms identical),
// loads as int8 without --dtype, gives the same logits to the bit as
// quantising at load, and matches the float64 forward on its dequantised
// weights (atol as random-checkpoints.mlir's int8 runs).
// RUN: rm -rf %t && %python %kf_py/make_llama_checkpoint.py %t/gqa --hidden 64 --inner 96 --heads 4 --kv-heads 2 --untied --attention-bias --seed 1
// RUN: kernelforge-generate --model-dir %t/gqa --tokens 1,5,9,17,3 -n 8 --dtype int8 --save-weights %t/q8 --logits-out %t/a.npy --decode-logits-out %t/ad.npy --cache-dir %t/cache 2>&1 | FileCheck %s --check-prefix=SAVED
// RUN: %python %kf_py/check_saved_weights.py %t/gqa/model.safetensors %t/q8/model.safetensors | FileCheck %s --check-prefix=INT8
// RUN: kernelforge-generate --model-dir %t/q8 --tokens 1,5,9,17,3 -n 8 --logits-out %t/b.npy --decode-logits-out %t/bd.npy --cache-dir %t/cache
// RUN: cmp %t/a.npy %t/b.npy
// RUN: cmp %t/ad.npy %t/bd.npy
// RUN: %python %kf_py/check_llama.py --runner kernelforge-generate --model-dir %t/q8 --tokens 1,5,9,17,3 -n 8 --dtype int8 --atol 1e-2
// RUN: %python %kf_py/check_llama.py --runner kernelforge-generate --model-dir %t/q8 --tokens 1,5,9,17,3 -n 8 --dtype f32

// SAVED: saved the weights to {{.*}}q8{{/|\\}}model.safetensors
// INT8: 15 int8 tensors (at most 0.5{{[0-9]*}} of a block's scale from the original), {{[0-9]+}} tensors identical
