#!/usr/bin/env bash
# Regenerates docs/reference from the ODS and pass definitions
# (mlir-tblgen -gen-dialect-doc / -gen-pass-doc, built as `mlir-doc`).
# ctest's docs/reference test fails while the checked-in copies are stale.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

kf_build mlir-doc
for page in Dialects/TransformerDialect TransformerPasses KernelForgeTransformsPasses \
  KernelForgeCPUCodegenPasses KernelForgeGPUCodegenPasses KernelForgeConversionPasses; do
  cp "$KF_BUILD/docs/$page.md" "$KF_ROOT/docs/reference/$(basename "$page").md"
done
kf_log "docs/reference updated"
