// RUN: kernelforge-opt %s --pass-pipeline="builtin.module(kf-cpu-target{triple=x86_64-unknown-linux-gnu cpu=znver3 cores=2},convert-kf-to-linalg,canonicalize,func.func(kf-tile-and-vectorize))" | FileCheck %s

// A ViT patch embedding (64 images, 7x7 patches) takes the contraction
// path of kf.linear: after its im2col gather, the product over the 1024
// patch rows gets the same schedule (rows split across threads, the
// target's 6 x 16 AVX2 register tile over weights packed into 16-column
// panels, outer-product vector.contract) as the equivalent kf.linear below.
// CHECK-LABEL: func.func @patch_embed
// CHECK: vector.contract {{.*}} : vector<6x1xf32>, vector<1x1x16xf32> into vector<6x1x16xf32>
// CHECK: } {kf.parallel = "rows", kf.schedule = [[$SCHEDULE:{.*packed_panels = 16.*}]]}
// CHECK-LABEL: func.func @linear
// CHECK: vector.contract {{.*}} : vector<6x1xf32>, vector<1x1x16xf32> into vector<6x1x16xf32>
// CHECK: } {kf.parallel = "rows", kf.schedule = [[$SCHEDULE]]}
func.func @patch_embed(%x: tensor<64x28x28x1xf32>, %w: tensor<64x1x7x7xf32>, %b: tensor<64xf32>) -> tensor<64x4x4x64xf32> {
  %y = kf.conv2d %x, %w, %b layout(nhwc) {strides = array<i64: 7, 7>} : tensor<64x28x28x1xf32>, tensor<64x1x7x7xf32>, tensor<64xf32> -> tensor<64x4x4x64xf32>
  return %y : tensor<64x4x4x64xf32>
}
func.func @linear(%x: tensor<1024x49xf32>, %w: tensor<64x49xf32>, %b: tensor<64xf32>) -> tensor<1024x64xf32> {
  %y = kf.linear %x, %w, %b layout(out_in) : tensor<1024x49xf32>, tensor<64x49xf32>, tensor<64xf32> -> tensor<1024x64xf32>
  return %y : tensor<1024x64xf32>
}
