// Bad input gets a located error and exit status 1, never a crash.
// RUN: not kernelforge-compile %s -o %t.so 2>&1 | FileCheck %s --check-prefix=DYNAMIC
// RUN: not kernelforge-compile %s -o %t.so --emit=exe 2>&1 | FileCheck %s --check-prefix=EMIT
// RUN: not kernelforge-compile %s -o %t.so --target=tpu 2>&1 | FileCheck %s --check-prefix=TARGET
// RUN: not kernelforge-compile %s -o %t.so --pipeline-options="stop-after=asm" 2>&1 | FileCheck %s --check-prefix=STAGE
// RUN: not kernelforge-compile %s -o %t.so --pipeline-options="no-such-option=1" 2>&1 | FileCheck %s --check-prefix=OPTION
// RUN: not kernelforge-compile %t.missing.mlir -o %t.so 2>&1 | FileCheck %s --check-prefix=MISSING
// RUN: not kernelforge-compile %S/kernelforge-compile.mlir -o %t.no-such-dir/out.so --emit=linalg 2>&1 | FileCheck %s --check-prefix=OUTPUT

// RUN: not kernelforge-compile %S/kernelforge-compile.mlir -o %t.s --emit=asm --mcpu=nosuchcpu 2>&1 | FileCheck %s --check-prefix=CPU
// RUN: not kernelforge-compile %S/kernelforge-compile.mlir -o %t.s -O4 2>&1 | FileCheck %s --check-prefix=OPT
// RUN: not kernelforge-compile %S/kernelforge-compile.mlir -o %t.cubin --emit=cubin 2>&1 | FileCheck %s --check-prefix=CUBIN
// RUN: not kernelforge-compile %S/kernelforge-compile.mlir -o %t.ptx --emit=ptx 2>&1 | FileCheck %s --check-prefix=PTX

// CPU: error: kf-cpu-target: unknown target CPU 'nosuchcpu' for
// OPT: error: -O4 is not in 0-3
// CUBIN: error: --emit=cubin needs --target=cuda
// PTX: error: --emit=ptx needs --target=cuda
// DYNAMIC: kernelforge-compile-errors.mlir:[[@LINE+8]]:8: error: 'kf.gelu' op cannot be lowered to linalg: operand #0 has dynamic shape 'tensor<?x8xf32>'
// EMIT: error: unknown --emit=exe (expected shared, obj, asm, llvm-ir, llvm-mlir, linalg, ptx or cubin)
// TARGET: error: unknown --target=tpu (expected cpu, cuda or gpu-emulator)
// STAGE: error: unknown stop-after stage 'asm'
// OPTION: error: bad --pipeline-options 'no-such-option=1'
// MISSING: error: cannot open input file '{{.*}}missing.mlir'
// OUTPUT: error: cannot write '{{.*}}no-such-dir/out.so'
func.func @dynamic(%x: tensor<?x8xf32>) -> tensor<?x8xf32> {
  %y = kf.gelu %x tanh : tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}
