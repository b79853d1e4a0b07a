"""Classifies random images with kernelforge-classify and compares its
logits with the float64 NumPy forward pass (reference.vit_logits) on the
same checkpoint and the same preprocessing.

  check_vit.py --classify kernelforge-classify --model-dir DIR [--images 5]
      [--batch B] [--seed S] [--atol 1e-4] [-- extra kernelforge-classify options]

The images are uint8 pixels at the model's size (a .npy batch); the
checkpoint's tensors are read as stored (bf16 ones widened exactly).
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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--classify", required=True)
    ap.add_argument("--model-dir", required=True)
    ap.add_argument("--images", type=int, default=5)
    ap.add_argument("--batch", type=int, default=0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--atol", type=float, default=1e-4)
    ap.add_argument("extra", nargs="*")
    a = ap.parse_args()
    config = json.load(open(os.path.join(a.model_dir, "config.json")))
    pre_path = os.path.join(a.model_dir, "preprocessor_config.json")
    pre = json.load(open(pre_path)) if os.path.exists(pre_path) else None
    s, c = config["image_size"], config.get("num_channels", 3)
    rng = np.random.default_rng(a.seed)
    images = rng.integers(0, 256, (a.images, s, s, c), dtype=np.uint8)
    p = {k: np.asarray(v, np.float64)
         for k, v in safetensors_io.read(os.path.join(a.model_dir, "model.safetensors")).items()}
    expected = ref.vit_logits(ref.vit_preprocess(images, pre), p, config)
    with tempfile.TemporaryDirectory() as tmp:
        np.save(os.path.join(tmp, "images.npy"), images)
        out = os.path.join(tmp, "logits.npy")
        cmd = [a.classify, "--model-dir", a.model_dir, "--npy", os.path.join(tmp, "images.npy"),
               "--logits-out", out] + (["--batch", str(a.batch)] if a.batch else []) + a.extra
        run = subprocess.run(cmd, capture_output=True, text=True)
        if run.returncode != 0:
            sys.exit(f"kernelforge-classify failed: {run.stderr}")
        got = np.load(out)
    error = float(np.abs(got - expected).max())
    same = int((got.argmax(1) == expected.argmax(1)).sum())
    ok = error <= a.atol
    print(f"{a.images} images: logits max abs error {error:.2e} (atol {a.atol}), "
          f"{same} of {a.images} top labels equal: {'ok' if ok else 'FAILED'}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
