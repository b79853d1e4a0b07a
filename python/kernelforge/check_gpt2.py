"""Checks kernelforge-gpt2 against the float64 NumPy GPT-2 forward.

  check_gpt2.py --runner build/bin/kernelforge-gpt2 --model-dir DIR
                --tokens 0,5,3 -n 6 [--atol 1e-4] [--rtol 1e-4]
  check_gpt2.py ... --config config.json --random-weights SEED (the runner's
                deterministic random weights, recomputed in NumPy)
  check_gpt2.py ... --dtype bf16 (weights kept in bf16, f16 or int8 blocks:
                the reference reads the same rounded weights)
                (int8 rows that round their input: --int8-rounded-atol,
                see below)
  check_gpt2.py ... --kv-dtype bf16 (a 16-bit KV cache: the reference rounds
                every key and value the same way)
  check_gpt2.py --runner kernelforge-gpt2-run --library LIB ... (a library
                saved by kernelforge-gpt2 --logits-out --save-library, run
                without MLIR: on a GPU machine, say)

Runs the runner greedily with --logits-out (the prompt's logits, prefill) and
--decode-logits-out (the logits each generated token came from: prefill's
last row, then every decode step), then recomputes the whole sequence
(prompt + generated tokens) in NumPy without a KV cache and compares every
row. Exit status 1 on any mismatch.

With int8 weights, one-row products on x86 round their input to 16-bit
integers with one scale per 32 values (kf-integer-block-dots for [n, k]
blocks; kf-integer-row-pairs for AVX2 code's [k, n] ones: at most 2^-16 of
the largest of those values, next to the weights' 2^-8), which the
reference does not. Decode's products are one row, and so is each row of a
product of up to 8 rows (4 against [k, n] blocks; ContractionToLinalg's
kRowByRowMaxRows): decode rows, and the prefill rows of a prompt whose
bucket is 8 tokens or fewer, are held to --int8-rounded-atol (default 2e-3;
the makemore model's logits move by up to 1e-3 with AVX2 code) where --atol
is smaller; longer prompts' products do not round.
"""

import argparse
import json
import os
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from kernelforge import reference as ref  # noqa: E402
from kernelforge import storage  # noqa: E402
from kernelforge import tools  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runner", required=True)
    ap.add_argument("--model-dir")
    ap.add_argument("--config", help="with --random-weights: a config.json")
    ap.add_argument("--random-weights", type=int)
    ap.add_argument("--tokens", required=True)
    ap.add_argument("-n", type=int, default=4)
    ap.add_argument("--atol", type=float, default=1e-4)
    ap.add_argument("--rtol", type=float, default=1e-4)
    ap.add_argument("--int8-rounded-atol", type=float, default=2e-3,
                    help="the least --atol of rows whose int8 products round their "
                    "input (see above)")
    ap.add_argument("--cache-dir")
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--dtype", help="the runner's --dtype (f32, f16, bf16, int8); the "
                    "reference then reads the weight matrices rounded the same way")
    ap.add_argument("--kv-dtype", help="the runner's --kv-dtype (f32, bf16, f16); the "
                    "reference then rounds the keys and values the same way")
    ap.add_argument("--pipeline-options", help="the runner's --pipeline-options (e.g. "
                    "target-cpu=znver3: another target's code, which this host runs)")
    ap.add_argument("--prefill-bucket", help="the runner's --prefill-bucket: prompts "
                    "longer than it are prefilled in chunks")
    ap.add_argument("--library", help="a library kernelforge-gpt2 saved with --logits-out; the "
                    "runner is then kernelforge-gpt2-run")
    args = ap.parse_args()

    prompt = [int(t) for t in args.tokens.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        prefill_path = os.path.join(tmp, "prefill.npy")
        decode_path = os.path.join(tmp, "decode.npy")
        if args.model_dir:
            model = ["--model-dir", args.model_dir]
        elif args.library:
            model = ["--random-weights", str(args.random_weights)]
        else:
            model = ["--config", args.config, "--random-weights", str(args.random_weights)]
        library = [args.library] if args.library else []
        cmd = [args.runner] + library + model + ["--tokens", args.tokens,
               "-n", str(args.n), "--json", "--logits-out", prefill_path,
               "--decode-logits-out", decode_path, "--device", args.device]
        if args.cache_dir and not args.library:
            cmd += ["--cache-dir", args.cache_dir]
        if args.dtype:
            cmd += ["--dtype", args.dtype]
        if args.kv_dtype and not args.library:
            cmd += ["--kv-dtype", args.kv_dtype]
        if args.prefill_bucket and not args.library:
            cmd += ["--prefill-bucket", args.prefill_bucket]
        if args.pipeline_options and not args.library:
            cmd += ["--pipeline-options", args.pipeline_options]
        metrics = tools.run_gpt2_json(cmd)
        prefill = np.load(prefill_path)
        decode = np.load(decode_path)

    generated = metrics["generated"]
    if args.model_dir:
        n_head, eps, tied = ref.gpt2_config(os.path.join(args.model_dir, "config.json"))
        params = ref.load_gpt2_checkpoint(os.path.join(args.model_dir, "model.safetensors"))
    else:
        from kernelforge import random_weights
        n_head, eps, tied = ref.gpt2_config(args.config)
        with open(args.config) as f:
            params = random_weights.gpt2(args.random_weights, json.load(f))
    if args.dtype:
        params = storage.round_gpt2_weights(params, args.dtype)
    sequence = prompt + generated[:-1]
    kv_round = {"bf16": storage.round_bf16, "f16": storage.round_f16}.get(args.kv_dtype)
    expected = ref.gpt2_logits_from(sequence, params, n_head, eps, tied, kv_round)
    t = len(prompt)
    ok = True
    rounded_atol = max(args.atol, args.int8_rounded_atol) if args.dtype == "int8" else args.atol
    prefill_atol = rounded_atol if metrics["prefill_bucket"] <= 8 else args.atol
    decode_atol = rounded_atol
    for label, got, want, atol in [
            ("prefill (all prompt positions)", prefill, expected[:t], prefill_atol),
            ("decode (each generated token)", decode,
             expected[t - 1:t - 1 + len(generated)], decode_atol)]:
        err = np.abs(got.astype(np.float64) - want)
        # NaN compares false: a NaN anywhere counts as outside.
        bad = int((~(err <= atol + args.rtol * np.abs(want))).sum())
        print(f"{label}: {got.shape[0]} rows, max abs error {err.max():.3g} "
              f"(atol {atol:g}, rtol {args.rtol:g}): {'ok' if bad == 0 else f'{bad} outside'}")
        ok &= bad == 0 and got.shape == want.shape
    # Greedy: each generated token is the argmax of the reference logits.
    ref_tokens = [int(np.argmax(expected[t - 1 + i])) for i in range(len(generated))]
    print(f"generated {generated}; reference argmax {ref_tokens}")
    ok &= ref_tokens == generated
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
