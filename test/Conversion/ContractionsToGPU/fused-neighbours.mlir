// RUN: kernelforge-opt %s --convert-contractions-to-gpu --split-input-file | FileCheck %s
// RUN: kernelforge-opt %s --convert-contractions-to-gpu="fuse-neighbours=0" --split-input-file | FileCheck %s --check-prefix=APART

#x = affine_map<(m, n, k) -> (m, k)>
#w = affine_map<(m, n, k) -> (k, n)>
#y = affine_map<(m, n, k) -> (m, n)>
#row = affine_map<(m, n) -> (n)>
#id2 = affine_map<(m, n) -> (m, n)>
#id3 = affine_map<(b, m, n) -> (b, m, n)>

// Decode's MLP up-projection: the bias broadcast before the mat-vec and the
// GELU after it (read through a reshape of the temporary, written to a
// buffer allocated in between) become the kernel's prologue and epilogue.
// Each output starts from its bias (loaded from the bias vector, not the
// temporary) and the GELU of the finished sum is stored in the result; the
// temporary is never written. One kernel instead of three.
// CHECK-LABEL: func.func @linear_gelu
// CHECK-SAME: (%[[X:.+]]: memref<1x64xf32>, %[[W:.+]]: memref<64x256xf32>, %[[B:.+]]: memref<256xf32>)
// CHECK-NOT: linalg.generic
// CHECK: %[[OUT:.+]] = memref.alloc() : memref<1x1x256xf32>
// CHECK-NOT: linalg.generic
// CHECK: gpu.launch
// CHECK-NOT: gpu.launch
// CHECK: memref.load %[[W]]
// CHECK: memref.load %[[B]][%[[COL:.+]]]
// CHECK-NOT: memref.store {{.*}}memref<1x256xf32>
// CHECK: math.tanh
// CHECK: memref.store %{{.+}}, %[[OUT]][%{{.+}}, %{{.+}}, %[[COL]]] : memref<1x1x256xf32>
// CHECK: gpu.terminator
// CHECK-NOT: linalg.generic
// CHECK: return %[[OUT]]
// APART-LABEL: func.func @linear_gelu
// APART: linalg.generic
// APART: gpu.launch
// APART: linalg.generic
// APART: math.tanh
func.func @linear_gelu(%x: memref<1x64xf32>, %w: memref<64x256xf32>, %b: memref<256xf32>) -> memref<1x1x256xf32> {
  %tmp = memref.alloc() : memref<1x256xf32>
  linalg.generic {indexing_maps = [#row, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%b : memref<256xf32>) outs(%tmp : memref<1x256xf32>) {
  ^bb0(%in: f32, %o: f32):
    linalg.yield %in : f32
  }
  linalg.generic {indexing_maps = [#x, #w, #y], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : memref<1x64xf32>, memref<64x256xf32>) outs(%tmp : memref<1x256xf32>) {
  ^bb0(%a: f32, %c: f32, %acc: f32):
    %p = arith.mulf %a, %c : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  %view = memref.expand_shape %tmp [[0, 1], [2]] output_shape [1, 1, 256] : memref<1x256xf32> into memref<1x1x256xf32>
  %out = memref.alloc() : memref<1x1x256xf32>
  linalg.generic {indexing_maps = [#id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%view : memref<1x1x256xf32>) outs(%out : memref<1x1x256xf32>) {
  ^bb0(%in: f32, %o: f32):
    %t = math.tanh %in : f32
    linalg.yield %t : f32
  }
  memref.dealloc %tmp : memref<1x256xf32>
  return %out : memref<1x1x256xf32>
}

// -----

#x = affine_map<(m, n, k) -> (m, k)>
#w = affine_map<(m, n, k) -> (k, n)>
#y = affine_map<(m, n, k) -> (m, n)>
#id2 = affine_map<(m, n) -> (m, n)>

// A tiled product from zero (linalg.fill) with a residual add: the fill is
// the accumulators' start, the residual is loaded at each output (inside the
// edge guard, 20 rows in a 32-row tile) and added before the store.
// CHECK-LABEL: func.func @linear_residual
// CHECK-SAME: (%[[X:.+]]: memref<20x32xf32>, %[[W:.+]]: memref<32x64xf32>, %[[R:.+]]: memref<20x64xf32>, %[[Y:.+]]: memref<20x64xf32>)
// CHECK-NOT: linalg.fill
// CHECK: gpu.launch
// CHECK: scf.for {{.*}} iter_args(%{{.+}} = %cst
// CHECK: scf.if
// CHECK:   %[[RES:.+]] = memref.load %[[R]]
// CHECK:   %[[SUM:.+]] = arith.addf %[[RES]], %{{.+}} : f32
// CHECK:   memref.store %[[SUM]], %[[Y]]
// CHECK-NOT: linalg.generic
func.func @linear_residual(%x: memref<20x32xf32>, %w: memref<32x64xf32>, %r: memref<20x64xf32>, %y: memref<20x64xf32>) {
  %zero = arith.constant 0.0 : f32
  %tmp = memref.alloc() : memref<20x64xf32>
  linalg.fill ins(%zero : f32) outs(%tmp : memref<20x64xf32>)
  linalg.generic {indexing_maps = [#x, #w, #y], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : memref<20x32xf32>, memref<32x64xf32>) outs(%tmp : memref<20x64xf32>) {
  ^bb0(%a: f32, %c: f32, %acc: f32):
    %p = arith.mulf %a, %c : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#id2, #id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%r, %tmp : memref<20x64xf32>, memref<20x64xf32>) outs(%y : memref<20x64xf32>) {
  ^bb0(%a: f32, %c: f32, %o: f32):
    %s = arith.addf %a, %c : f32
    linalg.yield %s : f32
  }
  memref.dealloc %tmp : memref<20x64xf32>
  return
}

// -----

#x = affine_map<(m, n, k) -> (m, k)>
#w = affine_map<(m, n, k) -> (k, n)>
#y = affine_map<(m, n, k) -> (m, n)>
#id2 = affine_map<(m, n) -> (m, n)>

// Where the difference would show, the neighbours stay apart:
//  - the product is read again after the add: it must be stored;
//  - the add writes the product's own input: other blocks still read it;
//  - the output is the caller's buffer: it must be stored.
// CHECK-LABEL: func.func @read_again
// CHECK: gpu.launch
// CHECK: linalg.generic
// CHECK: linalg.generic
// CHECK-LABEL: func.func @writes_input
// CHECK: gpu.launch
// CHECK: linalg.generic
// CHECK-LABEL: func.func @caller_buffer
// CHECK: gpu.launch
// CHECK: linalg.generic
func.func @read_again(%x: memref<8x16xf32>, %w: memref<16x32xf32>, %r: memref<8x32xf32>, %y: memref<8x32xf32>, %z: memref<8x32xf32>) {
  %tmp = memref.alloc() : memref<8x32xf32>
  linalg.generic {indexing_maps = [#x, #w, #y], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : memref<8x16xf32>, memref<16x32xf32>) outs(%tmp : memref<8x32xf32>) {
  ^bb0(%a: f32, %c: f32, %acc: f32):
    %p = arith.mulf %a, %c : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#id2, #id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%r, %tmp : memref<8x32xf32>, memref<8x32xf32>) outs(%y : memref<8x32xf32>) {
  ^bb0(%a: f32, %c: f32, %o: f32):
    %s = arith.addf %a, %c : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%tmp : memref<8x32xf32>) outs(%z : memref<8x32xf32>) {
  ^bb0(%c: f32, %o: f32):
    linalg.yield %c : f32
  }
  return
}
func.func @writes_input(%x: memref<8x32xf32>, %w: memref<32x32xf32>) {
  %tmp = memref.alloc() : memref<8x32xf32>
  linalg.generic {indexing_maps = [#x, #w, #y], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : memref<8x32xf32>, memref<32x32xf32>) outs(%tmp : memref<8x32xf32>) {
  ^bb0(%a: f32, %c: f32, %acc: f32):
    %p = arith.mulf %a, %c : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%tmp : memref<8x32xf32>) outs(%x : memref<8x32xf32>) {
  ^bb0(%c: f32, %o: f32):
    %s = arith.addf %o, %c : f32
    linalg.yield %s : f32
  }
  return
}
func.func @caller_buffer(%x: memref<8x16xf32>, %w: memref<16x32xf32>, %tmp: memref<8x32xf32>, %y: memref<8x32xf32>) {
  linalg.generic {indexing_maps = [#x, #w, #y], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : memref<8x16xf32>, memref<16x32xf32>) outs(%tmp : memref<8x32xf32>) {
  ^bb0(%a: f32, %c: f32, %acc: f32):
    %p = arith.mulf %a, %c : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%tmp : memref<8x32xf32>) outs(%y : memref<8x32xf32>) {
  ^bb0(%c: f32, %o: f32):
    %t = math.tanh %c : f32
    linalg.yield %t : f32
  }
  return
}

// -----

#x = affine_map<(m, n, k) -> (m, k)>
#w = affine_map<(m, n, k) -> (n, k)>
#y = affine_map<(m, n, k) -> (m, n)>
#id3 = affine_map<(b, m, n) -> (b, m, n)>
#unit = affine_map<(b, m, n) -> (0, 0, 0)>

// An epilogue that multiplies by a broadcast scalar (a tensor<1x1x1xf32>,
// its map all constants) reads it at [0, 0, 0], not at the output's batch
// index (found by the random-program tester: a linear over 2 x 17 rows then
// kf.mul by a 1x1x1 tensor was wrong from the second batch on, on the GPU
// path only).
// CHECK-LABEL: func.func @linear_times_scalar
// CHECK-SAME: %[[S:[a-z0-9]+]]: memref<1x1x1xf32>
// CHECK: %[[ZERO:.+]] = arith.constant 0 : index
// CHECK: gpu.launch
// CHECK: %[[SCALE:.+]] = memref.load %[[S]][%[[ZERO]], %[[ZERO]], %[[ZERO]]] : memref<1x1x1xf32>
// CHECK: arith.mulf %{{.+}}, %[[SCALE]] : f32
// CHECK: gpu.terminator
func.func @linear_times_scalar(%x: memref<34x4xf32>, %w: memref<8x4xf32>, %s: memref<1x1x1xf32>, %out: memref<2x17x8xf32>) {
  %tmp = memref.alloc() : memref<34x8xf32>
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%tmp : memref<34x8xf32>)
  linalg.generic {indexing_maps = [#x, #w, #y], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : memref<34x4xf32>, memref<8x4xf32>) outs(%tmp : memref<34x8xf32>) {
  ^bb0(%a: f32, %c: f32, %acc: f32):
    %p = arith.mulf %a, %c : f32
    %t = arith.addf %acc, %p : f32
    linalg.yield %t : f32
  }
  %view = memref.expand_shape %tmp [[0, 1], [2]] output_shape [2, 17, 8] : memref<34x8xf32> into memref<2x17x8xf32>
  linalg.generic {indexing_maps = [#id3, #unit, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%view, %s : memref<2x17x8xf32>, memref<1x1x1xf32>) outs(%out : memref<2x17x8xf32>) {
  ^bb0(%in: f32, %k: f32, %o: f32):
    %m = arith.mulf %in, %k : f32
    linalg.yield %m : f32
  }
  memref.dealloc %tmp : memref<34x8xf32>
  return
}
