"""Mean negative log-likelihood of makemore-style names under a compiled
GPT-2 graph (kernelforge-gpt2-graph --batch N --seq 16, compiled with
kernelforge-compile), with the checkpoint's weights bound by kf.param name.

Each name is scored as input [0] + letters (cut to the sequence length)
against targets letters + [0] (cut likewise); id 0 is the boundary '.',
1..26 are 'a'..'z'.
"""

import argparse
import os
import subprocess
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from kernelforge import reference as ref  # noqa: E402
from kernelforge import storage  # noqa: E402
from kernelforge import tools  # noqa: E402


def stored(params, arg):
    """A parameter as the graph's argument declares it: f32, f16, bf16 bits,
    or i8 blocks and their scales (kernelforge-gpt2-graph --dtype)."""
    name, dtype = arg["param"], arg["dtype"]
    if name.endswith(".scales"):
        base = name[:-len(".scales")]
        return storage.quantize_int8(params[base], storage.gpt2_matrix_axis(base),
                                     scales_dtype=dtype)[1]
    value = params[name]
    if dtype == "i8":
        return storage.quantize_int8(value, storage.gpt2_matrix_axis(name))[0]
    if dtype == "bf16":
        return storage.bf16_bits(value)
    if dtype == "f16":
        return value.astype(np.float16)
    return value.astype(np.float32)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("library")
    ap.add_argument("--runner", required=True)
    ap.add_argument("--checkpoint", required=True)
    ap.add_argument("--names", required=True)
    args = ap.parse_args()

    entry = tools.describe(args.runner, args.library)[0]
    ids_spec = entry["args"][0]
    batch, seq = ids_spec["shape"]
    with open(args.names) as f:
        names = [line.strip() for line in f if line.strip()][:batch]
    if len(names) < batch:
        sys.exit(f"error: {args.names} has {len(names)} names, the graph takes {batch}")
    ids = np.zeros((batch, seq), np.int64)
    targets = np.full((batch, seq), -1, np.int64)
    for row, name in enumerate(names):
        letters = [ord(ch) - ord("a") + 1 for ch in name]
        inp = ([0] + letters)[:seq]
        tgt = (letters + [0])[:seq]
        ids[row, :len(inp)] = inp
        targets[row, :len(tgt)] = tgt
    params = ref.load_gpt2_checkpoint(args.checkpoint)
    with tempfile.TemporaryDirectory() as tmp:
        cli = []
        for i, a in enumerate(entry["args"]):
            if a["role"] != "input":
                continue
            path = os.path.join(tmp, f"in{i}.npy")
            np.save(path, ids if i == 0 else stored(params, a))
            cli.append(path)
        prefix = os.path.join(tmp, "out")
        subprocess.run([args.runner, args.library, "--output", prefix] + cli, check=True)
        logits = np.load(prefix + "0.npy").astype(np.float64)
    shifted = logits - logits.max(axis=-1, keepdims=True)
    logp = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    mask = targets >= 0
    picked = np.take_along_axis(logp, np.maximum(targets, 0)[..., None], axis=-1)[..., 0]
    nll = -(picked * mask).sum() / mask.sum()
    print(f"mean NLL {nll:.6f} nats per token over {int(mask.sum())} tokens of {batch} names")


if __name__ == "__main__":
    main()
