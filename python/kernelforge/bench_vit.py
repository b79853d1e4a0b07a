"""Images per second of a ViT classifier: KernelForge (kernelforge-classify)
against PyTorch eager on the same weights and images, in one run.

  bench_vit.py --classify build/bin/kernelforge-classify --model-dir DIR
      [--images 2048] [--batch 64] [--repeats 5]

PyTorch runs the Hugging Face ViTForImageClassification forward with
torch.nn.functional ops (conv2d patch embedding, layer_norm, linear,
softmax(Q K^T / sqrt(d)) V as Hugging Face's eager ViT attention,
gelu) in float32 under torch.inference_mode,
with as many threads as KernelForge's OpenMP; its logits are checked
against KernelForge's. Each system's best of --repeats passes over the
images counts (after a warm-up pass).
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from kernelforge import reference as ref  # noqa: E402
from kernelforge import safetensors_io  # noqa: E402


def torch_forward(torch, p, config, pixels):
    F = torch.nn.functional
    d, heads = config["hidden_size"], config["num_attention_heads"]
    eps, patch = config.get("layer_norm_eps", 1e-12), config["patch_size"]
    approx = "none" if config.get("hidden_act", "gelu") == "gelu" else "tanh"
    x = F.conv2d(pixels.permute(0, 3, 1, 2), p["vit.embeddings.patch_embeddings.projection.weight"],
                 p["vit.embeddings.patch_embeddings.projection.bias"], stride=patch)
    n = x.shape[0]
    x = x.flatten(2).transpose(1, 2)
    x = torch.cat([p["vit.embeddings.cls_token"].expand(n, 1, d), x], 1)
    x = x + p["vit.embeddings.position_embeddings"]

    def lin(h, name):
        return F.linear(h, p[name + ".weight"], p.get(name + ".bias"))

    def split(h):
        return h.view(n, -1, heads, d // heads).transpose(1, 2)

    for i in range(config["num_hidden_layers"]):
        pre = f"vit.encoder.layer.{i}."
        h = F.layer_norm(x, (d,), p[pre + "layernorm_before.weight"], p[pre + "layernorm_before.bias"], eps)
        q, k, v = (split(lin(h, pre + "attention.attention." + w)) for w in ("query", "key", "value"))
        scores = torch.softmax(q @ k.transpose(-1, -2) * (d // heads) ** -0.5, -1)
        a = (scores @ v).transpose(1, 2).reshape(n, -1, d)
        x = x + lin(a, pre + "attention.output.dense")
        h = F.layer_norm(x, (d,), p[pre + "layernorm_after.weight"], p[pre + "layernorm_after.bias"], eps)
        x = x + lin(F.gelu(lin(h, pre + "intermediate.dense"), approximate=approx), pre + "output.dense")
    x = F.layer_norm(x, (d,), p["vit.layernorm.weight"], p["vit.layernorm.bias"], eps)
    return lin(x[:, 0], "classifier")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--classify", required=True)
    ap.add_argument("--model-dir", required=True)
    ap.add_argument("--images", type=int, default=2048)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--repeats", type=int, default=5)
    a = ap.parse_args()
    import torch
    threads = os.cpu_count()
    torch.set_num_threads(threads)
    config = json.load(open(os.path.join(a.model_dir, "config.json")))
    pre_path = os.path.join(a.model_dir, "preprocessor_config.json")
    pre = json.load(open(pre_path)) if os.path.exists(pre_path) else None
    s, c = config["image_size"], config.get("num_channels", 3)
    images = np.random.default_rng(0).integers(0, 256, (a.images, s, s, c), dtype=np.uint8)
    pixels = torch.tensor(ref.vit_preprocess(images, pre), dtype=torch.float32)
    p = {k: torch.tensor(np.asarray(v, np.float32))
         for k, v in safetensors_io.read(os.path.join(a.model_dir, "model.safetensors")).items()}

    def torch_pass():
        out = []
        for i in range(0, a.images, a.batch):
            out.append(torch_forward(torch, p, config, pixels[i:i + a.batch]))
        return torch.cat(out).numpy()

    with tempfile.TemporaryDirectory() as tmp:
        np.save(os.path.join(tmp, "images.npy"), images)
        cmd = [a.classify, "--model-dir", a.model_dir, "--npy", os.path.join(tmp, "images.npy"),
               "--batch", str(a.batch), "--json", "--logits-out", os.path.join(tmp, "logits.npy")]
        kf_rates, torch_rates = [], []
        with torch.inference_mode():
            expected = torch_pass()
            for _ in range(a.repeats):
                run = subprocess.run(cmd, capture_output=True, text=True)
                if run.returncode != 0:
                    sys.exit(f"kernelforge-classify failed: {run.stderr}")
                kf_rates.append(json.loads(run.stdout)["images_per_second"])
                start = time.perf_counter()
                torch_pass()
                torch_rates.append(a.images / (time.perf_counter() - start))
        error = float(np.abs(np.load(os.path.join(tmp, "logits.npy")) - expected).max())
    kf, pt = max(kf_rates), max(torch_rates)
    print(f"ViT {config['hidden_size']}x{config['num_hidden_layers']} layers, "
          f"{config['image_size']}x{config['image_size']} images, batch {a.batch}, "
          f"{threads} threads, {a.images} images, best of {a.repeats}:")
    print(f"  KernelForge    {kf:10.0f} images/s")
    print(f"  PyTorch eager  {pt:10.0f} images/s  (torch {torch.__version__})")
    print(f"  ratio {kf / pt:.2f}x; logits agree to {error:.1e}")


if __name__ == "__main__":
    main()
