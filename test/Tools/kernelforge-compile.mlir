// Every --emit kind, and the ABI a shared library exports.
// RUN: kernelforge-compile %s --emit=linalg -o - | FileCheck %s --check-prefix=LINALG
// RUN: kernelforge-compile %s --emit=llvm-mlir -o - | FileCheck %s --check-prefix=LLVMMLIR
// RUN: kernelforge-compile %s --emit=llvm-ir -o - | FileCheck %s --check-prefix=IR
// RUN: kernelforge-compile %s --emit=asm -O2 -o - | FileCheck %s --check-prefix=ASM
// RUN: kernelforge-compile %s --emit=obj -o %t.o
// RUN: kernelforge-compile %s -o %t.so
// RUN: kernelforge-run %t.so --describe | FileCheck %s --check-prefix=DESCRIBE

// LINALG: func.func @scale
// LINALG: linalg.generic
// LLVMMLIR: llvm.func @_mlir_ciface_scale
// IR-DAG: define void @_kf_packed_scale(ptr
// IR-DAG: @_kf_signature_scale = {{.*}}constant {{.*}}c"{\22args\22:[{\22dtype\22:\22f32\22,\22kind\22:\22memref\22,\22param\22:\22w\22,\22role\22:\22input\22,\22shape\22:[4,8]}
// IR-DAG: @_kf_entry_points = {{.*}}constant {{.*}}c"[\22scale\22]\00"
// ASM: _mlir_ciface_scale:
// DESCRIBE-DAG: "name": "scale"
// DESCRIBE-DAG: "param": "w"
// DESCRIBE-DAG: "role": "output"

func.func @scale(%w: tensor<4x8xf32> {kf.param = "w"}) -> tensor<4x8xf32> {
  %y = kf.silu %w : tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}
