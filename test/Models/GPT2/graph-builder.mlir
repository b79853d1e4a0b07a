// The builder and the checked-in graph print identically once parsed.
// RUN: kernelforge-opt %kf_src_root/models/gpt2/gpt2-makemore.mlir > %t.checked-in.mlir
// RUN: kernelforge-gpt2-graph %kf_src_root/models/gpt2/configs/makemore-names.json | kernelforge-opt > %t.built.mlir
// RUN: diff %t.checked-in.mlir %t.built.mlir

// Shapes follow the config and the requested sequence length.
// RUN: kernelforge-gpt2-graph %kf_src_root/models/gpt2/configs/gpt2.json --batch 2 --seq 8 | FileCheck %s
// CHECK: func.func private @gpt2_block(%{{.*}}: tensor<2x8x768xf32>
// CHECK: kf.split_heads %{{.*}} {num_heads = 12 : i64} : tensor<2x8x768xf32> -> tensor<2x12x8x64xf32>
// CHECK: kf.gelu %{{.*}} tanh : tensor<2x8x3072xf32>
// CHECK: func.func @gpt2(%{{.*}}: tensor<2x8xi64>, %{{.*}}: tensor<50257x768xf32> {kf.param = "wte.weight"}
// CHECK-COUNT-12: call @gpt2_block
// Tied embeddings: the head reads wte in place, [vocab, n_embd] = out_in.
// CHECK: kf.linear %{{.*}}, %arg1 layout(out_in) : tensor<2x8x768xf32>, tensor<50257x768xf32> -> tensor<2x8x50257xf32>
