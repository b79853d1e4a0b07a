// RUN: kernelforge-opt %s --kf-tile-loops-for-gpu --split-input-file | FileCheck %s
// RUN: not kernelforge-opt %s --kf-tile-loops-for-gpu="threads=48" 2>&1 | FileCheck %s --check-prefix=SIZE

// SIZE: error: threads must be a positive multiple of 32, got 48

// Rows x columns: a tile is one row and 256 columns (one block of threads
// reading neighbouring addresses), bounds fixed with an in-bounds check.
// CHECK-LABEL: func.func @rows
// CHECK: scf.parallel (%[[I:.+]], %[[J:.+]]) = (%{{.+}}, %{{.+}}) to (%{{.+}}, %{{.+}}) step (%{{.+}}, %[[STEP:.+]])
// CHECK: scf.parallel (%{{.+}}, %[[T:.+]]) = {{.*}} to (%{{.+}}, %{{.+}})
// CHECK: scf.if
// CHECK: memref.store
func.func @rows(%out: memref<4x1000xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c1000 = arith.constant 1000 : index
  %z = arith.constant 0.0 : f32
  scf.parallel (%i, %j) = (%c0, %c0) to (%c4, %c1000) step (%c1, %c1) {
    memref.store %z, %out[%i, %j] : memref<4x1000xf32>
    scf.reduce
  }
  return
}

// -----

// One row (decode): the unit dimension is dropped, the columns tiled by 256.
// CHECK-LABEL: func.func @one_row
// CHECK: scf.parallel (%{{[^,]+}}) = (%{{.+}}) to (%{{.+}}) step (%{{.+}})
// CHECK: scf.parallel (%{{[^,]+}}) =
func.func @one_row(%out: memref<1x3072xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3072 = arith.constant 3072 : index
  %z = arith.constant 0.0 : f32
  scf.parallel (%i, %j) = (%c0, %c0) to (%c1, %c3072) step (%c1, %c1) {
    memref.store %z, %out[%i, %j] : memref<1x3072xf32>
    scf.reduce
  }
  return
}
