// RUN: kernelforge-opt %s --kf-fuse-panel-copies=rows-ahead=-1 --verify-diagnostics

// expected-error @+1 {{kf-fuse-panel-copies: rows-ahead must be 0 or more}}
func.func @negative() {
  return
}
