// kernelforge-generate shows what it compiles: --emit-mlir writes the kf
// graph (here Mistral's, whose attention carries the sliding window) and
// goes on generating; --emit=STAGE writes a later stage to -o and stops.
// RUN: rm -rf %t && %python %kf_py/make_llama_checkpoint.py %t/model --model-type mistral --vocab 61 --hidden 32 --heads 4 --kv-heads 2 --inner 48 --layers 1 --set sliding_window=5
// RUN: kernelforge-generate --model-dir %t/model --tokens 1,2,3 -n 2 --emit-mlir %t/graph.mlir 2>/dev/null
// RUN: FileCheck %s --check-prefix=GRAPH < %t/graph.mlir
// GRAPH: func.func @prefill
// GRAPH: kf.attention {{.*}}window = 5
// GRAPH: func.func @decode
// RUN: kernelforge-opt %t/graph.mlir > /dev/null
// RUN: kernelforge-generate --model-dir %t/model --tokens 1,2,3 --emit=linalg -o %t/linalg.mlir
// RUN: FileCheck %s --check-prefix=LINALG < %t/linalg.mlir
// LINALG: linalg.generic
// LINALG-NOT: kf.attention
