// RUN: kernelforge-opt %s --kf-allocator-hook --split-input-file | FileCheck %s
// RUN: kernelforge-opt %s --finalize-memref-to-llvm="use-generic-functions=true" --kf-allocator-hook --split-input-file | FileCheck %s --check-prefix=MEMREF

// From memref (the first module of the MEMREF run): the lowering's allocation and free go through the hook.
// MEMREF:       llvm.mlir.global external @_kf_allocator()
// MEMREF-DAG:   llvm.func internal @_mlir_memref_to_llvm_alloc(
// MEMREF-DAG:   llvm.func internal @_mlir_memref_to_llvm_free(
// MEMREF-LABEL: func.func @temporary
// MEMREF:         llvm.call @_mlir_memref_to_llvm_alloc(
// MEMREF:         llvm.call @_mlir_memref_to_llvm_free(
module {
  func.func @temporary(%n: index) {
    %buffer = memref.alloc(%n) : memref<?xf32>
    memref.dealloc %buffer : memref<?xf32>
    return
  }
}

// -----

// The generic functions get bodies around the exported, zeroed
// `_kf_allocator`: through its first pointer (allocate) or second (release)
// when set, else malloc and free.
// CHECK-LABEL: module
// CHECK:       llvm.mlir.global external @_kf_allocator() {{.*}} : !llvm.array<2 x ptr> {
// CHECK-NEXT:    %[[ZERO:.+]] = llvm.mlir.zero : !llvm.array<2 x ptr>
// CHECK-NEXT:    llvm.return %[[ZERO]]
// CHECK:       llvm.func internal @_mlir_memref_to_llvm_alloc(%[[SIZE:.+]]: i64) -> !llvm.ptr {
// CHECK-NEXT:    %[[BASE:.+]] = llvm.mlir.addressof @_kf_allocator : !llvm.ptr
// CHECK-NEXT:    %[[SLOT:.+]] = llvm.getelementptr %[[BASE]][0, 0] : (!llvm.ptr) -> !llvm.ptr, !llvm.array<2 x ptr>
// CHECK-NEXT:    %[[HOOK:.+]] = llvm.load %[[SLOT]] : !llvm.ptr -> !llvm.ptr
// CHECK-NEXT:    %[[NULL:.+]] = llvm.mlir.zero : !llvm.ptr
// CHECK-NEXT:    %[[UNSET:.+]] = llvm.icmp "eq" %[[HOOK]], %[[NULL]] : !llvm.ptr
// CHECK-NEXT:    llvm.cond_br %[[UNSET]], ^[[PLAIN:.+]], ^[[HOOKED:[^ ]+]]
// CHECK-NEXT:  ^[[HOOKED]]:
// CHECK-NEXT:    %[[BLOCK:.+]] = llvm.call %[[HOOK]](%[[SIZE]]) : !llvm.ptr, (i64) -> !llvm.ptr
// CHECK-NEXT:    llvm.return %[[BLOCK]]
// CHECK-NEXT:  ^[[PLAIN]]:
// CHECK-NEXT:    %[[MALLOCED:.+]] = llvm.call @malloc(%[[SIZE]]) : (i64) -> !llvm.ptr
// CHECK-NEXT:    llvm.return %[[MALLOCED]]
// CHECK:       llvm.func internal @_mlir_memref_to_llvm_aligned_alloc(%[[A:.+]]: i64, %[[S:.+]]: i64) -> !llvm.ptr {
// CHECK-NEXT:    %[[P:.+]] = llvm.call @aligned_alloc(%[[A]], %[[S]]) : (i64, i64) -> !llvm.ptr
// CHECK-NEXT:    llvm.return %[[P]]
// CHECK:       llvm.func internal @_mlir_memref_to_llvm_free(%[[PTR:.+]]: !llvm.ptr) {
// CHECK:         llvm.getelementptr %{{.+}}[0, 1] : (!llvm.ptr) -> !llvm.ptr, !llvm.array<2 x ptr>
// CHECK:         llvm.cond_br
// CHECK:         llvm.call %{{.+}}(%[[PTR]]) : !llvm.ptr, (!llvm.ptr) -> ()
// CHECK:         llvm.call @free(%[[PTR]]) : (!llvm.ptr) -> ()
// CHECK-LABEL: llvm.func @use
module {
  llvm.func @_mlir_memref_to_llvm_alloc(i64) -> !llvm.ptr
  llvm.func @_mlir_memref_to_llvm_aligned_alloc(i64, i64) -> !llvm.ptr
  llvm.func @_mlir_memref_to_llvm_free(!llvm.ptr)
  llvm.func @use(%n: i64) {
    %p = llvm.call @_mlir_memref_to_llvm_alloc(%n) : (i64) -> !llvm.ptr
    llvm.call @_mlir_memref_to_llvm_free(%p) : (!llvm.ptr) -> ()
    llvm.return
  }
}

// -----

// Nothing to define (no generic function): no global either.
// CHECK-LABEL: module
// CHECK-NOT:   _kf_allocator
// CHECK:       llvm.func @plain
module {
  llvm.func @plain() {
    llvm.return
  }
}

