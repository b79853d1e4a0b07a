#!/usr/bin/env bash
# The main job: real and large decoders generating text, compiled by
# KernelForge.
#   scripts/demo.sh              stories260K (a trained LLaMA, shipped in
#                                models/llama) tells its story, then GPT-2 124M
#                                (its Hugging Face config) with deterministic
#                                random weights, then vit-mnist (a trained ViT,
#                                models/vit) classifies handwritten digits
#   scripts/demo.sh MODEL_DIR    a Hugging Face GPT-2 directory (config.json,
#                                model.safetensors, vocab.json, merges.txt)
#                                instead of the random 124M
# stories260K generates greedily from BOS (llama2.c's published text) and
# from a prompt. For GPT-2: builds the kf graph and reports its cost,
# generates 32 tokens with a KV cache (compiling the graph on the first run,
# reusing it afterwards), then checks the logits of the prompt and of every
# decode step against an independent float64 NumPy forward pass.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

model_dir="${1:-}"
prompt="${KF_DEMO_PROMPT:-Hello, my name is}"
config="$KF_ROOT/models/gpt2/configs/gpt2.json"
model=(--config "$config" --random-weights 0)
if [ -n "$model_dir" ]; then
  config="$model_dir/config.json"
  model=(--model-dir "$model_dir")
fi

kf_build kernelforge-opt kernelforge-gpt2-graph kernelforge-gpt2 kernelforge-generate kernelforge-classify >/dev/null
bin="$KF_BUILD/bin"
out="$KF_BUILD/demo"
mkdir -p "$out"

stories="$KF_ROOT/models/llama/stories260K"
kf_log "stories260K (LLaMA: GQA 8/4, RoPE, SwiGLU), greedy from BOS: kernelforge-generate --model-dir models/llama/stories260K -n 120"
"$bin/kernelforge-generate" --model-dir "$stories" -n 120
kf_log "stories260K, prompted: --prompt \"Once upon a time, there was a dog\" -n 60"
"$bin/kernelforge-generate" --model-dir "$stories" --prompt "Once upon a time, there was a dog" -n 60

kf_log "the kf graph of $config and its cost (1024 tokens)"
"$bin/kernelforge-gpt2-graph" "$config" -o "$out/gpt2.mlir"
"$bin/kernelforge-opt" "$out/gpt2.mlir" --kf-print-model-stats -o /dev/null
echo "(graph: $out/gpt2.mlir; generation graph with a KV cache: $out/generate.mlir)"

kf_log "generating: kernelforge-gpt2 ${model[*]} --prompt \"$prompt\" -n 32"
"$bin/kernelforge-gpt2" "${model[@]}" --prompt "$prompt" -n 32 --emit-mlir "$out/generate.mlir"

kf_log "checking the logits (prompt and every decode step) against NumPy float64"
tokens=$("$bin/kernelforge-gpt2" "${model[@]}" --encode-only --prompt "$prompt")
if [ -n "$model_dir" ]; then
  check=(--model-dir "$model_dir")
else
  check=(--config "$config" --random-weights 0)
fi
/usr/bin/python3 "$KF_ROOT/python/kernelforge/check_gpt2.py" --runner "$bin/kernelforge-gpt2" \
  "${check[@]}" --tokens "$tokens" -n 8 --atol 1e-3 --rtol 1e-3

vit="$KF_ROOT/models/vit/vit-mnist"
kf_log "vit-mnist (a ViT trained on MNIST): kernelforge-classify --model-dir models/vit/vit-mnist models/vit/vit-mnist/digit*.png"
"$bin/kernelforge-classify" --model-dir "$vit" "$vit"/digit*.png
kf_log "its accuracy on 200 held-out digits (the model's: 195 of 200)"
"$bin/kernelforge-classify" --model-dir "$vit" --npy "$vit/heldout_images_200.npy" \
  --labels "$vit/heldout_labels_200.npy"
