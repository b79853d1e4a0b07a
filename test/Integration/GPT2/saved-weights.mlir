// kernelforge-gpt2 --save-weights: the weights as they are kept after
// --dtype, written as a model directory that loads without converting.
//
// A GPT2LMHeadModel-layout checkpoint (prefix, mask buffers, an F16 and a
// BF16 tensor) quantised to int8 at load and saved: every int8 tensor is
// within half a block's scale of the original, the others identical (NumPy),
// and the saved directory (config copied, no --dtype: int8 from the file)
// gives the same logits to the bit as quantising at load.
// RUN: rm -rf %t && %python %kf_py/make_checkpoint.py %t/hf --prefix --buffers --f16 h.0.mlp.c_fc.weight --bf16 wpe.weight
// RUN: kernelforge-gpt2 --model-dir %t/hf --tokens 3,1,4,1,5,9,2,6 -n 10 --dtype int8 --save-weights %t/q8 --logits-out %t/a.npy --decode-logits-out %t/ad.npy --cache-dir %t/cache 2>&1 | FileCheck %s --check-prefix=SAVED
// RUN: %python %kf_py/check_saved_weights.py %t/hf/model.safetensors %t/q8/model.safetensors | FileCheck %s --check-prefix=INT8
// RUN: kernelforge-gpt2 --model-dir %t/q8 --tokens 3,1,4,1,5,9,2,6 -n 10 --logits-out %t/b.npy --decode-logits-out %t/bd.npy --json --cache-dir %t/cache | FileCheck %s --check-prefix=DIRECT
// RUN: cmp %t/a.npy %t/b.npy
// RUN: cmp %t/ad.npy %t/bd.npy
// The int8 checkpoint against the float64 forward on its dequantised
// weights: kept in int8, and dequantised at load to f32 and bf16.
// RUN: %python %kf_py/check_gpt2.py --runner kernelforge-gpt2 --model-dir %t/q8 --tokens 3,1,4,1,5,9,2,6 -n 10 --dtype int8 --cache-dir %t/cache
// RUN: %python %kf_py/check_gpt2.py --runner kernelforge-gpt2 --model-dir %t/q8 --tokens 3,1,4,1,5,9,2,6 -n 10 --dtype f32 --cache-dir %t/cache
// RUN: %python %kf_py/check_gpt2.py --runner kernelforge-gpt2 --model-dir %t/q8 --tokens 3,1,4,1,5,9,2,6 -n 10 --dtype bf16 --cache-dir %t/cache
// bf16 weights saved load as bf16 with the same logits.
// RUN: kernelforge-gpt2 --model-dir %t/hf --tokens 3,1,4 -n 4 --dtype bf16 --save-weights %t/b16 --logits-out %t/c.npy --cache-dir %t/cache
// RUN: kernelforge-gpt2 --model-dir %t/b16 --tokens 3,1,4 -n 4 --logits-out %t/d.npy --cache-dir %t/cache
// RUN: cmp %t/c.npy %t/d.npy
// Int8 blocks of 64 rows with F32 scales (another tool's) are dequantised
// and requantised into the model's blocks of 32.
// RUN: %python %S/Inputs/requantize_checkpoint.py %t/hf/model.safetensors %t/q64.safetensors transformer.h.1.mlp.c_proj.weight --block 64
// RUN: mkdir -p %t/q64 && cp %t/hf/config.json %t/q64 && mv %t/q64.safetensors %t/q64/model.safetensors
// RUN: %python %kf_py/check_gpt2.py --runner kernelforge-gpt2 --model-dir %t/q64 --tokens 3,1,4,1,5 -n 6 --dtype int8 --cache-dir %t/cache
//
// Bad inputs: an int8 tensor without its scales, saving over the model read,
// a directory that cannot be made, an option that stops before the weights.
// RUN: %python %S/Inputs/requantize_checkpoint.py %t/q8/model.safetensors %t/noscales.safetensors h.0.attn.c_proj.weight.scales --drop
// RUN: mkdir -p %t/noscales && cp %t/hf/config.json %t/noscales && mv %t/noscales.safetensors %t/noscales/model.safetensors
// RUN: not kernelforge-gpt2 --model-dir %t/noscales --tokens 1 -n 1 --cache-dir %t/cache 2>&1 | FileCheck %s --check-prefix=NOSCALES
// RUN: not kernelforge-gpt2 --model-dir %t/q8 --tokens 1 -n 1 --save-weights %t/q8 --cache-dir %t/cache 2>&1 | FileCheck %s --check-prefix=SELF
// RUN: not kernelforge-gpt2 --model-dir %t/q8 --tokens 1 -n 1 --save-weights %t/q8/config.json/x --cache-dir %t/cache 2>&1 | FileCheck %s --check-prefix=NODIR
// RUN: not kernelforge-gpt2 --model-dir %t/q8 --tokens 1 --compile-only --save-weights %t/other --cache-dir %t/cache 2>&1 | FileCheck %s --check-prefix=EARLY

// SAVED: saved the weights to {{.*}}q8{{/|\\}}model.safetensors
// INT8: 9 int8 tensors (at most 0.5{{[0-9]*}} of a block's scale from the original), 19 tensors identical
// DIRECT: "compile_cached": true
// NOSCALES: error: {{.*}}noscales{{/|\\}}model.safetensors: tensor 'h.0.attn.c_proj.weight' is I8 but there is no 'h.0.attn.c_proj.weight.scales' tensor with its block scales
// SELF: error: --save-weights: '{{.*}}q8' is the model directory itself: its checkpoint would be replaced; save to another directory
// NODIR: error: --save-weights: cannot make the directory '{{.*}}config.json/x'
// EARLY: error: --save-weights needs the weights loaded, which --compile-only stops before (generate with -n 0 instead)
