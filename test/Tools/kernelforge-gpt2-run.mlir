// kernelforge-gpt2-run generates from a library kernelforge-gpt2 saved, with
// the KernelForge runtime alone: no MLIR or LLVM library is loaded.
// RUN: llvm-readelf --needed-libs kernelforge-gpt2-run | FileCheck %s --check-prefix=NEEDED
// NEEDED: NeededLibraries [
// NEEDED-NOT: MLIR
// NEEDED-NOT: LLVM
// NEEDED: ]
//
// The same tokens as the compiler-side runner, from a checkpoint and from the
// same random weights; every prefill row and decode step against NumPy.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %kf_py/make_checkpoint.py %t/ckpt --prefix --buffers
// RUN: kernelforge-gpt2 --model-dir %t/ckpt --tokens 3,1,4,1,5 -n 8 --save-library %t/last.so > %t/compiled.txt
// RUN: kernelforge-gpt2-run %t/last.so --model-dir %t/ckpt --tokens 3,1,4,1,5 -n 8 --repeat 2 > %t/saved.txt
// RUN: FileCheck %s --check-prefix=TOKENS < %t/saved.txt
// RUN: diff %t/compiled.txt %t/saved.txt
// A library takes prompts longer than its bucket (here 4) in chunks: 8
// tokens as [0, 4) and [4, 8), 7 as [0, 4) and [3, 7) (the last chunk ends
// with the prompt), every row's logits against NumPy.
// RUN: kernelforge-gpt2 --model-dir %t/ckpt --tokens 3,1,4 -n 1 --logits-out %t/unused.npy --save-library %t/all.so
// RUN: %python %kf_py/check_gpt2.py --runner kernelforge-gpt2-run --library %t/all.so --model-dir %t/ckpt --tokens 3,1,4,1,5,9,2,6 -n 10
// RUN: %python %kf_py/check_gpt2.py --runner kernelforge-gpt2-run --library %t/all.so --config %t/ckpt/config.json --random-weights 7 --tokens 2,7,1,8,2,8,1 -n 6
// The 8-token library (bucket 8) on 13 tokens generates what a 16-token
// bucket does.
// RUN: kernelforge-gpt2 --model-dir %t/ckpt --tokens 3,1,4,1,5,9,2,6,5,3,5,8,9 -n 3 --prefill-bucket 16 > %t/b16.txt 2> %t/b16.err
// RUN: kernelforge-gpt2-run %t/last.so --model-dir %t/ckpt --tokens 3,1,4,1,5,9,2,6,5,3,5,8,9 -n 3 > %t/chunked.txt 2> %t/chunked.err
// RUN: diff %t/b16.txt %t/chunked.txt
// RUN: FileCheck %s --check-prefix=B16 < %t/b16.err
// RUN: FileCheck %s --check-prefix=CHUNKED < %t/chunked.err
// B16: prompt: 13 tokens in {{.*}}, bucket 16);
// CHUNKED: prompt: 13 tokens in {{.*}}, bucket 8 in 2 chunks);
// RUN: kernelforge-gpt2-run %t/last.so --checkpoint %t/ckpt/model.safetensors --tokens 3,1,4,1,5 -n 8 --json | FileCheck %s --check-prefix=JSON
// A library with a bf16 KV cache: the runtime sizes the cache from the
// library's signature.
// RUN: kernelforge-gpt2 --model-dir %t/ckpt --tokens 3,1,4 -n 1 --kv-dtype bf16 --logits-out %t/unused.npy --save-library %t/kv16.so
// RUN: %python %kf_py/check_gpt2.py --runner kernelforge-gpt2-run --library %t/kv16.so --model-dir %t/ckpt --tokens 3,1,4,1,5,9,2,6 -n 10 --kv-dtype bf16
//
// TOKENS: {{^}} -> {{[0-9]+(,[0-9]+){7}$}}
// JSON: "prompt_tokens": 5, "prefill_bucket": 8, "prefill_chunks": 1, {{.*}}"decode_steps": 7, {{.*}}"runs": 1, "consistent": true, "device": "cpu"
//
// Errors name the library, the option or the value, and exit with 1.
// RUN: not kernelforge-gpt2-run %t/last.so --model-dir %t/ckpt --tokens 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32 2>&1 | FileCheck %s --check-prefix=LONG
// RUN: not kernelforge-gpt2-run %t/last.so --model-dir %t/ckpt --tokens 1,500 2>&1 | FileCheck %s --check-prefix=VOCAB
// RUN: not kernelforge-gpt2-run %t/last.so --tokens 1 2>&1 | FileCheck %s --check-prefix=WEIGHTS
// RUN: not kernelforge-gpt2-run %t/last.so --random-weights 0 --tokens 1,x 2>&1 | FileCheck %s --check-prefix=NUMBER
// RUN: not kernelforge-gpt2-run %t/last.so --random-weights 0 --prompt hi 2>&1 | FileCheck %s --check-prefix=TOKENIZER
// RUN: not kernelforge-gpt2-run %t/last.so --random-weights 0 --tokens 1 --logits-out %t/x.npy 2>&1 | FileCheck %s --check-prefix=ROWS
// RUN: not kernelforge-gpt2-run %t/last.so --random-weights 0 --tokens 1 --device cuda 2>&1 | FileCheck %s --check-prefix=CUDA
// RUN: not kernelforge-gpt2-run %t/last.so --random-weights 0 --tokens 1 --bogus 2>&1 | FileCheck %s --check-prefix=OPTION
// RUN: not kernelforge-gpt2-run %t/missing.so --random-weights 0 --tokens 1 2>&1 | FileCheck %s --check-prefix=MISSING
// RUN: %python %kf_py/make_checkpoint.py %t/other --embd 48
// RUN: not kernelforge-gpt2-run %t/last.so --model-dir %t/other --tokens 1 2>&1 | FileCheck %s --check-prefix=SHAPE
// RUN: kernelforge-compile %S/../Integration/CPU/normalization.mlir -o %t/norm.so
// RUN: not kernelforge-gpt2-run %t/norm.so --random-weights 0 --tokens 1 2>&1 | FileCheck %s --check-prefix=NOTGPT2
//
// LONG: kernelforge-gpt2-run: error: '{{.*}}last.so': the prompt has 33 tokens, more than the model's 32 positions
// VOCAB: error: '{{.*}}last.so': token id 500 is outside the vocabulary [0, 50)
// WEIGHTS: error: give --model-dir DIR, --checkpoint FILE or --random-weights SEED
// NUMBER: error: --tokens expects an integer, got 'x'
// TOKENIZER: error: a text prompt needs --tokenizer DIR
// ROWS: error: --logits-out needs a library built with every position's logits
// CUDA: error: '{{.*}}last.so': the library has no CUDA runtime functions (mgpu*); compile it with --target=cuda
// OPTION: error: unknown option --bogus
// MISSING: error: {{.*}}missing.so
// SHAPE: error: {{.*}}model.safetensors{{.*}}
// NOTGPT2: error: '{{.*}}norm.so': {{.*}}prefill
