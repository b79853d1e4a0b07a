// RUN: kernelforge-opt %s | kernelforge-opt | FileCheck %s
// RUN: kernelforge-opt %s --mlir-print-op-generic | kernelforge-opt | FileCheck %s

// CHECK-LABEL: func @linear
func.func @linear(%x: tensor<2x16x64xf32>, %w: tensor<64x192xf32>, %b: tensor<192xf32>,
                  %wt: tensor<27x64xf32>) -> (tensor<2x16x192xf32>, tensor<2x16x27xf32>) {
  // CHECK: kf.linear %{{.*}}, %{{.*}}, %{{.*}} layout(in_out) : tensor<2x16x64xf32>, tensor<64x192xf32>, tensor<192xf32> -> tensor<2x16x192xf32>
  %0 = kf.linear %x, %w, %b layout(in_out) : tensor<2x16x64xf32>, tensor<64x192xf32>, tensor<192xf32> -> tensor<2x16x192xf32>
  // CHECK: kf.linear %{{.*}}, %{{.*}} layout(out_in) : tensor<2x16x64xf32>, tensor<27x64xf32> -> tensor<2x16x27xf32>
  %1 = kf.linear %x, %wt layout(out_in) : tensor<2x16x64xf32>, tensor<27x64xf32> -> tensor<2x16x27xf32>
  return %0, %1 : tensor<2x16x192xf32>, tensor<2x16x27xf32>
}

// Weights kept in a 16-bit storage type under f32 activations.
// CHECK-LABEL: func @linear_storage_types
func.func @linear_storage_types(%x: tensor<1x64xf32>, %w: tensor<64x8xbf16>, %b: tensor<8xf32>,
                                %wt: tensor<27x64xf16>, %a: tensor<2x4x64xf32>,
                                %bb: tensor<2x27x64xf16>)
    -> (tensor<1x8xf32>, tensor<1x27xf32>, tensor<2x4x27xf32>) {
  // CHECK: kf.linear {{.*}} : tensor<1x64xf32>, tensor<64x8xbf16>, tensor<8xf32> -> tensor<1x8xf32>
  %0 = kf.linear %x, %w, %b layout(in_out) : tensor<1x64xf32>, tensor<64x8xbf16>, tensor<8xf32> -> tensor<1x8xf32>
  // CHECK: kf.linear {{.*}} : tensor<1x64xf32>, tensor<27x64xf16> -> tensor<1x27xf32>
  %1 = kf.linear %x, %wt layout(out_in) : tensor<1x64xf32>, tensor<27x64xf16> -> tensor<1x27xf32>
  // CHECK: kf.matmul {{.*}} : tensor<2x4x64xf32>, tensor<2x27x64xf16> -> tensor<2x4x27xf32>
  %2 = kf.matmul %a, %bb transpose_rhs : tensor<2x4x64xf32>, tensor<2x27x64xf16> -> tensor<2x4x27xf32>
  return %0, %1, %2 : tensor<1x8xf32>, tensor<1x27xf32>, tensor<2x4x27xf32>
}

// i8 weights with block scales (blocks along the input features).
// CHECK-LABEL: func @linear_blocks
func.func @linear_blocks(%x: tensor<2x64xf32>, %q: tensor<64x8xi8>, %s: tensor<2x8xf32>, %b: tensor<8xf32>,
                         %qt: tensor<27x64xi8>, %st: tensor<27x4xf32>, %ids: tensor<1x3xi64>)
    -> (tensor<2x8xf32>, tensor<2x27xf32>, tensor<1x3x64xf32>) {
  // CHECK: kf.linear %{{.*}}, %{{.*}}, %{{.*}} scales(%{{.*}} : tensor<2x8xf32>) layout(in_out) : tensor<2x64xf32>, tensor<64x8xi8>, tensor<8xf32> -> tensor<2x8xf32>
  %0 = kf.linear %x, %q, %b scales(%s : tensor<2x8xf32>) layout(in_out) : tensor<2x64xf32>, tensor<64x8xi8>, tensor<8xf32> -> tensor<2x8xf32>
  // CHECK: kf.linear %{{.*}}, %{{.*}} scales(%{{.*}} : tensor<27x4xf32>) layout(out_in)
  %1 = kf.linear %x, %qt scales(%st : tensor<27x4xf32>) layout(out_in) : tensor<2x64xf32>, tensor<27x64xi8> -> tensor<2x27xf32>
  // CHECK: kf.embedding %{{.*}}, %{{.*}} scales(%{{.*}} : tensor<27x4xf32>) : tensor<1x3xi64>, tensor<27x64xi8> -> tensor<1x3x64xf32>
  %2 = kf.embedding %ids, %qt scales(%st : tensor<27x4xf32>) : tensor<1x3xi64>, tensor<27x64xi8> -> tensor<1x3x64xf32>
  return %0, %1, %2 : tensor<2x8xf32>, tensor<2x27xf32>, tensor<1x3x64xf32>
}

// The same with f16 scales (the Q8_0 layout).
// CHECK-LABEL: func @linear_blocks_f16_scales
func.func @linear_blocks_f16_scales(%x: tensor<2x64xf32>, %q: tensor<64x8xi8>, %s: tensor<2x8xf16>,
                                    %qt: tensor<27x64xi8>, %st: tensor<27x4xf16>, %ids: tensor<1x3xi64>)
    -> (tensor<2x8xf32>, tensor<2x27xf32>, tensor<1x3x64xf32>) {
  // CHECK: kf.linear %{{.*}}, %{{.*}} scales(%{{.*}} : tensor<2x8xf16>) layout(in_out) : tensor<2x64xf32>, tensor<64x8xi8> -> tensor<2x8xf32>
  %0 = kf.linear %x, %q scales(%s : tensor<2x8xf16>) layout(in_out) : tensor<2x64xf32>, tensor<64x8xi8> -> tensor<2x8xf32>
  // CHECK: kf.linear %{{.*}}, %{{.*}} scales(%{{.*}} : tensor<27x4xf16>) layout(out_in)
  %1 = kf.linear %x, %qt scales(%st : tensor<27x4xf16>) layout(out_in) : tensor<2x64xf32>, tensor<27x64xi8> -> tensor<2x27xf32>
  // CHECK: kf.embedding %{{.*}}, %{{.*}} scales(%{{.*}} : tensor<27x4xf16>) : tensor<1x3xi64>, tensor<27x64xi8> -> tensor<1x3x64xf32>
  %2 = kf.embedding %ids, %qt scales(%st : tensor<27x4xf16>) : tensor<1x3xi64>, tensor<27x64xi8> -> tensor<1x3x64xf32>
  return %0, %1, %2 : tensor<2x8xf32>, tensor<2x27xf32>, tensor<1x3x64xf32>
}

// CHECK-LABEL: func @linear_dynamic
func.func @linear_dynamic(%x: tensor<?x?x64xbf16>, %w: tensor<64x?xbf16>) -> tensor<?x?x?xbf16> {
  // CHECK: kf.linear {{.*}} : tensor<?x?x64xbf16>, tensor<64x?xbf16> -> tensor<?x?x?xbf16>
  %0 = kf.linear %x, %w layout(in_out) : tensor<?x?x64xbf16>, tensor<64x?xbf16> -> tensor<?x?x?xbf16>
  return %0 : tensor<?x?x?xbf16>
}

// CHECK-LABEL: func @matmul
func.func @matmul(%a: tensor<2x4x16x8xf16>, %b: tensor<2x4x8x32xf16>, %k: tensor<2x4x32x8xf16>)
    -> (tensor<2x4x16x32xf16>, tensor<2x4x16x32xf16>) {
  // CHECK: kf.matmul %{{.*}}, %{{.*}} : tensor<2x4x16x8xf16>, tensor<2x4x8x32xf16> -> tensor<2x4x16x32xf16>
  %0 = kf.matmul %a, %b : tensor<2x4x16x8xf16>, tensor<2x4x8x32xf16> -> tensor<2x4x16x32xf16>
  // CHECK: kf.matmul %{{.*}}, %{{.*}} transpose_rhs : tensor<2x4x16x8xf16>, tensor<2x4x32x8xf16> -> tensor<2x4x16x32xf16>
  %1 = kf.matmul %a, %k transpose_rhs : tensor<2x4x16x8xf16>, tensor<2x4x32x8xf16> -> tensor<2x4x16x32xf16>
  return %0, %1 : tensor<2x4x16x32xf16>, tensor<2x4x16x32xf16>
}

// CHECK-LABEL: func @norms
func.func @norms(%x: tensor<1x16x64xf32>, %g: tensor<64xf32>, %b: tensor<64xf32>)
    -> (tensor<1x16x64xf32>, tensor<1x16x64xf32>, tensor<1x16x64xf32>, tensor<1x16x64xf32>) {
  // CHECK: kf.layer_norm %{{.*}} scale(%{{.*}} : tensor<64xf32>) bias(%{{.*}} : tensor<64xf32>) {epsilon = 1.000000e-05 : f64} : tensor<1x16x64xf32>
  %0 = kf.layer_norm %x scale(%g : tensor<64xf32>) bias(%b : tensor<64xf32>) {epsilon = 1.0e-5 : f64} : tensor<1x16x64xf32>
  // CHECK: kf.layer_norm %{{.*}} scale(%{{.*}} : tensor<64xf32>) {epsilon = 1.000000e-05 : f64} : tensor<1x16x64xf32>
  %1 = kf.layer_norm %x scale(%g : tensor<64xf32>) {epsilon = 1.0e-5 : f64} : tensor<1x16x64xf32>
  // CHECK: kf.layer_norm %{{.*}} {epsilon = 1.000000e-05 : f64} : tensor<1x16x64xf32>
  %2 = kf.layer_norm %x {epsilon = 1.0e-5 : f64} : tensor<1x16x64xf32>
  // CHECK: kf.rms_norm %{{.*}}, %{{.*}} {epsilon = 9.9999999999999995E-7 : f64} : tensor<1x16x64xf32>, tensor<64xf32>
  %3 = kf.rms_norm %x, %g {epsilon = 1.0e-6 : f64} : tensor<1x16x64xf32>, tensor<64xf32>
  return %0, %1, %2, %3 : tensor<1x16x64xf32>, tensor<1x16x64xf32>, tensor<1x16x64xf32>, tensor<1x16x64xf32>
}

// CHECK-LABEL: func @activations
func.func @activations(%x: tensor<1x16x256xf32>, %y: tensor<1x16x256xf32>)
    -> (tensor<1x16x256xf32>, tensor<1x16x256xf32>, tensor<1x16x256xf32>, tensor<1x16x256xf32>) {
  // CHECK: kf.gelu %{{.*}} tanh : tensor<1x16x256xf32>
  %0 = kf.gelu %x tanh : tensor<1x16x256xf32>
  // CHECK: kf.gelu %{{.*}} erf : tensor<1x16x256xf32>
  %1 = kf.gelu %x erf : tensor<1x16x256xf32>
  // CHECK: kf.silu %{{.*}} : tensor<1x16x256xf32>
  %2 = kf.silu %x : tensor<1x16x256xf32>
  // CHECK: kf.swiglu %{{.*}}, %{{.*}} : tensor<1x16x256xf32>
  %3 = kf.swiglu %x, %y : tensor<1x16x256xf32>
  return %0, %1, %2, %3 : tensor<1x16x256xf32>, tensor<1x16x256xf32>, tensor<1x16x256xf32>, tensor<1x16x256xf32>
}

// CHECK-LABEL: func @broadcast_binary
func.func @broadcast_binary(%x: tensor<2x16x64xf32>, %v: tensor<64xf32>, %c: tensor<2x1x1xf32>,
                            %d: tensor<?x16x64xf32>) -> (tensor<2x16x64xf32>, tensor<2x16x64xf32>, tensor<2x16x64xf32>) {
  // CHECK: kf.add %{{.*}}, %{{.*}} : tensor<2x16x64xf32>, tensor<64xf32>
  %0 = kf.add %x, %v : tensor<2x16x64xf32>, tensor<64xf32>
  // CHECK: kf.mul %{{.*}}, %{{.*}} : tensor<2x16x64xf32>, tensor<2x1x1xf32>
  %1 = kf.mul %x, %c : tensor<2x16x64xf32>, tensor<2x1x1xf32>
  // A dynamic dimension broadcast against a static one takes the static size.
  // CHECK: kf.add %{{.*}}, %{{.*}} : tensor<?x16x64xf32>, tensor<2x16x64xf32>
  %2 = kf.add %d, %x : tensor<?x16x64xf32>, tensor<2x16x64xf32>
  return %0, %1, %2 : tensor<2x16x64xf32>, tensor<2x16x64xf32>, tensor<2x16x64xf32>
}

// CHECK-LABEL: func @softmax
func.func @softmax(%s: tensor<1x4x16x16xf32>) -> (tensor<1x4x16x16xf32>, tensor<1x4x16x16xf32>) {
  // CHECK: kf.softmax %{{.*}} {axis = 2 : i64} : tensor<1x4x16x16xf32>
  %0 = kf.softmax %s {axis = 2} : tensor<1x4x16x16xf32>
  // CHECK: kf.softmax %{{.*}} causal : tensor<1x4x16x16xf32>
  %1 = kf.softmax %s causal : tensor<1x4x16x16xf32>
  return %0, %1 : tensor<1x4x16x16xf32>, tensor<1x4x16x16xf32>
}

// CHECK-LABEL: func @attention
func.func @attention(%q: tensor<1x8x16x64xf32>, %k: tensor<1x2x16x64xf32>, %v: tensor<1x2x16x32xf32>,
                     %mask: tensor<1x1x16x16xf32>) -> (tensor<1x8x16x32xf32>, tensor<1x8x16x32xf32>) {
  // CHECK: kf.attention %{{.*}}, %{{.*}}, %{{.*}} causal {scale = 1.250000e-01 : f64} : tensor<1x8x16x64xf32>, tensor<1x2x16x64xf32>, tensor<1x2x16x32xf32> -> tensor<1x8x16x32xf32>
  %0 = kf.attention %q, %k, %v causal {scale = 0.125 : f64}
      : tensor<1x8x16x64xf32>, tensor<1x2x16x64xf32>, tensor<1x2x16x32xf32> -> tensor<1x8x16x32xf32>
  // CHECK: kf.attention %{{.*}}, %{{.*}}, %{{.*}} mask(%{{.*}} : tensor<1x1x16x16xf32>) : tensor<1x8x16x64xf32>
  %1 = kf.attention %q, %k, %v mask(%mask : tensor<1x1x16x16xf32>)
      : tensor<1x8x16x64xf32>, tensor<1x2x16x64xf32>, tensor<1x2x16x32xf32> -> tensor<1x8x16x32xf32>
  return %0, %1 : tensor<1x8x16x32xf32>, tensor<1x8x16x32xf32>
}

// Mistral's sliding window and Gemma 2's logit soft-cap.
// CHECK-LABEL: func @attention_window_softcap
func.func @attention_window_softcap(%q: tensor<1x8x16x64xf32>, %k: tensor<1x2x16x64xf32>) -> tensor<1x8x16x64xf32> {
  // CHECK: kf.attention %{{.*}}, %{{.*}}, %{{.*}} causal {softcap = 5.000000e+01 : f64, window = 4 : i64}
  %0 = kf.attention %q, %k, %k causal {window = 4 : i64, softcap = 50.0 : f64}
      : tensor<1x8x16x64xf32>, tensor<1x2x16x64xf32>, tensor<1x2x16x64xf32> -> tensor<1x8x16x64xf32>
  return %0 : tensor<1x8x16x64xf32>
}

// CHECK-LABEL: func @decode_attention
func.func @decode_attention(%q: tensor<1x4x1x16xf32>, %k: tensor<1x4x1x16xf32>, %v: tensor<1x4x1x16xf32>,
                            %kc: tensor<1x4x128x16xf32>, %vc: tensor<1x4x128x16xf32>, %pos: index)
    -> (tensor<1x4x1x16xf32>, tensor<1x4x128x16xf32>, tensor<1x4x128x16xf32>) {
  // CHECK: kf.kv_cache_update %{{.*}} into %{{.*}}[%{{.*}}] : tensor<1x4x1x16xf32> into tensor<1x4x128x16xf32>
  %kc2 = kf.kv_cache_update %k into %kc[%pos] : tensor<1x4x1x16xf32> into tensor<1x4x128x16xf32>
  %vc2 = kf.kv_cache_update %v into %vc[%pos] : tensor<1x4x1x16xf32> into tensor<1x4x128x16xf32>
  // CHECK: kf.attention %{{.*}}, %{{.*}}, %{{.*}} causal offset(%{{.*}}) : tensor<1x4x1x16xf32>, tensor<1x4x128x16xf32>, tensor<1x4x128x16xf32> -> tensor<1x4x1x16xf32>
  %o = kf.attention %q, %kc2, %vc2 causal offset(%pos)
      : tensor<1x4x1x16xf32>, tensor<1x4x128x16xf32>, tensor<1x4x128x16xf32> -> tensor<1x4x1x16xf32>
  return %o, %kc2, %vc2 : tensor<1x4x1x16xf32>, tensor<1x4x128x16xf32>, tensor<1x4x128x16xf32>
}

// A 16-bit cache under f32 keys, values and query.
// CHECK-LABEL: func @decode_attention_bf16_cache
func.func @decode_attention_bf16_cache(%q: tensor<1x4x1x16xf32>, %k: tensor<1x4x1x16xf32>,
                                       %kc: tensor<1x4x128x16xbf16>, %vc: tensor<1x4x128x16xf16>, %pos: index)
    -> tensor<1x4x1x16xf32> {
  // CHECK: kf.kv_cache_update %{{.*}} into %{{.*}}[%{{.*}}] : tensor<1x4x1x16xf32> into tensor<1x4x128x16xbf16>
  %kc2 = kf.kv_cache_update %k into %kc[%pos] : tensor<1x4x1x16xf32> into tensor<1x4x128x16xbf16>
  // CHECK: kf.attention %{{.*}}, %{{.*}}, %{{.*}} causal offset(%{{.*}}) : tensor<1x4x1x16xf32>, tensor<1x4x128x16xbf16>, tensor<1x4x128x16xf16> -> tensor<1x4x1x16xf32>
  %o = kf.attention %q, %kc2, %vc causal offset(%pos)
      : tensor<1x4x1x16xf32>, tensor<1x4x128x16xbf16>, tensor<1x4x128x16xf16> -> tensor<1x4x1x16xf32>
  return %o : tensor<1x4x1x16xf32>
}

// CHECK-LABEL: func @heads
func.func @heads(%x: tensor<2x16x64xf32>, %d: tensor<2x?x?xf32>) -> (tensor<2x16x64xf32>, tensor<2x4x?x?xf32>) {
  // CHECK: kf.split_heads %{{.*}} {num_heads = 4 : i64} : tensor<2x16x64xf32> -> tensor<2x4x16x16xf32>
  %0 = kf.split_heads %x {num_heads = 4} : tensor<2x16x64xf32> -> tensor<2x4x16x16xf32>
  // CHECK: kf.merge_heads %{{.*}} : tensor<2x4x16x16xf32> -> tensor<2x16x64xf32>
  %1 = kf.merge_heads %0 : tensor<2x4x16x16xf32> -> tensor<2x16x64xf32>
  // CHECK: kf.split_heads %{{.*}} {num_heads = 4 : i64} : tensor<2x?x?xf32> -> tensor<2x4x?x?xf32>
  %2 = kf.split_heads %d {num_heads = 4} : tensor<2x?x?xf32> -> tensor<2x4x?x?xf32>
  return %1, %2 : tensor<2x16x64xf32>, tensor<2x4x?x?xf32>
}

// CHECK-LABEL: func @embedding
func.func @embedding(%ids: tensor<1x16xi64>, %ids32: tensor<3xi32>, %wte: tensor<27x64xf32>,
                     %wpe: tensor<16x64xf32>, %pos: index)
    -> (tensor<1x16x64xf32>, tensor<3x64xf32>, tensor<3x64xf32>) {
  // CHECK: kf.embedding %{{.*}}, %{{.*}} positions(%{{.*}} : tensor<16x64xf32>) : tensor<1x16xi64>, tensor<27x64xf32> -> tensor<1x16x64xf32>
  %0 = kf.embedding %ids, %wte positions(%wpe : tensor<16x64xf32>) : tensor<1x16xi64>, tensor<27x64xf32> -> tensor<1x16x64xf32>
  // CHECK: kf.embedding %{{.*}}, %{{.*}} : tensor<3xi32>, tensor<27x64xf32> -> tensor<3x64xf32>
  %1 = kf.embedding %ids32, %wte : tensor<3xi32>, tensor<27x64xf32> -> tensor<3x64xf32>
  // CHECK: kf.embedding %{{.*}}, %{{.*}} positions(%{{.*}} : tensor<16x64xf32>) offset(%{{.*}}) : tensor<3xi32>
  %2 = kf.embedding %ids32, %wte positions(%wpe : tensor<16x64xf32>) offset(%pos) : tensor<3xi32>, tensor<27x64xf32> -> tensor<3x64xf32>
  return %0, %1, %2 : tensor<1x16x64xf32>, tensor<3x64xf32>, tensor<3x64xf32>
}

// A 16-bit table under f32 positions gives f32 rows.
// CHECK-LABEL: func @embedding_storage_type
func.func @embedding_storage_type(%ids: tensor<1x4xi64>, %wte: tensor<27x64xbf16>,
                                  %wpe: tensor<16x64xf32>) -> (tensor<1x4x64xf32>, tensor<1x4x64xbf16>) {
  // CHECK: kf.embedding {{.*}} : tensor<1x4xi64>, tensor<27x64xbf16> -> tensor<1x4x64xf32>
  %0 = kf.embedding %ids, %wte positions(%wpe : tensor<16x64xf32>) : tensor<1x4xi64>, tensor<27x64xbf16> -> tensor<1x4x64xf32>
  // CHECK: kf.embedding {{.*}} : tensor<1x4xi64>, tensor<27x64xbf16> -> tensor<1x4x64xbf16>
  %1 = kf.embedding %ids, %wte : tensor<1x4xi64>, tensor<27x64xbf16> -> tensor<1x4x64xbf16>
  return %0, %1 : tensor<1x4x64xf32>, tensor<1x4x64xbf16>
}

// CHECK-LABEL: func @rope
func.func @rope(%x: tensor<1x8x16x64xf32>, %pos: index) -> (tensor<1x8x16x64xf32>, tensor<1x8x16x64xf32>) {
  // CHECK: kf.rope %{{.*}} {theta = 1.000000e+04 : f64} : tensor<1x8x16x64xf32>
  %0 = kf.rope %x {theta = 10000.0 : f64} : tensor<1x8x16x64xf32>
  // CHECK: kf.rope %{{.*}} offset(%{{.*}}) interleaved {theta = 5.000000e+05 : f64} : tensor<1x8x16x64xf32>
  %1 = kf.rope %x offset(%pos) interleaved {theta = 500000.0 : f64} : tensor<1x8x16x64xf32>
  return %0, %1 : tensor<1x8x16x64xf32>, tensor<1x8x16x64xf32>
}

// CHECK-LABEL: func @argmax
func.func @argmax(%logits: tensor<2x27xf32>) -> (tensor<2xi64>, tensor<27xi64>) {
  // CHECK: kf.argmax %{{.*}} : tensor<2x27xf32> -> tensor<2xi64>
  %0 = kf.argmax %logits : tensor<2x27xf32> -> tensor<2xi64>
  // CHECK: kf.argmax %{{.*}} {axis = 0 : i64} : tensor<2x27xf32> -> tensor<27xi64>
  %1 = kf.argmax %logits {axis = 0} : tensor<2x27xf32> -> tensor<27xi64>
  return %0, %1 : tensor<2xi64>, tensor<27xi64>
}

// CHECK-LABEL: func @params
// CHECK-SAME: {kf.param = "wte.weight"}
func.func @params(%wte: tensor<27x64xf32> {kf.param = "wte.weight"}) -> tensor<27x64xf32> {
  return %wte : tensor<27x64xf32>
}

// CHECK-LABEL: func @conv2d
func.func @conv2d(%x: tensor<2x3x9x11xf32>, %w: tensor<6x1x3x3xf32>, %b: tensor<6xf32>,
                  %img: tensor<8x28x28x1xf32>, %p: tensor<64x1x7x7xbf16>) -> (tensor<2x6x5x6xf32>, tensor<8x4x4x64xf32>) {
  // CHECK: kf.conv2d %{{.*}}, %{{.*}}, %{{.*}} layout(nchw) {groups = 3 : i64, padding = array<i64: 1, 1>, strides = array<i64: 2, 2>} : tensor<2x3x9x11xf32>, tensor<6x1x3x3xf32>, tensor<6xf32> -> tensor<2x6x5x6xf32>
  %0 = kf.conv2d %x, %w, %b layout(nchw) {strides = array<i64: 2, 2>, padding = array<i64: 1, 1>, groups = 3 : i64} : tensor<2x3x9x11xf32>, tensor<6x1x3x3xf32>, tensor<6xf32> -> tensor<2x6x5x6xf32>
  // CHECK: kf.conv2d %{{.*}}, %{{.*}} layout(nhwc) {strides = array<i64: 7, 7>} : tensor<8x28x28x1xf32>, tensor<64x1x7x7xbf16> -> tensor<8x4x4x64xf32>
  %1 = kf.conv2d %img, %p layout(nhwc) {strides = array<i64: 7, 7>} : tensor<8x28x28x1xf32>, tensor<64x1x7x7xbf16> -> tensor<8x4x4x64xf32>
  return %0, %1 : tensor<2x6x5x6xf32>, tensor<8x4x4x64xf32>
}
