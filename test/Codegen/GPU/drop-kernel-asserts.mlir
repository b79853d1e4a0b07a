// RUN: kernelforge-opt %s --kf-drop-kernel-asserts | FileCheck %s

// The check inside the loop (a future kernel) goes; the host check stays.
// CHECK-LABEL: func.func @checks
// CHECK: cf.assert %{{.+}}, "host"
// CHECK: scf.parallel
// CHECK-NOT: cf.assert
// CHECK: memref.store
func.func @checks(%out: memref<16xf32>, %ids: memref<16xi64>, %pos: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %z = arith.constant 0.0 : f32
  %inside = arith.cmpi slt, %pos, %c16 : index
  cf.assert %inside, "host"
  scf.parallel (%i) = (%c0) to (%c16) step (%c1) {
    %id = memref.load %ids[%i] : memref<16xi64>
    %idx = arith.index_cast %id : i64 to index
    %ok = arith.cmpi slt, %idx, %c16 : index
    cf.assert %ok, "kernel"
    memref.store %z, %out[%i] : memref<16xf32>
    scf.reduce
  }
  return
}
