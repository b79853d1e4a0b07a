"""Rewrites one float tensor of a safetensors checkpoint as int8 blocks of
another size than KernelForge's 32, with F32 scales, or drops a tensor:

  requantize_checkpoint.py IN OUT NAME --block 64   (NAME int8, blocks of 64 rows)
  requantize_checkpoint.py IN OUT NAME --drop       (NAME removed)
"""

import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "..", "..", "python"))
from kernelforge import safetensors_io  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument("input")
ap.add_argument("output")
ap.add_argument("name")
ap.add_argument("--block", type=int)
ap.add_argument("--drop", action="store_true")
a = ap.parse_args()
tensors = safetensors_io.read(a.input)
if a.drop:
    del tensors[a.name]
else:
    w = tensors[a.name].astype(np.float64)
    blocks = w.reshape(w.shape[0] // a.block, a.block, w.shape[1])
    scales = np.abs(blocks).max(axis=1) / 127
    q = np.rint(blocks / np.where(scales > 0, scales, 1)[:, None, :])
    tensors[a.name] = np.clip(q, -127, 127).astype(np.int8).reshape(w.shape)
    tensors[a.name + ".scales"] = scales.astype(np.float32)
safetensors_io.write(a.output, tensors)
