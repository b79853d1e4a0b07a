#!/usr/bin/env bash
# Speed, measured in one run against baselines on the same machine:
#  1. kernelforge-bench: GPT-2 124M kernels at T=1 and T=256 against OpenBLAS;
#  2. bench_gpt2.py: generation (prompt tokens/s, decode ms/token) against
#     PyTorch eager with a KV cache on the same weights (installs Debian's
#     python3-torch if missing).
# Compare ratios, not absolute figures: machines are shared and noisy.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
KF_PACKAGES+=(python3-torch)

kf_build kernelforge-bench kernelforge-gpt2 >/dev/null
kf_log "kernels at GPT-2 124M shapes, KernelForge against OpenBLAS"
"$KF_BUILD/bin/kernelforge-bench" --json "$KF_BUILD/bench-kernels.json"
kf_log "GPT-2 124M generation, KernelForge against PyTorch"
/usr/bin/python3 "$KF_ROOT/python/kernelforge/bench_gpt2.py" \
  --runner "$KF_BUILD/bin/kernelforge-gpt2" --prompt-tokens "${KF_BENCH_PROMPT:-64}" \
  -n 32 --json "$KF_BUILD/bench-gpt2.json"
