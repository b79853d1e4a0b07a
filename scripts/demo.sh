#!/usr/bin/env bash
# The main job, on an embedded default: build the GPT-2 124M forward graph
# from its Hugging Face config, check it through the kf dialect, and report
# what it costs. Pass another config.json (and a sequence length) to
# compile that model instead:  scripts/demo.sh path/to/config.json 256
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

config="${1:-$KF_ROOT/models/gpt2/configs/gpt2.json}"
seq="${2:-1024}"

kf_build kernelforge-opt kernelforge-gpt2-graph >/dev/null
bin="$KF_BUILD/bin"
out="$KF_BUILD/demo"
mkdir -p "$out"

kf_log "building the kf graph of $config (batch 1, $seq tokens)"
"$bin/kernelforge-gpt2-graph" "$config" --seq "$seq" -o "$out/gpt2.mlir"

kf_log "verifying, canonicalizing and costing it with kernelforge-opt"
# One run: the canonical IR goes to a file, the statistics to stdout.
"$bin/kernelforge-opt" "$out/gpt2.mlir" --canonicalize --kf-print-model-stats \
  -o "$out/gpt2.canonical.mlir" > "$out/stats.txt"
echo "graph: $out/gpt2.mlir (a @gpt2_block of $(grep -c '= kf\.' "$out/gpt2.mlir") kf ops, called once per layer)"
echo
echo "one transformer block:"
sed -n '/func.func private @gpt2_block/,/^  }/p' "$out/gpt2.canonical.mlir" \
  | cut -c1-140 | sed 's/^/  /'
echo
echo "parameters and cost of one forward pass:"
cat "$out/stats.txt"
