//===- PipelineStages.h - Stages both pipelines share -----------*- C++ -*-===//

#ifndef KERNELFORGE_LIB_PIPELINES_PIPELINESTAGES_H
#define KERNELFORGE_LIB_PIPELINES_PIPELINESTAGES_H

#include "mlir/Pass/PassManager.h"

namespace mlir::kf::detail {

/// canonicalize, then cse.
void addCleanup(OpPassManager &pm);

/// convert-kf-to-linalg (fused or decomposed attention) and a cleanup.
void addLowerToLinalg(OpPassManager &pm, bool decomposeAttention);

/// One-shot bufferization across function boundaries: a private function
/// returning its argument's buffer (a KV cache updated in place) stops
/// returning it, and every other result becomes a caller-provided
/// out-parameter (no hidden copy, no leak at the boundary). Ends with a
/// cleanup.
void addBufferizeToOutParams(OpPassManager &pm);

/// Parallel loops on the host (scf.forall and scf.parallel): OpenMP takes
/// the outermost level (with `threads`), inner levels run sequentially;
/// then a cleanup and loop-invariant code motion. Outermost loops with fewer
/// than `minWork` element operations run sequentially too.
void addParallelLoopsToOpenMP(OpPassManager &pm, bool threads,
                              int64_t minWork = 0);

/// Loops, vectors, math, memrefs and OpenMP on the host to the LLVM
/// dialect, bf16 conversions as integer operations first (x86Vector: AVX-512
/// specific vector lowerings). With `allocatorHook`, buffers are allocated
/// through `_kf_allocator` when a host sets it (kf-allocator-hook).
void addLowerToLLVM(OpPassManager &pm, bool x86Vector,
                    bool allocatorHook = false);

} // namespace mlir::kf::detail

#endif // KERNELFORGE_LIB_PIPELINES_PIPELINESTAGES_H
