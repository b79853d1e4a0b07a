//===- AttentionProblems.h - Fused attention as tuning problem --*- C++ -*-===//
//
// What identifies a `kf.attention` in the tuning cache, shared by
// kf-apply-tuning (which looks its tiles up before the op is lowered) and
// kernelforge-tune (which measures them).
//
//===----------------------------------------------------------------------===//

#ifndef KERNELFORGE_CODEGEN_CPU_ATTENTIONPROBLEMS_H
#define KERNELFORGE_CODEGEN_CPU_ATTENTIONPROBLEMS_H

#include "kernelforge/Dialect/Transformer/IR/TransformerOps.h"

#include <string>

namespace mlir::kf {

/// The operand types and the options that change the fused loop's work:
/// `q1x12x64x64xf32;k1x12x1024x64xbf16;v1x12x1024x64xbf16;causal;offset`,
/// then `;mask<type>`, `;window=N`, `;softcap` where present (the scale
/// does not change the work and is left out).
std::string describeAttentionProblem(AttentionOp op);

/// The query offset a kernel of `op` alone is timed at, where the op takes
/// one as an operand: 0 for a block of several queries (a prompt at the start
/// of the cache, as the runners' prefill), the middle of the keys for a
/// single query (a decode step half way through the cache).
int64_t representativeQueryOffset(AttentionOp op);

} // namespace mlir::kf

#endif // KERNELFORGE_CODEGEN_CPU_ATTENTIONPROBLEMS_H
