//===- Prefetch.h - Prefetching runs of a memref, line by line --*- C++ -*-===//
//
// Private to kf-prefetch-strided-reads and kf-factor-block-scales.
//
//===----------------------------------------------------------------------===//

#ifndef KERNELFORGE_LIB_TRANSFORMS_PREFETCH_H
#define KERNELFORGE_LIB_TRANSFORMS_PREFETCH_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"

namespace mlir::kf {

inline constexpr int64_t kCacheLineBytes = 64;

/// Prefetches `lines` cache lines of `memref` into L2 (prefetcht1 on x86),
/// from `at` onwards along its innermost dimension (of `elementBytes`-byte
/// elements). Into L2, not L1: a run a few dozen steps ahead would evict the
/// lines the current steps read, most of all when the row stride is a
/// multiple of 4 KiB and every row maps to the same L1 set (measured with
/// GPT-2's 768 x 3072 product on a Zen 5). The prefetches go in at `b`, the
/// line offsets' constants at `constants` (before the loop).
inline void prefetchLines(OpBuilder &b, OpBuilder &constants, Location loc,
                          Value memref, ArrayRef<Value> at, int64_t lines,
                          int64_t elementBytes) {
  unsigned inner = at.size() - 1;
  for (int64_t line = 0; line < lines; ++line) {
    SmallVector<Value> lineAt(at);
    if (line > 0)
      lineAt[inner] = arith::AddIOp::create(
          b, loc, at[inner],
          arith::ConstantIndexOp::create(
              constants, loc, line * kCacheLineBytes / elementBytes));
    memref::PrefetchOp::create(b, loc, memref, lineAt, /*isWrite=*/false,
                               /*localityHint=*/2, /*isDataCache=*/true);
  }
}

} // namespace mlir::kf

#endif // KERNELFORGE_LIB_TRANSFORMS_PREFETCH_H
