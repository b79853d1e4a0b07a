// kernelforge-opt lists the KernelForge passes next to the upstream ones.
// RUN: kernelforge-opt --help | FileCheck %s
// CHECK: --kf-print-model-stats
// CHECK-SAME: Print the parameters, FLOPs and intermediate tensors of a model
// CHECK: --linalg-generalize-named-ops
