// kf-gpu-pipeline on a layer norm: kernels launched asynchronously (on a
// stream) from the host, the row
// statistics reduced by one block per row with warp shuffles and workgroup
// memory in the generated PTX, and no host loop over the rows.
// RUN: kernelforge-opt %s --kf-gpu-pipeline="chip=sm_80 features=+ptx70" | FileCheck %s

// CHECK-NOT: scf.for
// CHECK-NOT: scf.parallel
// CHECK-DAG: gpu.binary @kernels
// CHECK-DAG: shfl.sync.bfly
// CHECK-DAG: .shared
// CHECK-DAG: bar.sync
// CHECK-DAG: .target sm_80
// CHECK-DAG: gpu.launch_func <%{{.+}} : !llvm.ptr> @kernels::@layer_norm_kernel blocks in (%{{.+}}, %{{.+}}, %{{.+}}) threads in (%{{.+}}, %{{.+}}, %{{.+}})
// CHECK-DAG: llvm.func @layer_norm
func.func @layer_norm(%x: tensor<16x768xf32>, %g: tensor<768xf32>, %b: tensor<768xf32>) -> tensor<16x768xf32> {
  %y = kf.layer_norm %x scale(%g : tensor<768xf32>) bias(%b : tensor<768xf32>) {epsilon = 1.0e-05 : f64} : tensor<16x768xf32>
  return %y : tensor<16x768xf32>
}

// A linear layer at 64 tokens and at one (decode): no host loop; the
// 64-token product is a tiled kernel (k-tiles in workgroup memory between
// barriers, 3 x 1 blocks of 16 x 16 threads), the one-token product a
// mat-vec kernel (8 columns x 32 k-groups, 24 blocks). Each starts its sums
// from the bias itself: one kernel per function (outlined without a suffix),
// both in the one kernel module.
// RUN: kernelforge-opt %s --kf-gpu-pipeline="chip=sm_80 features=+ptx70" | FileCheck %s --check-prefix=LINEAR
// LINEAR-DAG: gpu.binary @kernels {{.*}}.entry linear_prefill_kernel{{.*}}st.shared.b32{{.*}}bar.sync{{.*}}ld.shared.b32{{.*}}fma.rn.f32{{.*}}.entry linear_decode_kernel{{.*}}fma.rn.f32{{.*}}st.shared.b32{{.*}}bar.sync
// LINEAR-DAG: gpu.launch_func <%{{.+}} : !llvm.ptr> @kernels::@linear_prefill_kernel blocks in
// LINEAR-DAG: gpu.launch_func <%{{.+}} : !llvm.ptr> @kernels::@linear_decode_kernel blocks in
// LINEAR-NOT: @linear_{{prefill|decode}}_kernel_
func.func @linear_prefill(%x: tensor<1x64x768xf32>, %w: tensor<768x192xf32>, %b: tensor<192xf32>) -> tensor<1x64x192xf32> {
  %y = kf.linear %x, %w, %b layout(in_out) : tensor<1x64x768xf32>, tensor<768x192xf32>, tensor<192xf32> -> tensor<1x64x192xf32>
  return %y : tensor<1x64x192xf32>
}
func.func @linear_decode(%x: tensor<1x1x768xf32>, %w: tensor<768x192xf32>, %b: tensor<192xf32>) -> tensor<1x1x192xf32> {
  %y = kf.linear %x, %w, %b layout(in_out) : tensor<1x1x768xf32>, tensor<768x192xf32>, tensor<192xf32> -> tensor<1x1x192xf32>
  return %y : tensor<1x1x192xf32>
}

// kf-gpu-emulator-pipeline: the same kernels as CPU code in the LLVM
// dialect, no gpu op left; blocks run in parallel under OpenMP.
// RUN: kernelforge-opt %s --kf-gpu-emulator-pipeline | FileCheck %s --check-prefix=EMULATOR
// EMULATOR-NOT: gpu.
// EMULATOR: llvm.func @layer_norm
// EMULATOR: omp.parallel
// EMULATOR: omp.wsloop
// EMULATOR: llvm.func @linear_prefill
