// A module with a schedule of its own and no target options keeps it;
// options still override single sizes.
// RUN: kernelforge-opt %s --kf-cpu-target | FileCheck %s
// RUN: kernelforge-opt %s --kf-cpu-target="k-tile=32" | FileCheck %s --check-prefix=OVERRIDE

// CHECK: module attributes {kf.schedule = {attention_tiles = array<i64: 64, 64>, columns_outer = false, decode_key_tile = 16 : i64, k_tile = 128 : i64, min_parallel_blocks = 4 : i64, pack_min_rows = 0 : i64, pack_weights = false, register_tile = array<i64: 4, 8>, split_reduction = true, thread_tile = 64 : i64, vector_width = 8 : i64}}
// CHECK-NOT: kf.target
// OVERRIDE: k_tile = 32 : i64{{.*}}register_tile = array<i64: 4, 8>
module attributes {kf.schedule = {vector_width = 8 : i64, register_tile = array<i64: 4, 8>, k_tile = 128 : i64, thread_tile = 64 : i64}} {
  func.func @f() {
    return
  }
}
