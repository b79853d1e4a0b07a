// RUN: kernelforge-opt %s --kf-prefetch-strided-reads="distance=-1" --verify-diagnostics

// expected-error @+1 {{kf-prefetch-strided-reads: distance must be 0 or more}}
func.func @bad_distance() {
  return
}
