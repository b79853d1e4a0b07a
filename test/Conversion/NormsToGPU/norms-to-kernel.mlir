// RUN: kernelforge-opt %s --convert-norms-to-gpu | FileCheck %s

// A layer norm over 64 features of 2 x 3 rows: one launch of 6 blocks (a
// row each, its two leading indices recovered from the block id) of 64
// threads, with two workgroup buffers of per-warp sums. The threads stride
// the row; each block reduction is a 5-step xor butterfly per warp, lane 0
// storing the warp's sum, a barrier, and every thread adding the 2 sums.
// The first gives the mean, the second (squared deviations) the variance,
// and each thread writes its columns of
// (x - mean) * rsqrt(var + eps) * scale + bias.
// CHECK-LABEL: func.func @layer_norm
// CHECK-SAME: (%[[X:.+]]: tensor<2x3x64xf32>, %[[G:.+]]: tensor<64xf32>, %[[B:.+]]: tensor<64xf32>)
// CHECK-DAG: %[[XB:.+]] = bufferization.to_buffer %[[X]] read_only
// CHECK-DAG: %[[GB:.+]] = bufferization.to_buffer %[[G]] read_only
// CHECK-DAG: %[[BB:.+]] = bufferization.to_buffer %[[B]] read_only
// CHECK-DAG: %[[OUT:.+]] = memref.alloc() : memref<2x3x64xf32>
// CHECK: gpu.launch blocks(%{{.+}}, %{{.+}}, %{{.+}}) in (%{{.+}} = %c6{{[_0-9]*}}, %{{.+}} = %c1{{[_0-9]*}}, %{{.+}} = %c1{{[_0-9]*}}) threads(%[[T:[a-z0-9_]+]], %{{.+}}, %{{.+}}) in (%{{.+}} = %c64{{[_0-9]*}},
// CHECK-SAME: workgroup(%[[P1:.+]] : memref<2xf32, #gpu.address_space<workgroup>>, %[[P2:.+]] : memref<2xf32, #gpu.address_space<workgroup>>)
// CHECK:   scf.for %{{.+}} = %[[T]] to %c64{{.*}} step %c64{{.*}} iter_args
// CHECK:     memref.load %[[XB]]
// CHECK-COUNT-5: gpu.shuffle xor
// CHECK:   scf.if
// CHECK:     memref.store %{{.+}}, %[[P1]]
// CHECK:   gpu.barrier
// CHECK:   memref.load %[[P1]]
// CHECK:   memref.load %[[P1]]
// CHECK:   %[[MEAN:.+]] = arith.mulf %{{.+}}, %{{.+}} : f32
// CHECK:   scf.for
// CHECK:     arith.subf %{{.+}}, %[[MEAN]]
// CHECK-COUNT-5: gpu.shuffle xor
// CHECK:     memref.store %{{.+}}, %[[P2]]
// CHECK:   gpu.barrier
// CHECK:   math.rsqrt
// CHECK:   scf.for
// CHECK:     memref.load %[[GB]]
// CHECK:     memref.load %[[BB]]
// CHECK:     memref.store %{{.+}}, %[[OUT]]
// CHECK:   gpu.terminator
// CHECK: %[[Y:.+]] = bufferization.to_tensor %[[OUT]] restrict writable
// CHECK-NOT: kf.layer_norm
// CHECK: return %[[Y]]
func.func @layer_norm(%x: tensor<2x3x64xf32>, %g: tensor<64xf32>, %b: tensor<64xf32>) -> tensor<2x3x64xf32> {
  %y = kf.layer_norm %x scale(%g : tensor<64xf32>) bias(%b : tensor<64xf32>) {epsilon = 1.0e-05 : f64} : tensor<2x3x64xf32>
  return %y : tensor<2x3x64xf32>
}

// RMS norm over 768 features: 256 threads per row (at most), one block
// reduction (the sum of squares; no mean) through 8 per-warp sums.
// CHECK-LABEL: func.func @rms_norm
// CHECK: gpu.launch blocks({{.*}}) in (%{{.+}} = %c4{{[_0-9]*}}, {{.*}} threads({{.*}}) in (%{{.+}} = %c256{{[_0-9]*}},
// CHECK-SAME: workgroup(%{{.+}} : memref<8xf32, #gpu.address_space<workgroup>>) {
// CHECK-COUNT-1: gpu.barrier
// CHECK-NOT: gpu.barrier
// CHECK: math.rsqrt
// CHECK: gpu.terminator
func.func @rms_norm(%x: tensor<4x768xf32>, %w: tensor<768xf32>) -> tensor<4x768xf32> {
  %y = kf.rms_norm %x, %w {epsilon = 1.0e-06 : f64} : tensor<4x768xf32>, tensor<768xf32>
  return %y : tensor<4x768xf32>
}

// f16 is left for the linalg lowering (which computes in f32).
// CHECK-LABEL: func.func @half
// CHECK-NOT: gpu.launch
// CHECK: kf.layer_norm
func.func @half(%x: tensor<4x64xf16>) -> tensor<4x64xf16> {
  %y = kf.layer_norm %x {epsilon = 1.0e-05 : f64} : tensor<4x64xf16>
  return %y : tensor<4x64xf16>
}
