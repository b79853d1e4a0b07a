#!/usr/bin/env bash
# Runs on a GPU machine, from the repository root, over the gpu-pack/ that
# scripts/gpu-pack.sh made (no MLIR, LLVM or build needed there; python3 with
# NumPy, and PyTorch for the timings):
#   1. every kernel check of the emulator test, on the GPU, against NumPy;
#   2. the makemore-names model: its README logits, and prefill plus every
#      decode step against NumPy's float64 forward;
#   3. GPT-2 124M (random weights 0): the same NumPy check, and the logits
#      against the CPU path's (computed where the pack was made);
#   4. GPT-2 124M generation against PyTorch eager on the same GPU, same
#      weights: prompts of 64, 256 and 992 tokens (buckets 64, 256, 1024),
#      32 new tokens each.
# Writes session.log and bench-*.json to $OUT (or gpu-session-out/), and ends
# with "N passed, N failed". KF_BENCH_PROMPTS="64 256 992" sets the prompts.
# A pack made with KF_GPU_TARGET=gpu-emulator runs here the same way, on the
# CPU (the scripts' own check).
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
pack="${KF_GPU_PACK:-$root/gpu-pack}"
out="${OUT:-$root/gpu-session-out}"
py="${KF_PYTHON:-python3}"
mkdir -p "$out"
exec > >(tee "$out/session.log") 2>&1
export LD_LIBRARY_PATH="$pack/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
kfpy="$root/python/kernelforge"
bin="$pack/bin"
passed=0 failed=0
step() {
  local label="$1"
  shift
  echo "== $label"
  if "$@"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAILED: $label"
  fi
}

[ -d "$pack/lib" ] || { echo "no $pack: run scripts/gpu-pack.sh first"; exit 1; }
device=$(cat "$pack/device")
[ "$device" = cuda ] && nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv
# The runners were built elsewhere; rebuild them here if they do not start.
if ! "$bin/kernelforge-gpt2-run" --help >/dev/null 2>&1; then
  echo "the packed runners do not start here; rebuilding them"
  bin="$pack/bin-local"
  mkdir -p "$bin"
  for tool in kernelforge-gpt2-run kernelforge-run; do
    g++ -O2 -std=c++17 -I"$root/include" -I"$pack/src" "$root"/lib/Runtime/*.cpp \
      "$root/tools/$tool/$tool.cpp" -ldl -o "$bin/$tool" || exit 1
  done
fi

# 1. Kernels.
while read -r library args; do
  eval "set -- $args"
  step "kernel: $library $*" "$py" "$kfpy/check_compiled.py" "$pack/lib/$library" \
    --runner "$bin/kernelforge-run" --device "$device" "$@"
done <"$pack/checks.txt"

# 2. The real makemore-names model.
if [ -f "$pack/makemore/model.safetensors" ]; then
  lib="$pack/lib/makemore-all.cuda.so"
  check_readme() {
    "$bin/kernelforge-gpt2-run" "$lib" --model-dir "$pack/makemore" --device "$device" --tokens 0 \
      -n 6 --logits-out "$out/mm.npy" | tee /dev/stderr | grep -q -- "-> 1,12,5,9,1,0" &&
      "$py" -c "import numpy as np; got = np.load('$out/mm.npy')[0, :6]; \
want = [-5.141677, 1.757116, 0.364804, 0.392817, 0.587378, 0.540226]; \
print('README logits', got); assert np.allclose(got, want, atol=2e-6)"
  }
  step "makemore: README logits and greedy name" check_readme
  step "makemore: prefill and decode against NumPy" "$py" "$kfpy/check_gpt2.py" \
    --runner "$bin/kernelforge-gpt2-run" --library "$lib" --device "$device" \
    --model-dir "$pack/makemore" --tokens 0,13,1,18 -n 12
fi

# 3. GPT-2 124M.
lib="$pack/lib/gpt2-124m-all.cuda.so"
tokens=$(cat "$pack/ref/tokens.txt")
config="$root/models/gpt2/configs/gpt2.json"
step "124M: prefill and decode against NumPy" "$py" "$kfpy/check_gpt2.py" \
  --runner "$bin/kernelforge-gpt2-run" --library "$lib" --device "$device" \
  --config "$config" --random-weights 0 --tokens "$tokens" -n 8
compare_cpu() {
  "$bin/kernelforge-gpt2-run" "$lib" --random-weights 0 --device "$device" --tokens "$tokens" -n 8 \
    --tokenizer "$root/models/gpt2/tokenizer" \
    --logits-out "$out/gpu-prefill.npy" --decode-logits-out "$out/gpu-decode.npy" \
    >"$out/gpu-tokens.txt" || return 1
  diff "$pack/ref/cpu-tokens.txt" "$out/gpu-tokens.txt" || return 1
  "$py" - "$pack/ref" "$out" <<'EOF'
import sys, numpy as np
ok = True
for part in ("prefill", "decode"):
    cpu = np.load(f"{sys.argv[1]}/cpu-{part}.npy").astype(np.float64)
    gpu = np.load(f"{sys.argv[2]}/gpu-{part}.npy").astype(np.float64)
    err = np.abs(cpu - gpu)
    bad = int((~(err <= 1e-4 + 1e-4 * np.abs(cpu))).sum())
    print(f"{part}: GPU against CPU logits {gpu.shape}: max abs difference {err.max():.3g}, "
          f"{bad} outside 1e-4 + 1e-4*|x|")
    ok &= bad == 0 and cpu.shape == gpu.shape
sys.exit(0 if ok else 1)
EOF
  rm -f "$out"/gpu-*.npy
}
step "124M: GPU logits against the CPU path's" compare_cpu
rm -f "$out/mm.npy"

# 4. Speed against PyTorch on the same GPU.
ckpt="$(mktemp -d)"
for prompt in ${KF_BENCH_PROMPTS:-64 256 992}; do
  bucket=64
  while [ "$bucket" -lt "$prompt" ]; do bucket=$((bucket * 2)); done
  step "124M speed, $prompt-token prompt" "$py" "$kfpy/bench_gpt2.py" \
    --runner "$bin/kernelforge-gpt2-run" --library "$pack/lib/gpt2-124m-b$bucket.cuda.so" \
    --device "$device" --config "$config" --checkpoint-dir "$ckpt" --prompt-tokens "$prompt" \
    -n 32 --repeat 5 --json "$out/bench-$prompt.json"
done
rm -rf "$ckpt"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
