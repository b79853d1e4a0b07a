"""Writes a Hugging Face-layout GPT-2 model directory with random weights,
in the variations real checkpoints come in, for tests.

  make_checkpoint.py OUT_DIR --layers 2 --heads 2 --embd 32 --vocab 50 --positions 32
      [--prefix] [--untied] [--buffers] [--f16 NAME ...] [--bf16 NAME ...]
      [--drop NAME] [--reshape NAME] [--seed S] [--scale F] [--activation gelu_new]

--prefix writes `transformer.`-prefixed names (GPT2LMHeadModel), --buffers
adds the `attn.bias` / `attn.masked_bias` buffers old checkpoints carry,
--untied writes a separate lm_head.weight. --drop and --reshape break the
checkpoint on purpose (a missing tensor, a transposed one).
"""

import argparse
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from kernelforge import safetensors_io  # noqa: E402


def params(layers, heads, embd, vocab, positions, untied, rng, scale=1.0):
    e = embd
    normal = rng.normal
    rng = type("Scaled", (), {"normal": staticmethod(
        lambda mean, std, shape: normal(mean, std * scale, shape))})
    p = {"wte.weight": rng.normal(0, 0.3, (vocab, e)),
         "wpe.weight": rng.normal(0, 0.1, (positions, e))}
    for i in range(layers):
        h = f"h.{i}."
        p[h + "ln_1.weight"] = 1 + rng.normal(0, 0.1, e)
        p[h + "ln_1.bias"] = rng.normal(0, 0.1, e)
        p[h + "attn.c_attn.weight"] = rng.normal(0, 0.2, (e, 3 * e))
        p[h + "attn.c_attn.bias"] = rng.normal(0, 0.1, 3 * e)
        p[h + "attn.c_proj.weight"] = rng.normal(0, 0.2, (e, e))
        p[h + "attn.c_proj.bias"] = rng.normal(0, 0.1, e)
        p[h + "ln_2.weight"] = 1 + rng.normal(0, 0.1, e)
        p[h + "ln_2.bias"] = rng.normal(0, 0.1, e)
        p[h + "mlp.c_fc.weight"] = rng.normal(0, 0.2, (e, 4 * e))
        p[h + "mlp.c_fc.bias"] = rng.normal(0, 0.1, 4 * e)
        p[h + "mlp.c_proj.weight"] = rng.normal(0, 0.1, (4 * e, e))
        p[h + "mlp.c_proj.bias"] = rng.normal(0, 0.1, e)
    p["ln_f.weight"] = 1 + rng.normal(0, 0.1, e)
    p["ln_f.bias"] = rng.normal(0, 0.1, e)
    if untied:
        p["lm_head.weight"] = rng.normal(0, 0.3, (vocab, e))
    return {k: v.astype(np.float32) for k, v in p.items()}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--layers", type=int, default=2)
    ap.add_argument("--heads", type=int, default=2)
    ap.add_argument("--embd", type=int, default=32)
    ap.add_argument("--vocab", type=int, default=50)
    ap.add_argument("--positions", type=int, default=32)
    ap.add_argument("--activation", default="gelu_new")
    ap.add_argument("--prefix", action="store_true")
    ap.add_argument("--untied", action="store_true")
    ap.add_argument("--buffers", action="store_true")
    ap.add_argument("--f16", nargs="*", default=[])
    ap.add_argument("--bf16", nargs="*", default=[])
    ap.add_argument("--drop")
    ap.add_argument("--reshape")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--scale", type=float, default=1.0,
                    help="multiplies every standard deviation (0.1: GPT-2-like magnitudes)")
    a = ap.parse_args()

    rng = np.random.default_rng(a.seed)
    p = params(a.layers, a.heads, a.embd, a.vocab, a.positions, a.untied, rng, a.scale)
    for name in a.f16:
        p[name] = p[name].astype(np.float16)
    if a.drop:
        del p[a.drop]
    if a.reshape:
        p[a.reshape] = np.ascontiguousarray(p[a.reshape].T)
    tensors = {}
    for name, array in p.items():
        tensors[("transformer." + name) if a.prefix and name != "lm_head.weight" else name] = array
    if a.buffers:
        for i in range(a.layers):
            mask = np.tril(np.ones((a.positions, a.positions), np.float32))[None, None]
            tensors[f"{'transformer.' if a.prefix else ''}h.{i}.attn.bias"] = mask
            tensors[f"{'transformer.' if a.prefix else ''}h.{i}.attn.masked_bias"] = np.array(-1e4, np.float32)
    bf16 = {("transformer." + n) if a.prefix else n for n in a.bf16}
    os.makedirs(a.out, exist_ok=True)
    safetensors_io.write(os.path.join(a.out, "model.safetensors"), tensors, bf16=bf16)
    config = {"model_type": "gpt2", "vocab_size": a.vocab, "n_positions": a.positions,
              "n_embd": a.embd, "n_layer": a.layers, "n_head": a.heads,
              "activation_function": a.activation, "layer_norm_epsilon": 1e-5,
              "tie_word_embeddings": not a.untied}
    with open(os.path.join(a.out, "config.json"), "w") as f:
        json.dump(config, f, indent=1)


if __name__ == "__main__":
    main()
