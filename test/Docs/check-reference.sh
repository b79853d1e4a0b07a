#!/usr/bin/env bash
# docs/reference holds what mlir-tblgen generates from the ODS and the pass
# definitions; fails (naming the page) when a checked-in page is stale.
#   check-reference.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
src=$1 build=$2
status=0
for page in Dialects/TransformerDialect TransformerPasses KernelForgeTransformsPasses \
  KernelForgeCPUCodegenPasses KernelForgeGPUCodegenPasses KernelForgeConversionPasses; do
  checked_in="$src/docs/reference/$(basename "$page").md"
  if ! cmp -s "$build/docs/$page.md" "$checked_in"; then
    echo "stale: $checked_in differs from the generated $build/docs/$page.md"
    status=1
  fi
done
[ "$status" -eq 0 ] && echo "docs/reference matches the ODS" \
  || echo "run scripts/docs.sh to regenerate docs/reference"
exit "$status"
