// Every tool's --help lists its own options and hides LLVM's internal ones
// (still reachable with --help-hidden); --version names KernelForge, the
// LLVM/MLIR it was built with and the default target.

// RUN: kernelforge-gpt2 --help | FileCheck %s --check-prefix=GPT2 --implicit-check-not=amdgpu --implicit-check-not=hexagon --implicit-check-not=x86-
// RUN: kernelforge-gpt2 --help | %python %S/Inputs/count-lines.py 80
// RUN: kernelforge-gpt2 --help-hidden | FileCheck %s --check-prefix=HIDDEN
// GPT2: KernelForge options:
// GPT2: --dtype=
// GPT2: --model-dir=
// GPT2: -o <string>

// RUN: kernelforge-compile --help | FileCheck %s --check-prefix=COMPILE --implicit-check-not=amdgpu --implicit-check-not=hexagon
// RUN: kernelforge-compile --help | %python %S/Inputs/count-lines.py 80
// COMPILE: --emit=
// COMPILE: --mcpu=
// COMPILE: -o <file>

// RUN: kernelforge-bench --help | FileCheck %s --check-prefix=BENCH --implicit-check-not=amdgpu
// RUN: kernelforge-bench --help | %python %S/Inputs/count-lines.py 80
// BENCH: --dtype=
// BENCH: --seq-lens=

// RUN: kernelforge-gpt2-graph --help | FileCheck %s --check-prefix=GRAPH --implicit-check-not=amdgpu
// RUN: kernelforge-gpt2-graph --help | %python %S/Inputs/count-lines.py 80
// GRAPH: --dtype=

// RUN: kernelforge-tune --help | FileCheck %s --check-prefix=TUNE --implicit-check-not=amdgpu
// RUN: kernelforge-tune --help | %python %S/Inputs/count-lines.py 80
// TUNE: --seq-lens=

// RUN: kernelforge-classify --help | FileCheck %s --check-prefix=CLASSIFY --implicit-check-not=amdgpu
// RUN: kernelforge-classify --help | %python %S/Inputs/count-lines.py 80
// CLASSIFY: --labels=
// CLASSIFY: --model-dir=
// CLASSIFY: --top-k=

// RUN: kernelforge-generate --help | %python %S/Inputs/count-lines.py 80

// HIDDEN: --amdgpu

// kernelforge-opt lists passes and mlir-opt's options, not LLVM's code
// generation options.
// RUN: kernelforge-opt --help | FileCheck %s --check-prefix=OPT --implicit-check-not=x86-asm-syntax --implicit-check-not=--amdgpu-bypass-slow-div
// RUN: kernelforge-opt --help-hidden | FileCheck %s --check-prefix=OPTHIDDEN
// OPT: --kf-cpu-pipeline
// OPTHIDDEN: --x86-asm-syntax

// RUN: kernelforge-gpt2 --version | FileCheck %s --check-prefix=VERSION
// RUN: kernelforge-compile --version | FileCheck %s --check-prefix=VERSION
// RUN: kernelforge-bench --version | FileCheck %s --check-prefix=VERSION
// RUN: kernelforge-gpt2-graph --version | FileCheck %s --check-prefix=VERSION
// RUN: kernelforge-tune --version | FileCheck %s --check-prefix=VERSION
// RUN: kernelforge-opt --version | FileCheck %s --check-prefix=VERSION
// RUN: kernelforge-classify --version | FileCheck %s --check-prefix=VERSION
// VERSION: KernelForge {{[0-9]+\.[0-9]+\.[0-9]+}}
// VERSION-NEXT: built with LLVM/MLIR {{[0-9]+}}.
// VERSION-NEXT: default target: {{.+}}, CPU {{.+}} ({{[0-9]+}}-bit vectors

// RUN: kernelforge-run --version | FileCheck %s --check-prefix=RUNTIME
// RUN: kernelforge-gpt2-run --version | FileCheck %s --check-prefix=RUNTIME
// RUN: kernelforge-tokenize --version | FileCheck %s --check-prefix=RUNTIME
// RUNTIME: KernelForge {{[0-9]+\.[0-9]+\.[0-9]+}} (runtime only
