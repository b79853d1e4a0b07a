"""Writes a Hugging Face-layout LLaMA model directory (config.json,
model.safetensors) with random weights, in the configurations the family
comes in, for tests.

  make_llama_checkpoint.py OUT_DIR [--model-type llama|qwen2] --layers 2 --hidden 32 --heads 4 --kv-heads 2
      [--head-dim D] [--inner 48] [--vocab 61] [--positions 64] [--untied]
      [--attention-bias] [--mlp-bias] [--bf16] [--theta 10000] [--seed S]
      [--drop NAME] [--config-only KEY=JSON ...]

--drop leaves a tensor out and --set KEY=JSON overrides a config key (bad
checkpoints on purpose).
"""

import argparse
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from kernelforge import safetensors_io  # noqa: E402


def params(config, rng):
    e, inner, v = config["hidden_size"], config["intermediate_size"], config["vocab_size"]
    heads, kv, d = config["num_attention_heads"], config["num_key_value_heads"], config["head_dim"]
    n = rng.normal
    p = {"model.embed_tokens.weight": n(0, 0.5, (v, e))}
    for i in range(config["num_hidden_layers"]):
        pre = f"model.layers.{i}."
        p[pre + "input_layernorm.weight"] = 1 + n(0, 0.1, e)
        p[pre + "post_attention_layernorm.weight"] = 1 + n(0, 0.1, e)
        for name, out, inp in [("self_attn.q_proj", heads * d, e), ("self_attn.k_proj", kv * d, e),
                               ("self_attn.v_proj", kv * d, e), ("self_attn.o_proj", e, heads * d)]:
            p[pre + name + ".weight"] = n(0, 0.3, (out, inp))
            qwen2 = config["model_type"] == "qwen2"
            if (config["attention_bias"] and not qwen2) or (qwen2 and name != "self_attn.o_proj"):
                p[pre + name + ".bias"] = n(0, 0.1, out)
        for name, out, inp in [("mlp.gate_proj", inner, e), ("mlp.up_proj", inner, e),
                               ("mlp.down_proj", e, inner)]:
            p[pre + name + ".weight"] = n(0, 0.2, (out, inp))
            if config["mlp_bias"]:
                p[pre + name + ".bias"] = n(0, 0.1, out)
    p["model.norm.weight"] = 1 + n(0, 0.1, e)
    if not config["tie_word_embeddings"]:
        p["lm_head.weight"] = n(0, 0.5, (v, e))
    return {k: x.astype(np.float32) for k, x in p.items()}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--layers", type=int, default=2)
    ap.add_argument("--hidden", type=int, default=32)
    ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--kv-heads", type=int, default=2)
    ap.add_argument("--head-dim", type=int)
    ap.add_argument("--inner", type=int, default=48)
    ap.add_argument("--vocab", type=int, default=61)
    ap.add_argument("--positions", type=int, default=64)
    ap.add_argument("--theta", type=float, default=10000.0)
    ap.add_argument("--untied", action="store_true")
    ap.add_argument("--attention-bias", action="store_true")
    ap.add_argument("--mlp-bias", action="store_true")
    ap.add_argument("--bf16", action="store_true")
    ap.add_argument("--model-type", default="llama", choices=["llama", "mistral", "qwen2"])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--drop", action="append", default=[])
    ap.add_argument("--set", action="append", default=[], metavar="KEY=JSON")
    a = ap.parse_args()
    config = {
        "architectures": [{"qwen2": "Qwen2ForCausalLM", "mistral": "MistralForCausalLM"}.get(
            a.model_type, "LlamaForCausalLM")],
        "model_type": a.model_type,
        "hidden_size": a.hidden, "intermediate_size": a.inner, "num_hidden_layers": a.layers,
        "num_attention_heads": a.heads, "num_key_value_heads": a.kv_heads,
        "head_dim": a.head_dim or a.hidden // a.heads, "vocab_size": a.vocab,
        "max_position_embeddings": a.positions, "rms_norm_eps": 1e-5, "rope_theta": a.theta,
        "rope_scaling": None, "hidden_act": "silu", "tie_word_embeddings": not a.untied,
        "attention_bias": a.attention_bias, "mlp_bias": a.mlp_bias,
        "bos_token_id": 1, "eos_token_id": 2, "torch_dtype": "float32",
    }
    if a.model_type == "qwen2":  # as Qwen2 configs carry them
        config.update({"use_sliding_window": False, "sliding_window": 4096,
                       "max_window_layers": a.layers})
    tensors = params(config, np.random.default_rng(a.seed))
    for key_value in a.set:
        key, value = key_value.split("=", 1)
        config[key] = json.loads(value)
    for name in a.drop:
        del tensors[name]
    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, "config.json"), "w") as f:
        json.dump(config, f, indent=1)
    safetensors_io.write(os.path.join(a.out, "model.safetensors"), tensors,
                         bf16=tuple(tensors) if a.bf16 else ())


if __name__ == "__main__":
    main()
