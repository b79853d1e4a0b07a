// Every stage of kf-cpu-pipeline on a linear + GELU, for an AVX-512 CPU
// (16-float vectors, 8 x 32 register tiles).
// RUN: kernelforge-opt %s --kf-cpu-pipeline="stop-after=linalg" | FileCheck %s --check-prefix=LINALG
// RUN: kernelforge-opt %s --kf-cpu-pipeline="stop-after=vector target-triple=x86_64-unknown-linux-gnu target-cpu=skylake-avx512" | FileCheck %s --check-prefix=VECTOR
// RUN: kernelforge-opt %s --kf-cpu-pipeline="stop-after=bufferized" | FileCheck %s --check-prefix=BUFFER
// RUN: kernelforge-opt %s --kf-cpu-pipeline="stop-after=loops target-triple=x86_64-unknown-linux-gnu target-cpu=skylake-avx512" | FileCheck %s --check-prefix=LOOPS
// RUN: kernelforge-opt %s --kf-cpu-pipeline="target-triple=x86_64-unknown-linux-gnu target-cpu=skylake-avx512" | FileCheck %s --check-prefix=LLVM
// RUN: kernelforge-opt %s --kf-cpu-pipeline="threads=0 target-triple=x86_64-unknown-linux-gnu target-cpu=skylake-avx512" | FileCheck %s --check-prefix=SERIAL
// RUN: kernelforge-opt %s --kf-cpu-pipeline="stop-after=loops prefetch-distance=16 target-triple=x86_64-unknown-linux-gnu target-cpu=skylake-avx512" | FileCheck %s --check-prefix=PREFETCH
// RUN: kernelforge-opt %s --kf-cpu-pipeline="prefetch-distance=16 target-triple=x86_64-unknown-linux-gnu target-cpu=skylake-avx512" | FileCheck %s --check-prefix=PREFETCH-LLVM
// RUN: kernelforge-opt %s --kf-cpu-pipeline="stop-after=loops target-triple=x86_64-unknown-linux-gnu target-cpu=znver3" | FileCheck %s --check-prefix=PACKED

// LINALG-LABEL: func.func @mlp
// LINALG-NOT: kf.
// LINALG: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction"]
// LINALG: linalg.generic {{.*}} iterator_types = ["parallel", "parallel"]
// LINALG: math.tanh

// VECTOR-LABEL: func.func @mlp
// VECTOR: scf.forall
// VECTOR: vector.contract {{.*}} : vector<8x1xf32>, vector<1x32xf32> into vector<8x32xf32>
// VECTOR: math.tanh {{.*}} : vector<1x64xf32>
// VECTOR-NOT: linalg.generic

// The result is a caller-provided out-parameter, marked as one
// (`bufferize.result`: a buffer of its own, which aliases no input): no
// buffer is returned, cloned or copied at the boundary. The GELU is applied
// in the product's thread tiles, so the product's result is never whole:
// each thread's tile is a temporary of its own, freed after the GELU has
// written its rows of the out-parameter.
// BUFFER-LABEL: func.func @mlp
// BUFFER-SAME: %[[OUT:[a-z0-9]+]]: memref<32x128xf32> {bufferize.result}) {
// BUFFER-NOT: memref.copy
// BUFFER-NOT: bufferization.clone
// BUFFER-NOT: memref.alloc
// BUFFER: scf.forall
// BUFFER: %[[TILE:.+]] = memref.alloc() {{.*}} : memref<8x128xf32>
// BUFFER: vector.contract
// BUFFER: %[[ROWS:.+]] = memref.subview %[[OUT]]
// BUFFER: math.tanh
// BUFFER: vector.transfer_write %{{.+}}, %[[ROWS]]
// BUFFER: memref.dealloc %[[TILE]] :
// BUFFER-NEXT: } {kf.parallel = "rows"
// BUFFER-NOT: memref.copy
// BUFFER-NEXT: return{{$}}

// OpenMP owns one parallel level; the math is a polynomial, the contraction
// FMAs on vectors.
// LOOPS-LABEL: func.func @mlp
// LOOPS: omp.parallel
// LOOPS: omp.wsloop
// LOOPS: omp.loop_nest
// LOOPS: vector.fma {{.*}} : vector<32xf32>
// LOOPS-NOT: math.tanh
// LOOPS-NOT: scf.forall

// The register tile's reduction loop (64 steps) asks for the weight row 16
// steps ahead (two cache lines of 32 floats) into L1 (16 rows 512 bytes
// apart fill no L1 set; locality 3); at the default
// distance (64) a loop this short is left alone. The marks are gone.
// LOOPS-NOT: memref.prefetch
// LOOPS-NOT: kf.prefetch
// PREFETCH-LABEL: func.func @mlp
// PREFETCH-COUNT-2: memref.prefetch %arg1[%{{.+}}, %{{.+}}], read, locality<3>, data : memref<64x128xf32>
// PREFETCH-NOT: memref.prefetch
// PREFETCH-NOT: kf.prefetch
// PREFETCH-LLVM: llvm.intr.prefetch

// AVX2 packs the weights into panels of 16 floats (one cache line of each
// row); the copy is done by the first row tile (kf-fuse-panel-copies),
// which reads each weight vector (the next k tile asked for into L2, the row
// 32 steps ahead into L1), stores it into its panel and reads it back for
// its multiply-adds; no loop of its own copies the panels.
// PACKED-LABEL: func.func @mlp
// PACKED: %[[PANELS:.+]] = memref.alloca() {{.*}} : memref<4x64x16xf32>
// PACKED-NOT: vector.store {{.*}}%[[PANELS]]
// PACKED: scf.for {{.*}} iter_args
// PACKED: memref.prefetch %arg1{{.*}} locality<2>
// PACKED: memref.prefetch {{.*}} locality<3>
// PACKED-NEXT: %[[W:.+]] = vector.load
// PACKED-NEXT: vector.store %[[W]], %[[PANELS]]
// PACKED-NEXT: vector.load %[[PANELS]]
// PACKED: vector.fma
// PACKED-NOT: vector.store {{.*}}%[[PANELS]]

// LLVM: llvm.func @mlp
// LLVM-DAG: omp.parallel
// LLVM-DAG: llvm.intr.fmuladd({{.*}}) : (vector<32xf32>, vector<32xf32>, vector<32xf32>) -> vector<32xf32>
// LLVM-NOT: func.func
// LLVM-NOT: tanhf

// SERIAL: llvm.func @mlp
// SERIAL-NOT: omp.

func.func @mlp(%x: tensor<32x64xf32>, %w: tensor<64x128xf32>, %b: tensor<128xf32>) -> tensor<32x128xf32> {
  %h = kf.linear %x, %w, %b layout(in_out) : tensor<32x64xf32>, tensor<64x128xf32>, tensor<128xf32> -> tensor<32x128xf32>
  %y = kf.gelu %h tanh : tensor<32x128xf32>
  return %y : tensor<32x128xf32>
}
