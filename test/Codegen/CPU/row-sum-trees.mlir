// RUN: kernelforge-opt %s --split-input-file --kf-row-sum-trees --canonicalize | FileCheck %s

// A decode attention tile's scores (16 keys of 16 lanes, as
// kf-tile-and-vectorize and the vector lowering leave them): the 16 rows
// are read, paired by shuffles that take each lane group's first and last
// halves (groups of 16, 8, 4, then 2 lanes), added level by level into one
// vector of the 16 totals in row order, and added into the scores at once.
// CHECK-LABEL: func.func @scores
// CHECK-NOT: scf.for
// CHECK-NOT: vector.reduction
// CHECK-COUNT-16: vector.load %arg0[%{{.+}}, %{{.+}}, %{{.+}}] : memref<1x16x16xf32>, vector<16xf32>
// CHECK: %[[L1:.+]] = vector.shuffle %{{.+}}, %{{.+}} [0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23]
// CHECK: %[[H1:.+]] = vector.shuffle %{{.+}}, %{{.+}} [8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31]
// CHECK: arith.addf %[[L1]], %[[H1]] : vector<16xf32>
// CHECK: vector.shuffle %{{.+}}, %{{.+}} [0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27]
// CHECK: vector.shuffle %{{.+}}, %{{.+}} [4, 5, 6, 7, 12, 13, 14, 15, 20, 21, 22, 23, 28, 29, 30, 31]
// CHECK: vector.shuffle %{{.+}}, %{{.+}} [0, 1, 4, 5, 8, 9, 12, 13, 16, 17, 20, 21, 24, 25, 28, 29]
// CHECK: vector.shuffle %{{.+}}, %{{.+}} [0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30]
// CHECK: %[[ODD:.+]] = vector.shuffle %{{.+}}, %{{.+}} [1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31]
// CHECK: %[[TOTALS:.+]] = arith.addf %{{.+}}, %[[ODD]] : vector<16xf32>
// CHECK: %[[OLD:.+]] = vector.load %arg1[%{{.+}}, %{{.+}}] : memref<1x16xf32>, vector<16xf32>
// CHECK: %[[NEW:.+]] = arith.addf %[[OLD]], %[[TOTALS]] : vector<16xf32>
// CHECK: vector.store %[[NEW]], %arg1[%{{.+}}, %{{.+}}] : memref<1x16xf32>, vector<16xf32>
func.func @scores(%p: memref<1x16x16xf32>, %s: memref<1x16xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %z = arith.constant dense<0.0> : vector<1xf32>
  scf.for %r = %c0 to %c16 step %c1 {
    %row = vector.load %p[%c0, %r, %c0] : memref<1x16x16xf32>, vector<16xf32>
    %old = vector.load %s[%c0, %r] : memref<1x16xf32>, vector<1xf32>
    %acc = vector.extract %old[0] : f32 from vector<1xf32>
    %sum = vector.reduction <add>, %row, %acc fastmath<reassoc> : vector<16xf32> into f32
    %new = vector.insert %sum, %z [0] : f32 into vector<1xf32>
    vector.store %new, %s[%c0, %r] : memref<1x16xf32>, vector<1xf32>
  }
  return
}

// -----

// AVX2's 8 lanes, 16 rows, scalar accesses: two trees of 8 rows (12
// shuffles and 7 additions each), one 8-wide add and store per tree.
// CHECK-LABEL: func.func @two_trees
// CHECK-NOT: scf.for
// CHECK-COUNT-2: vector.store %{{.+}}, %arg1[%{{.+}}] : memref<16xf32>, vector<8xf32>
// CHECK-NOT: vector.store
func.func @two_trees(%p: memref<16x8xf32>, %s: memref<16xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  scf.for %r = %c0 to %c16 step %c1 {
    %row = vector.load %p[%r, %c0] : memref<16x8xf32>, vector<8xf32>
    %acc = memref.load %s[%r] : memref<16xf32>
    %sum = vector.reduction <add>, %row, %acc fastmath<reassoc> : vector<8xf32> into f32
    memref.store %sum, %s[%r] : memref<16xf32>
  }
  return
}

// -----

// Left alone: rows that do not fill whole vectors of totals (the tied
// head's 29 outputs per block), a reduction without reassoc, one that is
// not a sum, and a loop that does more than sum.
// CHECK-LABEL: func.func @left_alone
// CHECK-COUNT-4: scf.for
// CHECK-NOT: vector.shuffle
func.func @left_alone(%p: memref<32x16xf32>, %s: memref<32xf32>, %t: memref<32xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %c29 = arith.constant 29 : index
  scf.for %r = %c0 to %c29 step %c1 {
    %row = vector.load %p[%r, %c0] : memref<32x16xf32>, vector<16xf32>
    %acc = memref.load %s[%r] : memref<32xf32>
    %sum = vector.reduction <add>, %row, %acc fastmath<reassoc> : vector<16xf32> into f32
    memref.store %sum, %s[%r] : memref<32xf32>
  }
  scf.for %r = %c0 to %c16 step %c1 {
    %row = vector.load %p[%r, %c0] : memref<32x16xf32>, vector<16xf32>
    %acc = memref.load %s[%r] : memref<32xf32>
    %sum = vector.reduction <add>, %row, %acc : vector<16xf32> into f32
    memref.store %sum, %s[%r] : memref<32xf32>
  }
  scf.for %r = %c0 to %c16 step %c1 {
    %row = vector.load %p[%r, %c0] : memref<32x16xf32>, vector<16xf32>
    %acc = memref.load %s[%r] : memref<32xf32>
    %sum = vector.reduction <maximumf>, %row, %acc fastmath<reassoc> : vector<16xf32> into f32
    memref.store %sum, %s[%r] : memref<32xf32>
  }
  scf.for %r = %c0 to %c16 step %c1 {
    %row = vector.load %p[%r, %c0] : memref<32x16xf32>, vector<16xf32>
    %acc = memref.load %s[%r] : memref<32xf32>
    %sum = vector.reduction <add>, %row, %acc fastmath<reassoc> : vector<16xf32> into f32
    memref.store %sum, %s[%r] : memref<32xf32>
    memref.store %sum, %t[%r] : memref<32xf32>
  }
  return
}
