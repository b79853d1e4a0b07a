// kf-gpu-pipeline on a layer norm: kernels launched asynchronously (on a
// stream) from the host, the row
// statistics reduced by one block per row with warp shuffles and workgroup
// memory in the generated PTX, and no host loop over the rows.
// RUN: kernelforge-opt %s --kf-gpu-pipeline="chip=sm_80 features=+ptx70" | FileCheck %s

// CHECK-NOT: scf.for
// CHECK-NOT: scf.parallel
// CHECK-DAG: gpu.binary @layer_norm_kernel
// CHECK-DAG: shfl.sync.bfly
// CHECK-DAG: .shared
// CHECK-DAG: bar.sync
// CHECK-DAG: .target sm_80
// CHECK-DAG: gpu.launch_func <%{{.+}} : !llvm.ptr> @layer_norm_kernel::@layer_norm_kernel blocks in (%{{.+}}, %{{.+}}, %{{.+}}) threads in (%{{.+}}, %{{.+}}, %{{.+}})
// CHECK-DAG: llvm.func @layer_norm
func.func @layer_norm(%x: tensor<16x768xf32>, %g: tensor<768xf32>, %b: tensor<768xf32>) -> tensor<16x768xf32> {
  %y = kf.layer_norm %x scale(%g : tensor<768xf32>) bias(%b : tensor<768xf32>) {epsilon = 1.0e-05 : f64} : tensor<16x768xf32>
  return %y : tensor<16x768xf32>
}
