"""Rewrites one float tensor of a safetensors checkpoint as int8 blocks of
another size than KernelForge's 32, with F32 scales, or drops a tensor:

  requantize_checkpoint.py IN OUT NAME --block 64   (NAME int8, blocks of 64 rows)
  requantize_checkpoint.py IN OUT NAME --drop       (NAME removed)
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "..", "..", "python"))
from kernelforge import safetensors_io, storage  # noqa: E402

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
    tensors[a.name], tensors[a.name + ".scales"] = storage.quantize_int8(
        tensors[a.name], axis=0, scales_dtype="f32", block=a.block)
safetensors_io.write(a.output, tensors)
