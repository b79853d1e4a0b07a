// RUN: kernelforge-opt %s --convert-linalg-reductions-to-parallel --split-input-file | FileCheck %s

// A row sum: scf.parallel over rows, an inner scf.parallel over the reduced
// dimension starting from the current output, combined by scf.reduce.
// CHECK-LABEL: func.func @row_sum
// CHECK-SAME: (%[[IN:.+]]: memref<4x16xf32>, %[[OUT:.+]]: memref<4xf32>)
// CHECK-DAG: %[[C0:.+]] = arith.constant 0 : index
// CHECK-DAG: %[[C1:.+]] = arith.constant 1 : index
// CHECK-DAG: %[[C4:.+]] = arith.constant 4 : index
// CHECK-DAG: %[[C16:.+]] = arith.constant 16 : index
// CHECK: scf.parallel (%[[ROW:.+]]) = (%[[C0]]) to (%[[C4]]) step (%[[C1]]) {
// CHECK:   %[[INIT:.+]] = memref.load %[[OUT]][%[[ROW]]] : memref<4xf32>
// CHECK:   %[[SUM:.+]] = scf.parallel (%[[K:.+]]) = (%[[C0]]) to (%[[C16]]) step (%[[C1]]) init (%[[INIT]]) -> f32 {
// CHECK:     %[[X:.+]] = memref.load %[[IN]][%[[ROW]], %[[K]]] : memref<4x16xf32>
// CHECK:     %[[SQ:.+]] = arith.mulf %[[X]], %[[X]] : f32
// CHECK:     scf.reduce(%[[SQ]] : f32) {
// CHECK:     ^bb0(%[[A:.+]]: f32, %[[B:.+]]: f32):
// CHECK:       %[[C:.+]] = arith.addf %[[A]], %[[B]] : f32
// CHECK:       scf.reduce.return %[[C]] : f32
// CHECK:   memref.store %[[SUM]], %[[OUT]][%[[ROW]]] : memref<4xf32>
// CHECK-NOT: linalg.generic
func.func @row_sum(%in: memref<4x16xf32>, %out: memref<4xf32>) {
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>],
                  iterator_types = ["parallel", "reduction"]}
      ins(%in : memref<4x16xf32>) outs(%out : memref<4xf32>) {
  ^bb0(%x: f32, %acc: f32):
    %sq = arith.mulf %x, %x : f32
    %s = arith.addf %acc, %sq : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// A masked maximum over a leading axis; linalg.index becomes the loop index.
// CHECK-LABEL: func.func @column_max
// CHECK: scf.parallel (%[[COL:.+]]) =
// CHECK: scf.parallel (%[[ROW:.+]]) = {{.*}} init (%{{.+}}) -> f32
// CHECK: arith.cmpi sgt, %[[ROW]], %[[COL]] : index
// CHECK: scf.reduce(
// CHECK: arith.maximumf
func.func @column_max(%in: memref<8x3xf32>, %out: memref<3xf32>) {
  %ninf = arith.constant 0xFF800000 : f32
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>],
                  iterator_types = ["reduction", "parallel"]}
      ins(%in : memref<8x3xf32>) outs(%out : memref<3xf32>) {
  ^bb0(%x: f32, %acc: f32):
    %i = linalg.index 0 : index
    %j = linalg.index 1 : index
    %hidden = arith.cmpi sgt, %i, %j : index
    %v = arith.select %hidden, %ninf, %x : f32
    %m = arith.maximumf %acc, %v : f32
    linalg.yield %m : f32
  }
  return
}

// -----

// Argmax's select-based update is not one associative combiner: untouched.
// CHECK-LABEL: func.func @negative_argmax
// CHECK: linalg.generic
// CHECK-NOT: scf.reduce
func.func @negative_argmax(%in: memref<4x16xf32>, %max: memref<4xf32>, %idx: memref<4xi64>) {
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>, affine_map<(d0, d1) -> (d0)>],
                  iterator_types = ["parallel", "reduction"]}
      ins(%in : memref<4x16xf32>) outs(%max, %idx : memref<4xf32>, memref<4xi64>) {
  ^bb0(%x: f32, %m: f32, %i: i64):
    %gt = arith.cmpf ogt, %x, %m : f32
    %k = linalg.index 1 : index
    %k64 = arith.index_cast %k : index to i64
    %m2 = arith.select %gt, %x, %m : f32
    %i2 = arith.select %gt, %k64, %i : i64
    linalg.yield %m2, %i2 : f32, i64
  }
  return
}

// -----

// On tensors the pass does nothing: it runs after bufferization.
// CHECK-LABEL: func.func @negative_tensors
// CHECK: linalg.generic
func.func @negative_tensors(%in: tensor<4x16xf32>, %out: tensor<4xf32>) -> tensor<4xf32> {
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>],
                  iterator_types = ["parallel", "reduction"]}
      ins(%in : tensor<4x16xf32>) outs(%out : tensor<4xf32>) {
  ^bb0(%x: f32, %acc: f32):
    %s = arith.addf %acc, %x : f32
    linalg.yield %s : f32
  } -> tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

// A matrix product is a reduction too; with skip-contractions it is left
// for the loop lowering (on a GPU: one output per thread).
// RUN: kernelforge-opt %s --convert-linalg-reductions-to-parallel="skip-contractions=1" --split-input-file | FileCheck %s --check-prefix=SKIP
// CHECK-LABEL: func.func @matmul
// CHECK: scf.reduce(
// SKIP-LABEL: func.func @matmul
// SKIP: linalg.generic
// SKIP-NOT: scf.reduce(
func.func @matmul(%a: memref<4x8xf32>, %b: memref<8x6xf32>, %c: memref<4x6xf32>) {
  linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>],
                  iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<4x8xf32>, memref<8x6xf32>) outs(%c : memref<4x6xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}
