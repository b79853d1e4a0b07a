"""Checks a checkpoint a runner wrote with --save-weights against the
checkpoint it was loaded from, with NumPy only:

  check_saved_weights.py ORIGINAL.safetensors SAVED.safetensors

Every tensor of the original (but attention-mask buffers) is in the saved
file under its name (a `transformer.` prefix may be dropped). An int8 tensor
NAME comes with NAME.scales, one per block of consecutive values along the
dimension the scales are shorter in, and q * scale is within 0.57 of its
block's scale of the original (half a step, and the scale's f16 rounding at
the clamp of +-127); every other tensor holds the original's values exactly.
Exits non-zero naming the first tensor that does not."""

import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from kernelforge import safetensors_io, storage  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("original")
    ap.add_argument("saved")
    a = ap.parse_args()
    original = safetensors_io.read(a.original)
    saved = safetensors_io.read(a.saved)
    quantized, exact, worst = 0, 0, 0.0
    for name, want in original.items():
        if name.endswith(".attn.bias") or name.endswith(".attn.masked_bias"):
            continue
        key = name if name in saved else name[len("transformer."):] \
            if name.startswith("transformer.") else name
        if key not in saved:
            sys.exit(f"{a.saved}: no tensor '{key}' (the original's '{name}')")
        got = saved[key]
        if got.shape != want.shape:
            sys.exit(f"{a.saved}: '{key}' has shape {got.shape}, the original {want.shape}")
        want = want.astype(np.float64)
        if got.dtype != np.int8:
            if not np.array_equal(got.astype(np.float64), want):
                sys.exit(f"{a.saved}: '{key}' differs from the original")
            exact += 1
            continue
        scales = saved.get(key + ".scales")
        if scales is None:
            sys.exit(f"{a.saved}: int8 '{key}' has no '{key}.scales'")
        step = storage.block_steps(got, scales)
        error = np.abs(got.astype(np.float64) * step - want)
        ratio = float((error / np.where(step > 0, step, 1)).max())
        if np.any(error > 0.57 * step + 1e-30):
            sys.exit(f"{a.saved}: int8 '{key}' is {ratio:.3f} of a block's scale "
                     "from the original, more than 0.57")
        worst = max(worst, ratio)
        quantized += 1
    print(f"{quantized} int8 tensors (at most {worst:.3f} of a block's scale from the "
          f"original), {exact} tensors identical")


if __name__ == "__main__":
    main()
