// RUN: kernelforge-opt %s --kf-stack-temporaries --split-input-file | FileCheck %s
// RUN: kernelforge-opt %s --kf-stack-temporaries="max-bytes=128 max-total-bytes=256" --split-input-file | FileCheck %s --check-prefix=SMALL

// A temporary freed in the iteration that allocated it becomes one stack
// slot at the start of the function, reused by every iteration.
// CHECK-LABEL: func.func @sequential_loop
// CHECK-NEXT:    %[[SLOT:.+]] = memref.alloca() {alignment = 64 : i64} : memref<64xf32>
// CHECK:         scf.for
// CHECK-NOT:       memref.alloc(
// CHECK:           linalg.fill ins(%{{.+}} : f32) outs(%[[SLOT]] : memref<64xf32>)
// CHECK:           memref.copy %[[SLOT]], %{{.+}}
// CHECK-NOT:       memref.dealloc
// SMALL-LABEL: func.func @sequential_loop
// SMALL:         scf.for
// SMALL-NEXT:      memref.alloc()
// SMALL:           memref.dealloc
func.func @sequential_loop(%out: memref<8x64xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %zero = arith.constant 0.0 : f32
  scf.for %i = %c0 to %c8 step %c1 {
    %tmp = memref.alloc() {alignment = 64 : i64} : memref<64xf32>
    linalg.fill ins(%zero : f32) outs(%tmp : memref<64xf32>)
    %row = memref.subview %out[%i, 0] [1, 64] [1, 1] : memref<8x64xf32> to memref<64xf32, strided<[1], offset: ?>>
    memref.copy %tmp, %row : memref<64xf32> to memref<64xf32, strided<[1], offset: ?>>
    memref.dealloc %tmp : memref<64xf32>
  }
  return
}

// -----

// In a worksharing loop the slot goes to the start of the omp.parallel
// region: each thread gets its own and reuses it for its iterations.
// CHECK-LABEL: func.func @worksharing_loop
// CHECK:         omp.parallel {
// CHECK-NEXT:      %[[SLOT:.+]] = memref.alloca() : memref<4x16xf32>
// CHECK-NEXT:      omp.wsloop {
// CHECK:             scf.if
// CHECK-NEXT:          linalg.fill ins(%{{.+}} : f32) outs(%[[SLOT]] : memref<4x16xf32>)
// CHECK-NOT:         memref.dealloc
func.func @worksharing_loop(%n: index, %flag: i1, %out: memref<4x16xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %one = arith.constant 1.0 : f32
  omp.parallel {
    omp.wsloop {
      omp.loop_nest (%i) : index = (%c0) to (%n) step (%c1) {
        scf.if %flag {
          %tmp = memref.alloc() : memref<4x16xf32>
          linalg.fill ins(%one : f32) outs(%tmp : memref<4x16xf32>)
          memref.copy %tmp, %out : memref<4x16xf32> to memref<4x16xf32>
          memref.dealloc %tmp : memref<4x16xf32>
        }
        omp.yield
      }
    }
    omp.terminator
  }
  return
}

// -----

// Iterations of an scf.parallel may run at the same time: its temporaries
// stay on the heap.
// CHECK-LABEL: func.func @parallel_loop
// CHECK-NOT:     memref.alloca
// CHECK:         scf.parallel
// CHECK-NEXT:      memref.alloc()
// CHECK:           memref.dealloc
func.func @parallel_loop(%out: memref<8x16xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %one = arith.constant 1.0 : f32
  scf.parallel (%i) = (%c0) to (%c8) step (%c1) {
    %tmp = memref.alloc() : memref<16xf32>
    linalg.fill ins(%one : f32) outs(%tmp : memref<16xf32>)
    %row = memref.subview %out[%i, 0] [1, 16] [1, 1] : memref<8x16xf32> to memref<16xf32, strided<[1], offset: ?>>
    memref.copy %tmp, %row : memref<16xf32> to memref<16xf32, strided<[1], offset: ?>>
    memref.dealloc %tmp : memref<16xf32>
    scf.reduce
  }
  return
}

// -----

// Left on the heap: a dynamic size, a temporary freed in another block, one
// that leaves the function, and one beyond max-bytes. Within the budget
// (256 bytes in the second run), the first small temporaries get slots and the rest
// stay on the heap.
// CHECK-LABEL: func.func @kept_on_heap
// CHECK-NEXT:    memref.alloca() : memref<16xf32>
// CHECK-NEXT:    memref.alloca() : memref<32xf32>
// CHECK-NEXT:    memref.alloca() : memref<32xf32>
// CHECK-NEXT:    memref.alloc(%{{.+}}) : memref<?xf32>
// CHECK-NEXT:    memref.alloc() : memref<8xf32>
// CHECK-NEXT:    memref.alloc() : memref<4xf32>
// CHECK-NEXT:    memref.alloc() : memref<8192xf32>
// CHECK:         memref.dealloc %{{.+}} : memref<?xf32>
// CHECK:         scf.if
// CHECK-NEXT:      memref.dealloc %{{.+}} : memref<8xf32>
// CHECK:         memref.dealloc %{{.+}} : memref<8192xf32>
// CHECK-NOT:     memref.dealloc
// CHECK:         return %{{.+}} : memref<4xf32>
// SMALL-LABEL: func.func @kept_on_heap
// SMALL-NEXT:    memref.alloca() : memref<16xf32>
// SMALL-NEXT:    memref.alloca() : memref<32xf32>
// SMALL-NEXT:    memref.alloc() : memref<32xf32>
// SMALL-NOT:     memref.dealloc %{{.+}} : memref<16xf32>
// SMALL:         memref.dealloc %{{.+}} : memref<32xf32>
// SMALL-NOT:     memref.dealloc %{{.+}} : memref<16xf32>
func.func @kept_on_heap(%n: index, %flag: i1) -> memref<4xf32> {
  %small = memref.alloc() : memref<16xf32>
  %first = memref.alloc() : memref<32xf32>
  %second = memref.alloc() : memref<32xf32>
  %dynamic = memref.alloc(%n) : memref<?xf32>
  %elsewhere = memref.alloc() : memref<8xf32>
  %result = memref.alloc() : memref<4xf32>
  %large = memref.alloc() : memref<8192xf32>
  %one = arith.constant 1.0 : f32
  linalg.fill ins(%one : f32) outs(%small : memref<16xf32>)
  linalg.fill ins(%one : f32) outs(%first : memref<32xf32>)
  linalg.fill ins(%one : f32) outs(%second : memref<32xf32>)
  linalg.fill ins(%one : f32) outs(%dynamic : memref<?xf32>)
  linalg.fill ins(%one : f32) outs(%elsewhere : memref<8xf32>)
  linalg.fill ins(%one : f32) outs(%result : memref<4xf32>)
  linalg.fill ins(%one : f32) outs(%large : memref<8192xf32>)
  memref.dealloc %small : memref<16xf32>
  memref.dealloc %first : memref<32xf32>
  memref.dealloc %second : memref<32xf32>
  memref.dealloc %dynamic : memref<?xf32>
  scf.if %flag {
    memref.dealloc %elsewhere : memref<8xf32>
  }
  memref.dealloc %large : memref<8192xf32>
  return %result : memref<4xf32>
}
