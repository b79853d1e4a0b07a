// RUN: kernelforge-opt %s --split-input-file --kf-cpu-target="triple=x86_64-unknown-linux-gnu cpu=pentium9" --verify-diagnostics
// RUN: not kernelforge-opt %s --kf-cpu-target="triple=sparc99-unknown-linux-gnu" 2>&1 | FileCheck %s --check-prefix=TRIPLE
// RUN: not kernelforge-opt %s --kf-cpu-target="register-rows=-2" 2>&1 | FileCheck %s --check-prefix=NEGATIVE
// RUN: not kernelforge-opt %s --kf-cpu-target="cores=-1" 2>&1 | FileCheck %s --check-prefix=CORES
// RUN: not kernelforge-opt %s --kf-cpu-target="pack-weights=maybe" 2>&1 | FileCheck %s --check-prefix=PACK
// RUN: not kernelforge-opt %s --kf-cpu-target="columns-outer=2" 2>&1 | FileCheck %s --check-prefix=ORDER
// RUN: not kernelforge-opt %s --kf-cpu-target="split-reduction=yes" 2>&1 | FileCheck %s --check-prefix=SPLIT

// TRIPLE: error: kf-cpu-target: unknown target triple 'sparc99-unknown-linux-gnu'
// NEGATIVE: error: kf-cpu-target: tile sizes and vector-width must be positive (0: derived from the target)
// CORES: error: kf-cpu-target: cores must be positive (0: this machine's)
// PACK: error: kf-cpu-target: pack-weights must be true or false, got 'maybe'
// ORDER: error: kf-cpu-target: columns-outer must be true or false, got '2'
// SPLIT: error: kf-cpu-target: split-reduction must be true or false, got 'yes'

// expected-error @+1 {{kf-cpu-target: unknown target CPU 'pentium9' for x86_64-unknown-linux-gnu (llc -mtriple=x86_64-unknown-linux-gnu -mcpu=help lists the known ones)}}
module {
}
