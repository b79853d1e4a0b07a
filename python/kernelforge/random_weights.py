"""The deterministic random weights of `kernelforge-gpt2 --random-weights
SEED` (lib/Runtime/Weights.cpp), recomputed in NumPy so a reference forward
can use exactly the same values: per tensor, a splitmix64 stream seeded by
SEED and the FNV-1a hash of the name; matrices and embeddings uniform with
standard deviation 0.02, norm scales (names with ln_ or norm) 1, biases 0."""

import numpy as np

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)


def _state(seed, name):
    state = (seed ^ 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF
    for ch in name.encode():
        state = ((state ^ ch) * 1099511628211) & 0xFFFFFFFFFFFFFFFF
    return state


def tensor(seed, name, shape):
    n = int(np.prod(shape))
    if name.endswith(".bias"):
        return np.zeros(shape, np.float32)
    if "ln_" in name or "norm" in name:
        return np.ones(shape, np.float32)
    with np.errstate(over="ignore"):
        z = np.uint64(_state(seed, name)) + _GOLDEN * np.arange(1, n + 1, dtype=np.uint64)
        z = (z ^ (z >> np.uint64(30))) * _M1
        z = (z ^ (z >> np.uint64(27))) * _M2
        z = z ^ (z >> np.uint64(31))
    scale = 0.02 * np.sqrt(3.0) * 2.0 ** -52
    values = ((z >> np.uint64(11)).astype(np.float64) - 2.0 ** 52) * scale
    return values.astype(np.float32).reshape(shape)


def gpt2(seed, config):
    """{kf.param name: float64 array} for a GPT-2 config dict."""
    e, v, p, layers = config["n_embd"], config["vocab_size"], config["n_positions"], config["n_layer"]
    inner = config.get("n_inner") or 4 * e
    shapes = {"wte.weight": (v, e), "wpe.weight": (p, e), "ln_f.weight": (e,), "ln_f.bias": (e,)}
    for i in range(layers):
        h = f"h.{i}."
        shapes.update({h + "ln_1.weight": (e,), h + "ln_1.bias": (e,),
                       h + "attn.c_attn.weight": (e, 3 * e), h + "attn.c_attn.bias": (3 * e,),
                       h + "attn.c_proj.weight": (e, e), h + "attn.c_proj.bias": (e,),
                       h + "ln_2.weight": (e,), h + "ln_2.bias": (e,),
                       h + "mlp.c_fc.weight": (e, inner), h + "mlp.c_fc.bias": (inner,),
                       h + "mlp.c_proj.weight": (inner, e), h + "mlp.c_proj.bias": (e,)})
    if not config.get("tie_word_embeddings", True):
        shapes["lm_head.weight"] = (v, e)
    return {name: tensor(seed, name, shape).astype(np.float64) for name, shape in shapes.items()}
