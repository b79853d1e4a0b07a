// kernelforge-run checks its inputs against the library's signature.
// RUN: kernelforge-compile %s -o %t.so
// RUN: %python -c "import numpy as np; np.save('%t.ok.npy', np.ones((2, 3), np.float32)); np.save('%t.shape.npy', np.ones((3, 2), np.float32)); np.save('%t.dtype.npy', np.ones((2, 3), np.float64))"
// RUN: kernelforge-run %t.so %t.ok.npy 7 -o %t.out && %python -c "import numpy as np; y = np.load('%t.out0.npy'); assert y.shape == (2, 3) and (y == 9).all(), y"
// RUN: not kernelforge-run %t.so %t.shape.npy 7 2>&1 | FileCheck %s --check-prefix=SHAPE
// RUN: not kernelforge-run %t.so %t.dtype.npy 7 2>&1 | FileCheck %s --check-prefix=DTYPE
// RUN: not kernelforge-run %t.so %t.ok.npy 2>&1 | FileCheck %s --check-prefix=COUNT
// RUN: not kernelforge-run %t.so %t.ok.npy seven 2>&1 | FileCheck %s --check-prefix=SCALAR
// RUN: not kernelforge-run %t.so --entry nope 2>&1 | FileCheck %s --check-prefix=ENTRY
// RUN: not kernelforge-run %s 2>&1 | FileCheck %s --check-prefix=NOTLIB
// RUN: not kernelforge-run %t.so %t.missing.npy 7 2>&1 | FileCheck %s --check-prefix=MISSING

// SHAPE: error: argument 0 of add_index: expected f32[2, 3], got f32[3, 2] from '{{.*}}shape.npy'
// DTYPE: error: argument 0 of add_index: expected f32[2, 3], got f64[2, 3] from '{{.*}}dtype.npy'
// COUNT: error: add_index takes 2 inputs, got 1
// SCALAR: error: argument 1 is a scalar index; expected an integer, got 'seven'
// ENTRY: error: '{{.*}}.so' has no entry point 'nope' (it has: add_index)
// NOTLIB: error: cannot load '{{.*}}kernelforge-run-errors.mlir'
// MISSING: error: cannot open '{{.*}}missing.npy'

// y = x + (n + 1), with the index converted in the graph: ones + 8 = 9.
func.func @add_index(%x: tensor<2x3xf32>, %n: index) -> tensor<2x3xf32> {
  %i = arith.index_cast %n : index to i64
  %f = arith.sitofp %i : i64 to f32
  %one = arith.constant 1.0 : f32
  %g = arith.addf %f, %one : f32
  %t = tensor.splat %g : tensor<2x3xf32>
  %y = kf.add %x, %t : tensor<2x3xf32>, tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}
