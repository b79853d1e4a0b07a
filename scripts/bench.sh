#!/usr/bin/env bash
# Speed, measured in one run against baselines on the same machine:
#  1. kernelforge-bench: GPT-2 124M kernels at T=1, 64 and 256 against
#     OpenBLAS, with the previous run's report as the baseline (a kernel
#     more than 10% slower is flagged; KF_BENCH_THRESHOLD changes that);
#  2. bench_gpt2.py: generation (prompt tokens/s, decode ms/token) against
#     PyTorch eager with a KV cache on the same weights (installs Debian's
#     python3-torch if missing);
#  3. a plot of the kernel report against its baseline and, when
#     ../shared/bench/peers.sh has run, against the peers (bench.png).
# Compare ratios, not absolute figures: machines are shared and noisy.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
KF_PACKAGES+=(python3-torch python3-matplotlib)

kf_build kernelforge-bench kernelforge-gpt2 >/dev/null
report="$KF_BUILD/bench-kernels.json"
previous="$KF_BUILD/bench-kernels.previous.json"
baseline=()
if [ -f "$report" ]; then
  cp "$report" "$previous"
  baseline=(--baseline "$previous" --threshold "${KF_BENCH_THRESHOLD:-0.10}")
fi
kf_log "kernels at GPT-2 124M shapes, KernelForge against OpenBLAS"
set +e
"$KF_BUILD/bin/kernelforge-bench" --seq-lens 1,64,256 --json "$report" "${baseline[@]}"
regressions=$?
set -e
kf_log "GPT-2 124M generation, KernelForge against PyTorch"
/usr/bin/python3 "$KF_ROOT/python/kernelforge/bench_gpt2.py" \
  --runner "$KF_BUILD/bin/kernelforge-gpt2" --prompt-tokens "${KF_BENCH_PROMPT:-64}" \
  -n 32 --json "$KF_BUILD/bench-gpt2.json"
peers=$(ls -d "${KF_PEERS:-$HOME/.cache/kernelforge-peers}"/results/*/samples.json 2>/dev/null | tail -1 || true)
plot=(/usr/bin/python3 "$KF_ROOT/python/kernelforge/plot_bench.py" "$report" -o "$KF_BUILD/bench.png")
[ -f "$previous" ] && plot+=(--baseline "$previous")
[ -n "$peers" ] && plot+=(--peers "$peers")
"${plot[@]}"
exit "$regressions"
