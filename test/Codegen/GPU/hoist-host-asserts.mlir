// RUN: kernelforge-opt %s --kf-hoist-host-asserts | FileCheck %s

// The cache-position check reads only an argument: it moves, with the
// comparisons computing it, before the first kernel, so the host need not
// wait for that kernel before checking. A check reading a buffer stays.
// CHECK-LABEL: func.func @checks
// CHECK-SAME: (%[[BUF:.+]]: memref<4xi32>, %[[POS:.+]]: index)
// CHECK: %[[LO:.+]] = arith.cmpi sge, %[[POS]]
// CHECK: %[[HI:.+]] = arith.cmpi slt, %[[POS]]
// CHECK: %[[OK:.+]] = arith.andi %[[LO]], %[[HI]]
// CHECK: cf.assert %[[OK]], "rows past the end of the cache"
// CHECK: gpu.launch
// CHECK: memref.load %[[BUF]]
// CHECK: cf.assert %{{.+}}, "reads a buffer"
func.func @checks(%buf: memref<4xi32>, %pos: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %zero = arith.constant 0 : i32
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %c1, %sy = %c1, %sz = %c1) {
    memref.store %zero, %buf[%c0] : memref<4xi32>
    gpu.terminator
  }
  %lo = arith.cmpi sge, %pos, %c0 : index
  %hi = arith.cmpi slt, %pos, %c16 : index
  %ok = arith.andi %lo, %hi : i1
  cf.assert %ok, "rows past the end of the cache"
  %x = memref.load %buf[%c0] : memref<4xi32>
  %nz = arith.cmpi ne, %x, %zero : i32
  cf.assert %nz, "reads a buffer"
  return
}
