// RUN: kernelforge-opt %s --kf-allocator-hook --split-input-file --verify-diagnostics

module {
  // expected-error @+1 {{unexpected signature '!llvm.func<ptr (f32)>' of a generic allocation function}}
  llvm.func @_mlir_memref_to_llvm_alloc(f32) -> !llvm.ptr
}

// -----

module {
  // expected-error @+1 {{unexpected signature '!llvm.func<void (i64)>' of a generic free function}}
  llvm.func @_mlir_memref_to_llvm_free(i64)
}

// -----

module {
  // expected-error @+1 {{the module already defines _kf_allocator}}
  llvm.mlir.global external @_kf_allocator(0 : i64) : i64
  llvm.func @_mlir_memref_to_llvm_free(!llvm.ptr)
}
