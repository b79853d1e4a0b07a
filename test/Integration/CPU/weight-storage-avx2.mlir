// REQUIRES: x86-avx2
// weight-storage.mlir's one-row products against i8 [k, n] blocks (and,
// below, against 16-bit [n, k] rows) compiled as AVX2 code (znver3), run on
// whatever x86 host runs the tests, against
// the same float64 reference on the same integers and scales. There
// kf-integer-row-pairs sums each block's rows two at a time in 16-bit
// integers, the row quantised to 16 bits per block (an error of at most
// 2^-16 of the block's largest value per element, about 1e-4 of these
// sums of ~100): atol 1e-3. Shapes: 8 blocks of 32 rows and 72 columns;
// 3 blocks (the threads split the columns) and 520 columns (a 64-column
// register tile's 8 left over); 4 blocks of 16 split into two parts.
// RUN: kernelforge-compile %S/weight-storage.mlir -o %t.so --mcpu=znver3 --pipeline-options="target-cpu=znver3"
// RUN: %check %t.so --entry q8_vector --expect "ref.linear(x0, ref.dequantize(x1, p['w.scales']), x2)" --atol 1e-3
// RUN: %check %t.so --entry q8_vector_odd --expect "ref.linear(x0, ref.dequantize(x1, p['w.scales']), x2)" --atol 1e-3
// RUN: %check %t.so --entry q8_vector_parts --expect "ref.linear(x0, ref.dequantize(x1, p['w.scales']))" --atol 1e-3
// Decode products against 16-bit [n, k] rows streamed one by one (32 lanes
// a step, the rows 12 KiB below prefetched into L2): atol 1e-4 as there.
// RUN: %check %t.so --entry bf16_out_in_streamed --expect "ref.linear(x0, x1, layout='out_in')" --atol 1e-4
// RUN: %check %t.so --entry f16_out_in_streamed --expect "ref.linear(x0, x1, layout='out_in')" --atol 1e-4
// RUN: %check %t.so --entry bf16_out_in_vector --expect "ref.linear(x0, x1, layout='out_in')" --atol 1e-4
// Each of the three sums its blocks in row pairs, with none of the
// per-weight conversions of i8 to f32 left.
// RUN: kernelforge-opt %S/weight-storage.mlir --kf-cpu-pipeline="target-cpu=znver3 stop-after=loops" | FileCheck %s
// CHECK-LABEL: func.func @q8_vector(
// CHECK-NOT: arith.sitofp {{.*}}xi8>
// CHECK: arith.muli {{.*}} : vector<{{[0-9]+}}xi32>
// CHECK-NOT: arith.sitofp {{.*}}xi8>
// CHECK-LABEL: func.func @q8_vector_odd(
// CHECK-NOT: arith.sitofp {{.*}}xi8>
// CHECK: arith.muli {{.*}} : vector<{{[0-9]+}}xi32>
// CHECK-NOT: arith.sitofp {{.*}}xi8>
// CHECK-LABEL: func.func @q8_vector_parts(
// CHECK-NOT: arith.sitofp {{.*}}xi8>
// CHECK: arith.muli {{.*}} : vector<{{[0-9]+}}xi32>
// CHECK-NOT: arith.sitofp {{.*}}xi8>
// CHECK-LABEL: func.func @q8_out_in_vector(
