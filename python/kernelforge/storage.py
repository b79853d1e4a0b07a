"""The storage types KernelForge keeps weight matrices in, in NumPy: what a
float64 reference must read to see the same weights as a compiled graph run
with kernelforge-gpt2 --dtype.

- f16: IEEE half, round to nearest even (NumPy's float16 cast).
- bf16: the upper 16 bits of float32, round to nearest even.
- int8: blocks of 32 consecutive values along the dimension a product reduces
  over, each stored as round(x / s) in [-127, 127] with s = max|x| / 127 in
  float32 (s = 0 for an all-zero block).
"""

import numpy as np

BLOCK = 32


def round_bf16(x):
    return bf16_value(bf16_bits(x)).astype(np.float64)


def round_f16(x):
    return np.asarray(x, np.float32).astype(np.float16).astype(np.float64)


def bf16_bits(x):
    """bfloat16 bit patterns (uint16), rounded to nearest even: how .npy files
    carry bf16 arrays (NumPy has no bfloat16)."""
    bits = np.asarray(x, np.float32).view(np.uint32).astype(np.uint64)
    return ((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16).astype(np.uint16)


def bf16_value(bits):
    """float32 values of bfloat16 bit patterns."""
    return (np.asarray(bits, np.uint16).astype(np.uint32) << 16).view(np.float32)


def quantize_int8(x, axis, scales_dtype="f16", block=BLOCK):
    """int8 blocks along `axis` (of length a multiple of `block`): the int8
    array in x's shape and the scales (x's shape with axis / block), as the
    runtime makes them: float16 scales (the graphs' default) are max|x| / 127
    rounded up to float16, float32 ones max|x| / 127."""
    x = np.asarray(x, np.float32)
    moved = np.moveaxis(x, axis, -1)
    blocks = moved.reshape(moved.shape[:-1] + (moved.shape[-1] // block, block))
    scale = (np.abs(blocks).max(axis=-1, keepdims=True) / np.float32(127)).astype(np.float32)
    if scales_dtype == "f16":
        with np.errstate(over="ignore"):
            half = scale.astype(np.float16)
        half = np.where(half.astype(np.float32) < scale,
                        np.nextafter(half, np.float16(np.inf)), half)
        scale = half.astype(np.float32)
    inverse = np.where(scale > 0, np.float32(1) / np.where(scale > 0, scale, 1), 0).astype(np.float32)
    q = np.clip(np.rint(blocks * inverse), -127, 127).astype(np.int8)
    q = np.moveaxis(q.reshape(moved.shape), -1, axis)
    scales = np.moveaxis(scale[..., 0], -1, axis)
    return q, scales.astype(np.float16 if scales_dtype == "f16" else np.float32)


def quantize_blocks(x, axis):
    """int8 blocks along `axis`, dequantised (float64)."""
    return dequantize_int8(*quantize_int8(x, axis))


def block_steps(q, scales):
    """Each value's scale (float64, q's shape) of an int8 array `q` in blocks
    of consecutive values along the 2-D array's dimension `scales` is
    shorter in (the runtime's rule, for checkpoints it saved)."""
    axis = 0 if scales.shape[1] == q.shape[1] and scales.shape[0] < q.shape[0] else 1
    return np.repeat(scales.astype(np.float64), q.shape[axis] // scales.shape[axis], axis=axis)


def dequantize_int8(q, scales):
    """float64 q * scale of int8 blocks (see block_steps)."""
    return q.astype(np.float64) * block_steps(q, scales)


# GPT-2's matrices and the dimension its products reduce over: Conv1D weights
# are [in, out] (axis 0); the embedding, used by the tied head as [vocab, in],
# and an untied lm_head reduce over axis 1.
def gpt2_matrix_axis(name):
    if name in ("wte.weight", "lm_head.weight"):
        return 1
    if name.endswith((".c_attn.weight", ".c_proj.weight", ".c_fc.weight")):
        return 0
    return None


def round_gpt2_weights(params, dtype):
    if dtype in (None, "f32"):
        return params
    out = dict(params)
    for name, value in params.items():
        axis = gpt2_matrix_axis(name)
        if axis is None:
            continue
        if dtype == "bf16":
            out[name] = round_bf16(value)
        elif dtype == "f16":
            out[name] = round_f16(value)
        elif dtype == "int8":
            out[name] = quantize_blocks(value, axis)
        else:
            raise ValueError(f"unknown dtype {dtype}")
    return out
