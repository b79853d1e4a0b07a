// REQUIRES: shared-models
// A nanoGPT-style PyTorch checkpoint (nn.Linear [out, in] weights under
// "_orig_mod.", a causal-mask buffer, "model_args") made from the makemore
// model converts back to the Hugging Face layout tensor for tensor, and the
// converted model generates the README's greedy name.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %S/Inputs/write_nanogpt_checkpoint.py %shared/models/makemore-names %t/ckpt.pt
// RUN: %python %kf_py/convert_checkpoint.py %t/ckpt.pt %t/hf | FileCheck %s --check-prefix=CONVERT
// RUN: %python -c "import sys; sys.path.insert(0, '%kf_py/..'); from kernelforge import safetensors_io as s; import numpy as np; a = s.read('%shared/models/makemore-names/model.safetensors'); b = s.read('%t/hf/model.safetensors'); assert a.keys() == b.keys(), set(a) ^ set(b); assert all(np.array_equal(a[k], b[k]) for k in a); print('identical', len(a))" | FileCheck %s --check-prefix=SAME
// RUN: kernelforge-gpt2 --model-dir %t/hf --tokens 0 -n 16 --stop-token 0 | FileCheck %s --check-prefix=GREEDY

// CONVERT: wrote {{.*}}hf: 4 layers, 4 heads, n_embd 64, vocab 27, 53 tensors, tied head: False
// SAME: identical 53
// GREEDY: -> 1,12,5,9,1,0
