// A short prompt's products (the runners compile any prompt of up to 16
// tokens as 16 rows: fewer than the 4 register tiles of "many rows") against
// i8 blocks, stored [n, k] or [k, n], go through kf-cpu-pipeline with their
// weights dequantised into packed panels, as many rows' are: unpacked, each
// register-tile column of an [n, k] weight would be gathered from another
// weight row, and i8 blocks would be dequantised whole into memory first.
// AVX2's tiles of 6 rows: two, and the 4 rows left over from the same panels.
// RUN: kernelforge-opt %s --kf-cpu-pipeline="stop-after=vector target-triple=x86_64-unknown-linux-gnu target-cpu=znver3" | FileCheck %s

// CHECK-LABEL: func.func @out_in
// CHECK: arith.sitofp %{{.+}} : vector<1x8x1x8xi8> to vector<1x8x1x8xf32>
// CHECK: vector.contract {{.*}} : vector<6x1xf32>, vector<1x1x16xf32> into vector<6x1x16xf32>
// CHECK: vector.contract {{.*}} : vector<4x1xf32>, vector<1x1x16xf32> into vector<4x1x16xf32>
// CHECK: kf.parallel = "features", kf.schedule = {k_tile = 256 : i64, packed_panels = 16 : i64, register_tile = array<i64: 6, 16>
func.func @out_in(%x: tensor<16x256xf32>, %q: tensor<128x256xi8>, %s: tensor<128x8xf16>) -> tensor<16x128xf32> {
  %y = kf.linear %x, %q scales(%s : tensor<128x8xf16>) layout(out_in) : tensor<16x256xf32>, tensor<128x256xi8> -> tensor<16x128xf32>
  return %y : tensor<16x128xf32>
}

// CHECK-LABEL: func.func @in_out
// CHECK: vector.contract {{.*}} : vector<6x1xf32>, vector<1x1x16xf32> into vector<6x1x16xf32>
// CHECK: vector.contract {{.*}} : vector<4x1xf32>, vector<1x1x16xf32> into vector<4x1x16xf32>
// CHECK: kf.parallel = "features", kf.schedule = {k_tile = 256 : i64, packed_panels = 16 : i64, register_tile = array<i64: 6, 16>
func.func @in_out(%x: tensor<16x256xf32>, %q: tensor<256x128xi8>, %s: tensor<8x128xf16>) -> tensor<16x128xf32> {
  %y = kf.linear %x, %q scales(%s : tensor<8x128xf16>) layout(in_out) : tensor<16x256xf32>, tensor<256x128xi8> -> tensor<16x128xf32>
  return %y : tensor<16x128xf32>
}
