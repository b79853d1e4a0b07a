#!/usr/bin/env bash
# The main job, on an embedded default: build the GPT-2 124M forward graph
# from its Hugging Face config, check it through the kf dialect and report
# what it costs; compile it ahead of time to a shared library, run it on
# random weights against an independent NumPy forward; and time its kernels
# against OpenBLAS. Pass another config.json (and a sequence length for the
# cost report) to use that model instead:  scripts/demo.sh path/to/config.json 256
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

config="${1:-$KF_ROOT/models/gpt2/configs/gpt2.json}"
seq="${2:-1024}"
run_seq=128

kf_build kernelforge-opt kernelforge-gpt2-graph kernelforge-compile \
  kernelforge-run kernelforge-bench >/dev/null
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

kf_log "compiling the $run_seq-token graph to a shared library (kf-cpu-pipeline, host CPU)"
"$bin/kernelforge-gpt2-graph" "$config" --seq "$run_seq" -o "$out/gpt2-run.mlir"
start=$(date +%s%N)
"$bin/kernelforge-compile" "$out/gpt2-run.mlir" -o "$out/gpt2.so"
end=$(date +%s%N)
echo "compiled $out/gpt2.so in $(((end - start) / 1000000)) ms ($(($(stat -c %s "$out/gpt2.so") / 1024)) KiB); every stage can be printed with"
echo "  kernelforge-compile $out/gpt2-run.mlir --emit=linalg|llvm-mlir|llvm-ir|asm -o -"

kf_log "running it on random weights; logits against the float64 NumPy forward"
n_head=$(/usr/bin/python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['n_head'])" "$config")
vocab=$(/usr/bin/python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['vocab_size'])" "$config")
/usr/bin/python3 "$KF_ROOT/python/kernelforge/check_compiled.py" "$out/gpt2.so" \
  --runner "$bin/kernelforge-run" --entry gpt2 --ints-below "$vocab" --scale 0.1 \
  --atol 1e-3 --rtol 1e-3 --repeat 5 --expect "ref.gpt2_logits(x0, p, n_head=$n_head)"

kf_log "kernel throughput at GPT-2 124M shapes, against OpenBLAS in the same run"
"$bin/kernelforge-bench" --min-time 0.1
