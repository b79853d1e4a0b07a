"""Runs a LLaMA-family model directory through kernelforge-generate and
checks the prompt's logits and every decode step's against the float64
NumPy forward (reference.llama_logits) on the same weights (rounded to
--dtype when the runner keeps them in 16 bits), and that each greedy token
is the reference's argmax.

  check_llama.py --runner kernelforge-generate --model-dir DIR --tokens 1,5,9 -n 6
                 [--dtype bf16|f16|int8] [--kv-dtype bf16|f16] [--device gpu-emulator]
                 [--atol 1e-3] [--rtol 1e-3]

With --kv-dtype the reference rounds every key (after RoPE) and value as the
runner's 16-bit KV cache keeps them.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from kernelforge import reference as ref  # noqa: E402
from kernelforge import safetensors_io  # noqa: E402
from kernelforge import storage  # noqa: E402


def rounded(params, dtype):
    """The matrices as the runner keeps them (norms, biases and the token
    table stay f32): rounded to 16 bits, or int8 blocks of 32 input features
    (nn.Linear's axis 1) dequantised."""
    if dtype in (None, "f32"):
        return params
    out = {}
    for name, value in params.items():
        if value.ndim == 2 and name != "model.embed_tokens.weight":
            if dtype == "int8":
                value = storage.quantize_blocks(value, axis=1)
            elif dtype == "bf16":
                value = storage.round_bf16(value).astype(np.float64)
            else:
                value = value.astype(np.float16).astype(np.float64)
        out[name] = value
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runner", required=True)
    ap.add_argument("--model-dir", required=True)
    ap.add_argument("--tokens", required=True)
    ap.add_argument("-n", type=int, default=6)
    ap.add_argument("--dtype")
    ap.add_argument("--device")
    ap.add_argument("--kv-dtype", help="the runner's --kv-dtype; the reference rounds "
                    "keys and values the same way")
    ap.add_argument("--prefill-bucket", help="the runner's --prefill-bucket: prompts "
                    "longer than it are prefilled in chunks")
    ap.add_argument("--atol", type=float, default=1e-3)
    ap.add_argument("--rtol", type=float, default=1e-3)
    a = ap.parse_args()
    with open(os.path.join(a.model_dir, "config.json")) as f:
        config = json.load(f)
    prompt = [int(t) for t in a.tokens.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        prompt_npy, steps_npy = os.path.join(tmp, "p.npy"), os.path.join(tmp, "s.npy")
        cmd = [a.runner, "--model-dir", a.model_dir, "--tokens", a.tokens, "-n", str(a.n),
               "--stop-token", "-1", "--logits-out", prompt_npy,
               "--decode-logits-out", steps_npy, "--json"]
        if a.dtype:
            cmd += ["--dtype", a.dtype]
        if a.device:
            cmd += ["--device", a.device]
        if a.kv_dtype:
            cmd += ["--kv-dtype", a.kv_dtype]
        if a.prefill_bucket:
            cmd += ["--prefill-bucket", a.prefill_bucket]
        run = subprocess.run(cmd, capture_output=True, text=True)
        if run.returncode != 0:
            sys.exit(f"runner failed: {run.stderr}")
        generated = json.loads(run.stdout.strip().splitlines()[-1])["generated"]
        got_prompt, got_steps = np.load(prompt_npy), np.load(steps_npy)
    params = {k: v.astype(np.float64)
              for k, v in ref.dequantized(safetensors_io.read(
                  os.path.join(a.model_dir, "model.safetensors"))).items()}
    params = rounded(params, a.dtype)
    kv_round = {"bf16": storage.round_bf16, "f16": storage.round_f16}.get(a.kv_dtype)
    ok = True

    def compare(what, got, want):
        nonlocal ok
        err = np.abs(got - want).max()
        good = np.allclose(got, want, atol=a.atol, rtol=a.rtol)
        ok &= good
        print(f"{what}: {got.shape[0]} rows, max abs error {err:.2e} "
              f"(atol {a.atol:g}, rtol {a.rtol:g}): {'ok' if good else 'FAILED'}")

    compare("prefill (all prompt positions)", got_prompt[:len(prompt)],
            ref.llama_logits(prompt, params, config, kv_round))
    want_steps, argmax_ok = [], True
    for i, token in enumerate(generated):
        logits = ref.llama_logits(prompt + generated[:i], params, config, kv_round)[-1]
        want_steps.append(logits)
        argmax_ok &= logits[token] >= logits.max() - a.atol
    compare("decode (each generated token)", got_steps[:len(generated)], np.array(want_steps))
    print(f"generated {generated}: {'the reference argmax' if argmax_ok else 'NOT the reference argmax'}")
    ok &= argmax_ok
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
