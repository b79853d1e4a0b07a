// kernelforge-generate shows what it compiles: --emit-mlir writes the kf
// graph (here Mistral's, whose attention carries the sliding window) and
// goes on generating; --emit=STAGE writes a later stage to -o and stops.
// RUN: rm -rf %t && %python %kf_py/make_llama_checkpoint.py %t/model --model-type mistral --vocab 61 --hidden 32 --heads 4 --kv-heads 2 --inner 48 --layers 1 --set sliding_window=5
// RUN: kernelforge-generate --model-dir %t/model --tokens 1,2,3 -n 2 --prefill-bucket 16 --emit-mlir %t/graph.mlir 2>/dev/null
// RUN: FileCheck %s --check-prefix=GRAPH < %t/graph.mlir
// Projections reading the same input are one product: q, k and v (32, 16
// and 16 rows, 2 KV heads of 8) and gate and up, each a parameter the
// loader stacks from the checkpoint's tensors; their columns are sliced
// apart after it.
// GRAPH: func.func private @llama_block_s16
// GRAPH: %[[QKV:.+]] = kf.linear %{{.+}}, %{{.+}} layout(out_in) : tensor<1x16x32xf32>, tensor<64x32xf32> -> tensor<1x16x64xf32>
// GRAPH: tensor.extract_slice %[[QKV]][0, 0, 0] [1, 16, 32]
// GRAPH: tensor.extract_slice %[[QKV]][0, 0, 32] [1, 16, 16]
// GRAPH: tensor.extract_slice %[[QKV]][0, 0, 48] [1, 16, 16]
// GRAPH: %[[GATEUP:.+]] = kf.linear %{{.+}}, %{{.+}} layout(out_in) : tensor<1x16x32xf32>, tensor<96x32xf32> -> tensor<1x16x96xf32>
// GRAPH: tensor.extract_slice %[[GATEUP]][0, 0, 0] [1, 16, 48]
// GRAPH: tensor.extract_slice %[[GATEUP]][0, 0, 48] [1, 16, 48]
// GRAPH: kf.swiglu
// GRAPH: func.func @prefill
// GRAPH-SAME: kf.param = "model.layers.0.self_attn.{q:32,k:16,v:16}_proj.weight"
// GRAPH-SAME: kf.param = "model.layers.0.mlp.{gate:48,up:48}_proj.weight"
// GRAPH: kf.attention {{.*}}window = 5
// GRAPH: func.func @decode
// RUN: kernelforge-opt %t/graph.mlir > /dev/null
// RUN: kernelforge-generate --model-dir %t/model --tokens 1,2,3 --emit=linalg -o %t/linalg.mlir
// RUN: FileCheck %s --check-prefix=LINALG < %t/linalg.mlir
// LINALG: linalg.generic
// LINALG-NOT: kf.attention
