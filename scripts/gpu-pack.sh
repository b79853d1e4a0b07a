#!/usr/bin/env bash
# Packs what a GPU machine without MLIR needs to check and time KernelForge's
# CUDA path, into gpu-pack/ (git-ignored). Built here, without a GPU:
#   bin/   kernelforge-gpt2-run and kernelforge-run (the runtime only)
#   lib/   libkernelforge_cuda_runtime.so and every compiled library:
#          - the kernels of test/Integration/GPU/gpu-emulator.mlir, compiled
#            for CUDA, with checks.txt (its %check lines, to run on the GPU);
#          - GPT-2 124M generation libraries: prefill buckets 64, 256 and
#            1024 (timing), and one returning every prompt row (numerics);
#          - the makemore-names model's generation library (when ../shared
#            has the model, copied to makemore/);
#   ref/   the CPU path's logits for the 124M check (random weights 0);
#   src/   nlohmann's header, to rebuild the runners there if these do not run.
# Then, on the GPU machine: scripts/gpu-session.sh (the device tool's `run`
# with carry ["gpu-pack"]).
#   KF_GPU_CHIP=sm_90 (default; H100 and H200)   KF_GPU_PACK=DIR
#   KF_GPU_TARGET=gpu-emulator packs the same kernels emulated on the CPU, so
#   that both scripts can be tried here (gpu-session.sh then runs on the CPU).
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

chip="${KF_GPU_CHIP:-sm_90}"
target="${KF_GPU_TARGET:-cuda}"
case "$target" in
  cuda) device=cuda ;;
  gpu-emulator) device=cpu ;;
  *) echo "KF_GPU_TARGET must be cuda or gpu-emulator, not '$target'" >&2; exit 1 ;;
esac
pack="${KF_GPU_PACK:-$KF_ROOT/gpu-pack}"
kf_build kernelforge-compile kernelforge-gpt2 kernelforge-gpt2-run kernelforge-run \
  kernelforge_cuda_runtime >/dev/null
bin="$KF_BUILD/bin"
export KF_CACHE_DIR="$KF_BUILD/gpu-pack-cache"

# Cubins where a CUDA toolkit runs here, else PTX (the driver compiles it).
format=isa
if /usr/local/cuda/bin/ptxas --version >/dev/null 2>&1 || ptxas --version >/dev/null 2>&1; then
  format=bin
fi
gpu_options="chip=$chip format=$format"
kf_log "packing into $pack ($target, $chip, format=$format)"
rm -rf "$pack"
mkdir -p "$pack"/{bin,lib,ref,src}
echo "$device" >"$pack/device"
cp "$bin/kernelforge-gpt2-run" "$bin/kernelforge-run" "$pack/bin/"
cp "$KF_BUILD/lib/libkernelforge_cuda_runtime.so" "$pack/lib/"
cp -r /usr/include/nlohmann "$pack/src/"

# The emulator test's kernels and checks, for the real GPU.
emulator_test="$KF_ROOT/test/Integration/GPU/gpu-emulator.mlir"
compile_re='kernelforge-compile ([^ ]+) --target=gpu-emulator( --pipeline-options="([^"]*)")? -o %t\.([a-z0-9]+)\.so'
check_re='%check %t\.([a-z0-9]+)\.so (.*)$'
: >"$pack/checks.txt"
while IFS= read -r line; do
  if [[ "$line" =~ $compile_re ]]; then
    source_file="${BASH_REMATCH[1]//%kf_src_root/$KF_ROOT}"
    source_file="${source_file//%S/$(dirname "$emulator_test")}"
    name="${BASH_REMATCH[4]}"
    "$bin/kernelforge-compile" "$source_file" --target="$target" \
      --pipeline-options="${BASH_REMATCH[3]} $gpu_options" -o "$pack/lib/$name.cuda.so"
  elif [[ "$line" =~ $check_re ]]; then
    echo "${BASH_REMATCH[1]}.cuda.so ${BASH_REMATCH[2]}" >>"$pack/checks.txt"
  fi
done <"$emulator_test"
kf_log "$(wc -l <"$pack/checks.txt") kernel checks from $(basename "$emulator_test")"

# GPT-2 124M, random weights: timing libraries per prefill bucket, and one
# with every prompt row's logits for the numerics check.
config="$KF_ROOT/models/gpt2/configs/gpt2.json"
prompt_of() { /usr/bin/python3 -c "print(','.join(str((7 * i + 11) % 50257) for i in range($1)))"; }
for bucket in 64 256 1024; do
  "$bin/kernelforge-gpt2" --config "$config" --random-weights 0 --tokens "$(prompt_of "$bucket")" \
    --device "$target" --pipeline-options="$gpu_options" --compile-only \
    --save-library "$pack/lib/gpt2-124m-b$bucket.cuda.so" >/dev/null
done
check_tokens=464,2068,7586,21831,18045,625,262,16931
"$bin/kernelforge-gpt2" --config "$config" --random-weights 0 --tokens "$check_tokens" \
  --logits-out /dev/null --device "$target" --pipeline-options="$gpu_options" --compile-only \
  --save-library "$pack/lib/gpt2-124m-all.cuda.so" >/dev/null
kf_log "the CPU path's 124M logits for the GPU comparison"
"$bin/kernelforge-gpt2" --config "$config" --random-weights 0 --tokens "$check_tokens" -n 8 \
  --logits-out "$pack/ref/cpu-prefill.npy" --decode-logits-out "$pack/ref/cpu-decode.npy" \
  >"$pack/ref/cpu-tokens.txt"
echo "$check_tokens" >"$pack/ref/tokens.txt"

# The real makemore-names model (../shared), when present.
makemore="$KF_ROOT/../shared/models/makemore-names"
if [ -f "$makemore/model.safetensors" ]; then
  mkdir -p "$pack/makemore"
  cp "$makemore"/{config.json,model.safetensors,README.md} "$pack/makemore/"
  "$bin/kernelforge-gpt2" --model-dir "$makemore" --tokens 0 --prefill-bucket 16 --logits-out /dev/null \
    --device "$target" --pipeline-options="$gpu_options" --compile-only \
    --save-library "$pack/lib/makemore-all.cuda.so" >/dev/null
fi
du -sh "$pack"
kf_log "packed: on the GPU machine run scripts/gpu-session.sh (carry gpu-pack)"
