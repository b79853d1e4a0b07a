// RUN: kernelforge-opt %s --convert-parallel-reductions-to-gpu --split-input-file | FileCheck %s
// RUN: not kernelforge-opt %s --convert-parallel-reductions-to-gpu="block-size=48" 2>&1 | FileCheck %s --check-prefix=SIZE

// SIZE: error: block-size must be a positive multiple of 32, got 48

// One block per row (4 blocks of 256 threads), no host loop over rows: each
// thread folds columns tid, tid + 256, ... from the neutral element, the
// block combines the partials with gpu.all_reduce, and thread 0 adds the
// row's initial value and stores.
// CHECK-LABEL: func.func @row_sums
// CHECK-SAME: (%[[IN:.+]]: memref<4x1000xf32>, %[[OUT:.+]]: memref<4xf32>)
// CHECK-NOT: scf.parallel
// CHECK: gpu.launch blocks(%[[ROW:.+]], %{{.+}}, %{{.+}}) in (%{{.+}} = %c4{{.*}}, %{{.+}} = %c1{{.*}}, %{{.+}} = %c1{{.*}}) threads(%[[TID:.+]], %{{.+}}, %{{.+}}) in (%{{.+}} = %c256{{.*}}, %{{.+}} = %c1{{.*}}, %{{.+}} = %c1{{.*}})
// CHECK:   %[[INIT:.+]] = memref.load %[[OUT]][%[[ROW]]]
// CHECK:   %[[PART:.+]] = scf.for %[[K:.+]] = %[[TID]] to %{{.+}} step %{{.+}} iter_args(%[[ACC:.+]] = %{{.+}}) -> (f32)
// CHECK:     memref.load %[[IN]][%[[ROW]], %[[K]]]
// CHECK:     arith.addf %[[ACC]]
// CHECK:   %[[TOTAL:.+]] = gpu.all_reduce add %[[PART]] uniform
// CHECK:   %[[ROWSUM:.+]] = arith.addf %[[INIT]], %[[TOTAL]] : f32
// CHECK:   %[[FIRST:.+]] = arith.cmpi eq, %[[TID]], %{{.+}} : index
// CHECK:   scf.if %[[FIRST]] {
// CHECK:     memref.store %[[ROWSUM]], %[[OUT]][%[[ROW]]]
// CHECK:   gpu.terminator
func.func @row_sums(%in: memref<4x1000xf32>, %out: memref<4xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c1000 = arith.constant 1000 : index
  scf.parallel (%i) = (%c0) to (%c4) step (%c1) {
    %init = memref.load %out[%i] : memref<4xf32>
    %s = scf.parallel (%k) = (%c0) to (%c1000) step (%c1) init (%init) -> f32 {
      %x = memref.load %in[%i, %k] : memref<4x1000xf32>
      scf.reduce(%x : f32) {
      ^bb0(%a: f32, %b: f32):
        %c = arith.addf %a, %b : f32
        scf.reduce.return %c : f32
      }
    }
    memref.store %s, %out[%i] : memref<4xf32>
    scf.reduce
  }
  return
}

// -----

// Two row dimensions (2 x 3 = 6 blocks, the row recovered from the block
// id), a maximum starting from -inf.
// CHECK-LABEL: func.func @row_max_2d
// CHECK: %[[NINF:.+]] = arith.constant 0xFF800000 : f32
// CHECK: gpu.launch blocks(%[[B:.+]], %{{.+}}, %{{.+}}) in (%{{.+}} = %c6{{.*}},
// CHECK-DAG: arith.remui %[[B]], %c3
// CHECK-DAG: arith.divui %[[B]], %c3
// CHECK: scf.for {{.*}} iter_args(%{{.+}} = %[[NINF]])
// CHECK: gpu.all_reduce maximumf
func.func @row_max_2d(%in: memref<2x3x64xf32>, %out: memref<2x3xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %c64 = arith.constant 64 : index
  scf.parallel (%i, %j) = (%c0, %c0) to (%c2, %c3) step (%c1, %c1) {
    %init = memref.load %out[%i, %j] : memref<2x3xf32>
    %m = scf.parallel (%k) = (%c0) to (%c64) step (%c1) init (%init) -> f32 {
      %x = memref.load %in[%i, %j, %k] : memref<2x3x64xf32>
      scf.reduce(%x : f32) {
      ^bb0(%a: f32, %b: f32):
        %c = arith.maximumf %a, %b : f32
        scf.reduce.return %c : f32
      }
    }
    memref.store %m, %out[%i, %j] : memref<2x3xf32>
    scf.reduce
  }
  return
}

// -----

// A parallel loop without an inner reduction is left to the generic mapping.
// CHECK-LABEL: func.func @negative_map
// CHECK: scf.parallel
// CHECK-NOT: gpu.launch
func.func @negative_map(%out: memref<8xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %z = arith.constant 0.0 : f32
  scf.parallel (%i) = (%c0) to (%c8) step (%c1) {
    memref.store %z, %out[%i] : memref<8xf32>
    scf.reduce
  }
  return
}
