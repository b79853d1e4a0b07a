// A malformed op gives a located diagnostic and exit code 1, not a crash.
// RUN: kernelforge-opt %S/Inputs/bad-head-dim.mlir > /dev/null 2> %t.err; test $? -eq 1
// RUN: FileCheck %s < %t.err
// CHECK: bad-head-dim.mlir:2:8: error: 'kf.attention' op expected key head_dim 32 to equal query head_dim 64
