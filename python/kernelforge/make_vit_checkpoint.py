"""Writes a Hugging Face-layout ViTForImageClassification directory
(config.json, model.safetensors, preprocessor_config.json) with random
weights, for tests.

  make_vit_checkpoint.py OUT_DIR [--hidden 24] [--layers 2] [--heads 3]
      [--inner 40] [--image 12] [--patch 4] [--channels 3] [--labels 5]
      [--no-qkv-bias] [--act gelu|gelu_new] [--bf16] [--seed S]
      [--drop NAME] [--set KEY=JSON]

--drop leaves a tensor out and --set KEY=JSON overrides a config key (bad
checkpoints on purpose). The preprocessor normalises each channel with its
own mean and std, so that channel order matters.
"""

import argparse
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from kernelforge import safetensors_io  # noqa: E402


def params(config, rng):
    d, inner = config["hidden_size"], config["intermediate_size"]
    c, patch = config["num_channels"], config["patch_size"]
    tokens = (config["image_size"] // patch) ** 2 + 1
    labels = len(config["id2label"])
    n = rng.normal
    p = {"vit.embeddings.cls_token": n(0, 0.5, (1, 1, d)),
         "vit.embeddings.position_embeddings": n(0, 0.5, (1, tokens, d)),
         "vit.embeddings.patch_embeddings.projection.weight": n(0, 0.3, (d, c, patch, patch)),
         "vit.embeddings.patch_embeddings.projection.bias": n(0, 0.1, d)}
    for i in range(config["num_hidden_layers"]):
        pre = f"vit.encoder.layer.{i}."
        for norm in ("layernorm_before", "layernorm_after"):
            p[pre + norm + ".weight"] = 1 + n(0, 0.1, d)
            p[pre + norm + ".bias"] = n(0, 0.1, d)
        for name, out, inp in [("attention.attention.query", d, d), ("attention.attention.key", d, d),
                               ("attention.attention.value", d, d),
                               ("attention.output.dense", d, d), ("intermediate.dense", inner, d),
                               ("output.dense", d, inner)]:
            p[pre + name + ".weight"] = n(0, 0.3, (out, inp))
            if config["qkv_bias"] or "attention.attention" not in name:
                p[pre + name + ".bias"] = n(0, 0.1, out)
    p["vit.layernorm.weight"] = 1 + n(0, 0.1, d)
    p["vit.layernorm.bias"] = n(0, 0.1, d)
    p["classifier.weight"] = n(0, 0.5, (labels, d))
    p["classifier.bias"] = n(0, 0.1, labels)
    return {k: x.astype(np.float32) for k, x in p.items()}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--hidden", type=int, default=24)
    ap.add_argument("--layers", type=int, default=2)
    ap.add_argument("--heads", type=int, default=3)
    ap.add_argument("--inner", type=int, default=40)
    ap.add_argument("--image", type=int, default=12)
    ap.add_argument("--patch", type=int, default=4)
    ap.add_argument("--channels", type=int, default=3)
    ap.add_argument("--labels", type=int, default=5)
    ap.add_argument("--no-qkv-bias", action="store_true")
    ap.add_argument("--act", default="gelu", choices=["gelu", "gelu_new"])
    ap.add_argument("--bf16", action="store_true")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--drop", action="append", default=[])
    ap.add_argument("--set", action="append", default=[], metavar="KEY=JSON")
    a = ap.parse_args()
    config = {
        "architectures": ["ViTForImageClassification"], "model_type": "vit",
        "hidden_size": a.hidden, "num_hidden_layers": a.layers, "num_attention_heads": a.heads,
        "intermediate_size": a.inner, "hidden_act": a.act, "layer_norm_eps": 1e-12,
        "image_size": a.image, "patch_size": a.patch, "num_channels": a.channels,
        "qkv_bias": not a.no_qkv_bias, "torch_dtype": "float32",
        "id2label": {str(i): f"class_{i}" for i in range(a.labels)},
        "label2id": {f"class_{i}": i for i in range(a.labels)},
    }
    tensors = params(config, np.random.default_rng(a.seed))
    for key_value in a.set:
        key, value = key_value.split("=", 1)
        config[key] = json.loads(value)
    for name in a.drop:
        del tensors[name]
    preprocessor = {
        "do_resize": True, "size": {"height": a.image, "width": a.image},
        "do_rescale": True, "rescale_factor": 1 / 255, "do_normalize": True,
        "image_mean": [0.2 + 0.3 * i / max(1, a.channels - 1) for i in range(a.channels)],
        "image_std": [0.25 + 0.1 * i for i in range(a.channels)],
        "image_processor_type": "ViTImageProcessor"}
    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, "config.json"), "w") as f:
        json.dump(config, f, indent=1)
    with open(os.path.join(a.out, "preprocessor_config.json"), "w") as f:
        json.dump(preprocessor, f, indent=1)
    safetensors_io.write(os.path.join(a.out, "model.safetensors"), tensors,
                         bf16=tuple(tensors) if a.bf16 else ())


if __name__ == "__main__":
    main()
