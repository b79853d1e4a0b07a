// RUN: kernelforge-opt %s --kf-lower-strided-copies | FileCheck %s

// A copy into a strided view would call the C runner's memrefCopy: it
// becomes a linalg.copy. A contiguous copy stays (memcpy).
// CHECK-LABEL: func.func @copies
// CHECK-SAME: (%[[A:.+]]: memref<2x4xf32>, %[[B:.+]]: memref<4x8xf32>, %[[C:.+]]: memref<2x4xf32>)
// CHECK: %[[VIEW:.+]] = memref.subview %[[B]]
// CHECK: linalg.copy ins(%[[A]] : memref<2x4xf32>) outs(%[[VIEW]] : memref<2x4xf32, strided<[8, 1], offset: 2>>)
// CHECK: memref.copy %[[A]], %[[C]] : memref<2x4xf32> to memref<2x4xf32>
func.func @copies(%a: memref<2x4xf32>, %b: memref<4x8xf32>, %c: memref<2x4xf32>) {
  %view = memref.subview %b[0, 2] [2, 4] [1, 1] : memref<4x8xf32> to memref<2x4xf32, strided<[8, 1], offset: 2>>
  memref.copy %a, %view : memref<2x4xf32> to memref<2x4xf32, strided<[8, 1], offset: 2>>
  memref.copy %a, %c : memref<2x4xf32> to memref<2x4xf32>
  return
}
