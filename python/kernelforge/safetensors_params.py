#!/usr/bin/env python3
"""List the tensors of a Hugging Face safetensors checkpoint.

Reads only the JSON header (standard library, no safetensors package), drops
the `transformer.` prefix that GPT2LMHeadModel checkpoints carry and the
non-parameter attention buffers of old GPT-2 checkpoints, and prints
`  param NAME [d0, d1] f32` lines sorted by name, the format of
`kernelforge-opt --kf-print-model-stats=list-params`. With --count, prints the
total number of parameters instead.
"""
import argparse
import json
import math
import struct
import sys

DTYPES = {"F32": "f32", "F16": "f16", "BF16": "bf16"}


def read_header(path):
    with open(path, "rb") as f:
        (size,) = struct.unpack("<Q", f.read(8))
        return json.loads(f.read(size))


def parameters(header):
    for name, info in header.items():
        if name == "__metadata__":
            continue
        if name.endswith(".attn.bias") or name.endswith(".attn.masked_bias"):
            continue  # causal-mask buffers, not parameters
        if name.startswith("transformer."):
            name = name[len("transformer."):]
        yield name, info["shape"], DTYPES.get(info["dtype"], info["dtype"])


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("checkpoint")
    parser.add_argument("--count", action="store_true")
    args = parser.parse_args()
    params = sorted(parameters(read_header(args.checkpoint)))
    if args.count:
        total = sum(math.prod(shape) for _, shape, _ in params)
        print(f"parameters: {total:,}")
        return 0
    for name, shape, dtype in params:
        print(f"  param {name} [{', '.join(map(str, shape))}] {dtype}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
