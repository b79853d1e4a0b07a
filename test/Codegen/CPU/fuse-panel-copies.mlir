// RUN: kernelforge-opt %s --split-input-file --kf-fuse-panel-copies --canonicalize | FileCheck %s
// RUN: kernelforge-opt %s --split-input-file --kf-fuse-panel-copies=rows-ahead=0 | FileCheck %s --check-prefix=NOAHEAD

// A k tile's copy of a [256, 64] block of an f32 weight into 4 panels of 16
// columns (one cache line of each row), then row tiles of 2 of its 6 rows over each
// panel. The copy is gone; the first row tile (rows 0-1) reads each weight
// vector, stores it into its panel and reads it back, asking for the row 32
// steps ahead into L1 beside the copy's own prefetch; the other row tiles
// start at row 2 and read the panels.
// CHECK-LABEL: func.func @f32_runs
// CHECK-DAG:   %[[C0:.+]] = arith.constant 0 : index
// CHECK-DAG:   %[[C2:.+]] = arith.constant 2 : index
// CHECK-DAG:   %[[C32:.+]] = arith.constant 32 : index
// CHECK-DAG:   %[[LAST:.+]] = arith.constant 255 : index
// CHECK:       %[[PANELS:.+]] = memref.alloc()
// CHECK-NEXT:  scf.for %[[P:.+]] = %[[C0]] to
// CHECK:         scf.for %[[K:.+]] = %[[C0]] to
// CHECK-NEXT:      memref.load %arg0[%[[C0]], %[[K]]]
// CHECK-NEXT:      vector.broadcast
// CHECK-NEXT:      memref.prefetch %arg1[%[[K]], %[[P]], %[[C0]]], read, locality<2>
// CHECK-NEXT:      %[[AHEAD:.+]] = arith.addi %[[K]], %[[C32]]
// CHECK-NEXT:      %[[BELOW:.+]] = arith.minsi %[[AHEAD]], %[[LAST]]
// CHECK-NEXT:      %[[ROW:.+]] = arith.maxsi %[[BELOW]], %[[C0]]
// CHECK-NEXT:      memref.prefetch %arg1[%[[ROW]], %[[P]], %[[C0]]], read, locality<3>
// CHECK-NEXT:      %[[W:.+]] = vector.load %arg1[%[[K]], %[[P]], %[[C0]]]
// CHECK-NEXT:      vector.store %[[W]], %[[PANELS]][%[[P]], %[[K]], %[[C0]]]
// CHECK-NEXT:      vector.load %[[PANELS]][%[[P]], %[[K]], %[[C0]]]
// CHECK:         scf.for %[[M:.+]] = %[[C2]] to
// CHECK:           scf.for
// CHECK-NOT:         %arg1
// CHECK:             vector.load %[[PANELS]]
// CHECK-NOT:   vector.store {{.*}}%[[PANELS]]
// NOAHEAD-LABEL: func.func @f32_runs
// NOAHEAD-NOT:   locality<3>
// NOAHEAD:       vector.store {{.*}} : memref<4x256x16xf32>
// NOAHEAD-NOT:   locality<3>
func.func @f32_runs(%a: memref<6x256xf32>, %w: memref<256x4x16xf32>, %c: memref<6x4x16xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c4 = arith.constant 4 : index
  %c6 = arith.constant 6 : index
  %c256 = arith.constant 256 : index
  %panels = memref.alloc() {alignment = 64 : i64} : memref<4x256x16xf32>
  scf.for %k = %c0 to %c256 step %c1 {
    scf.for %p = %c0 to %c4 step %c1 {
      memref.prefetch %w[%k, %p, %c0], read, locality<2>, data : memref<256x4x16xf32>
      %v = vector.load %w[%k, %p, %c0] : memref<256x4x16xf32>, vector<16xf32>
      vector.store %v, %panels[%p, %k, %c0] : memref<4x256x16xf32>, vector<16xf32>
    }
  }
  scf.for %p = %c0 to %c4 step %c1 {
    scf.for %m = %c0 to %c6 step %c2 {
      %init = vector.load %c[%m, %p, %c0] : memref<6x4x16xf32>, vector<16xf32>
      %sum = scf.for %k = %c0 to %c256 step %c1 iter_args(%acc = %init) -> (vector<16xf32>) {
        %x = memref.load %a[%m, %k] : memref<6x256xf32>
        %xv = vector.broadcast %x : f32 to vector<16xf32>
        %wv = vector.load %panels[%p, %k, %c0] : memref<4x256x16xf32>, vector<16xf32>
        %f = vector.fma %xv, %wv, %acc : vector<16xf32>
        scf.yield %f : vector<16xf32>
      }
      vector.store %sum, %c[%m, %p, %c0] : memref<6x4x16xf32>, vector<16xf32>
    }
  }
  memref.dealloc %panels : memref<4x256x16xf32>
  return
}

// -----

// Panels of 32 floats (AVX-512's two lines of each row): fused, without the
// rows ahead.
// CHECK-LABEL: func.func @two_line_runs
// CHECK:       scf.for
// CHECK:         scf.for
// CHECK:           vector.store {{.*}} : memref<4x256x32xf32>, vector<32xf32>
// CHECK-NOT:       locality<3>
// CHECK:           vector.load {{.*}} : memref<4x256x32xf32>, vector<32xf32>
func.func @two_line_runs(%a: memref<6x256xf32>, %w: memref<256x4x32xf32>, %c: memref<6x4x32xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c4 = arith.constant 4 : index
  %c6 = arith.constant 6 : index
  %c256 = arith.constant 256 : index
  %panels = memref.alloc() {alignment = 64 : i64} : memref<4x256x32xf32>
  scf.for %k = %c0 to %c256 step %c1 {
    scf.for %p = %c0 to %c4 step %c1 {
      memref.prefetch %w[%k, %p, %c0], read, locality<2>, data : memref<256x4x32xf32>
      %v = vector.load %w[%k, %p, %c0] : memref<256x4x32xf32>, vector<32xf32>
      vector.store %v, %panels[%p, %k, %c0] : memref<4x256x32xf32>, vector<32xf32>
    }
  }
  scf.for %p = %c0 to %c4 step %c1 {
    scf.for %m = %c0 to %c6 step %c2 {
      %init = vector.load %c[%m, %p, %c0] : memref<6x4x32xf32>, vector<32xf32>
      %sum = scf.for %k = %c0 to %c256 step %c1 iter_args(%acc = %init) -> (vector<32xf32>) {
        %x = memref.load %a[%m, %k] : memref<6x256xf32>
        %xv = vector.broadcast %x : f32 to vector<32xf32>
        %wv = vector.load %panels[%p, %k, %c0] : memref<4x256x32xf32>, vector<32xf32>
        %f = vector.fma %xv, %wv, %acc : vector<32xf32>
        scf.yield %f : vector<32xf32>
      }
      vector.store %sum, %c[%m, %p, %c0] : memref<6x4x32xf32>, vector<32xf32>
    }
  }
  memref.dealloc %panels : memref<4x256x32xf32>
  return
}

// -----

// bf16 panels are left alone: the copy stays, the row tiles start at 0.
// CHECK-LABEL: func.func @bf16_panels
// CHECK:       scf.for
// CHECK-NEXT:    scf.for
// CHECK-NEXT:      memref.prefetch
// CHECK-NEXT:      vector.load
// CHECK-NEXT:      vector.store
// CHECK:       scf.for %{{.+}} = %c0 to %c6 step %c2
func.func @bf16_panels(%a: memref<6x256xf32>, %w: memref<256x4x16xbf16>, %c: memref<6x4x16xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c4 = arith.constant 4 : index
  %c6 = arith.constant 6 : index
  %c256 = arith.constant 256 : index
  %panels = memref.alloc() {alignment = 64 : i64} : memref<4x256x16xbf16>
  scf.for %k = %c0 to %c256 step %c1 {
    scf.for %p = %c0 to %c4 step %c1 {
      memref.prefetch %w[%k, %p, %c0], read, locality<2>, data : memref<256x4x16xbf16>
      %v = vector.load %w[%k, %p, %c0] : memref<256x4x16xbf16>, vector<16xbf16>
      vector.store %v, %panels[%p, %k, %c0] : memref<4x256x16xbf16>, vector<16xbf16>
    }
  }
  scf.for %p = %c0 to %c4 step %c1 {
    scf.for %m = %c0 to %c6 step %c2 {
      %init = vector.load %c[%m, %p, %c0] : memref<6x4x16xf32>, vector<16xf32>
      %sum = scf.for %k = %c0 to %c256 step %c1 iter_args(%acc = %init) -> (vector<16xf32>) {
        %x = memref.load %a[%m, %k] : memref<6x256xf32>
        %xv = vector.broadcast %x : f32 to vector<16xf32>
        %wh = vector.load %panels[%p, %k, %c0] : memref<4x256x16xbf16>, vector<16xbf16>
        %wv = arith.extf %wh : vector<16xbf16> to vector<16xf32>
        %f = vector.fma %xv, %wv, %acc : vector<16xf32>
        scf.yield %f : vector<16xf32>
      }
      vector.store %sum, %c[%m, %p, %c0] : memref<6x4x16xf32>, vector<16xf32>
    }
  }
  memref.dealloc %panels : memref<4x256x16xbf16>
  return
}

// -----

// Two reads of the panels in the product: left alone.
// CHECK-LABEL: func.func @two_reads
// CHECK:       scf.for
// CHECK-NEXT:    scf.for
// CHECK-NEXT:      memref.prefetch
// CHECK:       scf.for %{{.+}} = %c0 to %c6 step %c2
func.func @two_reads(%a: memref<6x256xf32>, %w: memref<256x4x16xf32>, %c: memref<6x4x16xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c4 = arith.constant 4 : index
  %c6 = arith.constant 6 : index
  %c256 = arith.constant 256 : index
  %panels = memref.alloc() {alignment = 64 : i64} : memref<4x256x16xf32>
  scf.for %k = %c0 to %c256 step %c1 {
    scf.for %p = %c0 to %c4 step %c1 {
      memref.prefetch %w[%k, %p, %c0], read, locality<2>, data : memref<256x4x16xf32>
      %v = vector.load %w[%k, %p, %c0] : memref<256x4x16xf32>, vector<16xf32>
      vector.store %v, %panels[%p, %k, %c0] : memref<4x256x16xf32>, vector<16xf32>
    }
  }
  scf.for %p = %c0 to %c4 step %c1 {
    scf.for %m = %c0 to %c6 step %c2 {
      %init = vector.load %c[%m, %p, %c0] : memref<6x4x16xf32>, vector<16xf32>
      %sum = scf.for %k = %c0 to %c256 step %c1 iter_args(%acc = %init) -> (vector<16xf32>) {
        %x = memref.load %a[%m, %k] : memref<6x256xf32>
        %xv = vector.broadcast %x : f32 to vector<16xf32>
        %wv = vector.load %panels[%p, %k, %c0] : memref<4x256x16xf32>, vector<16xf32>
        %w2 = vector.load %panels[%p, %k, %c0] : memref<4x256x16xf32>, vector<16xf32>
        %g = arith.addf %wv, %w2 : vector<16xf32>
        %f = vector.fma %xv, %g, %acc : vector<16xf32>
        scf.yield %f : vector<16xf32>
      }
      vector.store %sum, %c[%m, %p, %c0] : memref<6x4x16xf32>, vector<16xf32>
    }
  }
  memref.dealloc %panels : memref<4x256x16xf32>
  return
}

// -----

// The product writes the weights the copy read: left alone.
// CHECK-LABEL: func.func @writes_weights
// CHECK:       scf.for
// CHECK-NEXT:    scf.for
// CHECK-NEXT:      memref.prefetch
// CHECK:       scf.for %{{.+}} = %c0 to %c6 step %c2
func.func @writes_weights(%a: memref<6x256xf32>, %w: memref<256x4x16xf32>, %c: memref<6x4x16xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c4 = arith.constant 4 : index
  %c6 = arith.constant 6 : index
  %c256 = arith.constant 256 : index
  %panels = memref.alloc() {alignment = 64 : i64} : memref<4x256x16xf32>
  scf.for %k = %c0 to %c256 step %c1 {
    scf.for %p = %c0 to %c4 step %c1 {
      memref.prefetch %w[%k, %p, %c0], read, locality<2>, data : memref<256x4x16xf32>
      %v = vector.load %w[%k, %p, %c0] : memref<256x4x16xf32>, vector<16xf32>
      vector.store %v, %panels[%p, %k, %c0] : memref<4x256x16xf32>, vector<16xf32>
    }
  }
  scf.for %p = %c0 to %c4 step %c1 {
    scf.for %m = %c0 to %c6 step %c2 {
      %init = vector.load %c[%m, %p, %c0] : memref<6x4x16xf32>, vector<16xf32>
      %sum = scf.for %k = %c0 to %c256 step %c1 iter_args(%acc = %init) -> (vector<16xf32>) {
        %x = memref.load %a[%m, %k] : memref<6x256xf32>
        %xv = vector.broadcast %x : f32 to vector<16xf32>
        %wv = vector.load %panels[%p, %k, %c0] : memref<4x256x16xf32>, vector<16xf32>
        %f = vector.fma %xv, %wv, %acc : vector<16xf32>
        scf.yield %f : vector<16xf32>
      }
      vector.store %sum, %c[%m, %p, %c0] : memref<6x4x16xf32>, vector<16xf32>
      vector.store %sum, %w[%m, %p, %c0] : memref<256x4x16xf32>, vector<16xf32>
    }
  }
  memref.dealloc %panels : memref<4x256x16xf32>
  return
}

// -----

// Copy and product walk the rows by steps of two: fused, the rows ahead 32
// steps (64 rows) further, clamped to the weight's last row.
// CHECK-LABEL: func.func @steps_of_two
// CHECK-DAG:   %[[C64:.+]] = arith.constant 64 : index
// CHECK-DAG:   %[[LAST:.+]] = arith.constant 255 : index
// CHECK:       scf.for %[[P:[a-z0-9]+]] =
// CHECK:         scf.for %[[K:[a-z0-9]+]] =
// CHECK:           %[[AHEAD:.+]] = arith.addi %[[K]], %[[C64]]
// CHECK-NEXT:      %[[BELOW:.+]] = arith.minsi %[[AHEAD]], %[[LAST]]
// CHECK-NEXT:      %[[ROW:.+]] = arith.maxsi %[[BELOW]],
// CHECK-NEXT:      memref.prefetch %arg1[%[[ROW]], %[[P]], %{{.+}}], read, locality<3>
// CHECK:           vector.store {{.*}} : memref<4x256x16xf32>, vector<16xf32>
// CHECK:           vector.load {{.*}} : memref<4x256x16xf32>, vector<16xf32>
func.func @steps_of_two(%a: memref<6x256xf32>, %w: memref<256x4x16xf32>, %c: memref<6x4x16xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c4 = arith.constant 4 : index
  %c6 = arith.constant 6 : index
  %c256 = arith.constant 256 : index
  %panels = memref.alloc() {alignment = 64 : i64} : memref<4x256x16xf32>
  scf.for %k = %c0 to %c256 step %c2 {
    scf.for %p = %c0 to %c4 step %c1 {
      memref.prefetch %w[%k, %p, %c0], read, locality<2>, data : memref<256x4x16xf32>
      %v = vector.load %w[%k, %p, %c0] : memref<256x4x16xf32>, vector<16xf32>
      vector.store %v, %panels[%p, %k, %c0] : memref<4x256x16xf32>, vector<16xf32>
    }
  }
  scf.for %p = %c0 to %c4 step %c1 {
    scf.for %m = %c0 to %c6 step %c2 {
      %init = vector.load %c[%m, %p, %c0] : memref<6x4x16xf32>, vector<16xf32>
      %sum = scf.for %k = %c0 to %c256 step %c2 iter_args(%acc = %init) -> (vector<16xf32>) {
        %x = memref.load %a[%m, %k] : memref<6x256xf32>
        %xv = vector.broadcast %x : f32 to vector<16xf32>
        %wv = vector.load %panels[%p, %k, %c0] : memref<4x256x16xf32>, vector<16xf32>
        %f = vector.fma %xv, %wv, %acc : vector<16xf32>
        scf.yield %f : vector<16xf32>
      }
      vector.store %sum, %c[%m, %p, %c0] : memref<6x4x16xf32>, vector<16xf32>
    }
  }
  memref.dealloc %panels : memref<4x256x16xf32>
  return
}

