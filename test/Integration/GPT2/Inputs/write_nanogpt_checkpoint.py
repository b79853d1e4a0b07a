"""Writes a nanoGPT-style checkpoint (torch.save zip format: a dict with
"model" = state dict with nn.Linear [out, in] weights, "model_args") from a
Hugging Face GPT-2 safetensors file, for the converter test.

With --real-torch it calls torch.save; otherwise it writes the same archive
layout itself (data.pkl referring to storages in data/N), so the test runs
where torch is not installed.
"""
import argparse
import io
import json
import os
import pickle
import re
import sys
import types
import zipfile

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", "python"))
from kernelforge import safetensors_io  # noqa: E402


def nanogpt_state(model_dir):
    state = {}
    for name, array in safetensors_io.read(os.path.join(model_dir, "model.safetensors")).items():
        array = np.asarray(array, np.float32)
        if re.search(r"\.(c_attn|c_proj|c_fc)\.weight$", name):
            array = np.ascontiguousarray(array.T)
        state["_orig_mod." + name] = array  # as torch.compile saves it
        if name.endswith("attn.c_attn.weight"):  # the causal-mask buffer
            n = int(json.load(open(os.path.join(model_dir, "config.json")))["n_positions"])
            state["_orig_mod." + name.replace("c_attn.weight", "bias")] = \
                np.tril(np.ones((n, n), np.float32))[None, None]
    return state


def write_like_torch(path, obj):
    # Stand-ins with the names torch's pickle refers to.
    torch = types.ModuleType("torch")
    utils = types.ModuleType("torch._utils")

    class FloatStorage:
        pass

    FloatStorage.__module__ = "torch"
    FloatStorage.__qualname__ = "FloatStorage"
    torch.FloatStorage = FloatStorage

    def _rebuild_tensor_v2(*args):
        raise NotImplementedError

    _rebuild_tensor_v2.__module__ = "torch._utils"
    _rebuild_tensor_v2.__qualname__ = "_rebuild_tensor_v2"
    utils._rebuild_tensor_v2 = _rebuild_tensor_v2
    sys.modules["torch"], sys.modules["torch._utils"] = torch, utils

    storages = []

    class Tensor:
        def __init__(self, array):
            self.array = array

        def __reduce__(self):
            key = str(len(storages))
            storages.append(self.array)
            shape = self.array.shape
            stride = tuple(int(s // 4) for s in self.array.strides)
            return (_rebuild_tensor_v2,
                    (("storage", FloatStorage, key, "cpu", self.array.size), 0, shape, stride,
                     False, {}))

    class Pickler(pickle.Pickler):
        def persistent_id(self, value):
            if isinstance(value, tuple) and len(value) == 5 and value[0] == "storage":
                return value
            return None

    def wrap(o):
        if isinstance(o, dict):
            return {k: wrap(v) for k, v in o.items()}
        if isinstance(o, np.ndarray):
            return Tensor(o)
        return o

    buffer = io.BytesIO()
    Pickler(buffer, protocol=2).dump(wrap(obj))
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("ckpt/data.pkl", buffer.getvalue())
        archive.writestr("ckpt/version", "3\n")
        for key, array in enumerate(storages):
            archive.writestr(f"ckpt/data/{key}", np.ascontiguousarray(array).tobytes())
    del sys.modules["torch"], sys.modules["torch._utils"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model_dir")
    ap.add_argument("out")
    ap.add_argument("--real-torch", action="store_true")
    args = ap.parse_args()
    config = json.load(open(os.path.join(args.model_dir, "config.json")))
    obj = {"model": nanogpt_state(args.model_dir),
           "model_args": {"n_layer": config["n_layer"], "n_head": config["n_head"],
                          "n_embd": config["n_embd"], "block_size": config["n_positions"],
                          "vocab_size": config["vocab_size"], "bias": True},
           "iter_num": 5000}
    if args.real_torch:
        import torch
        obj["model"] = {k: torch.from_numpy(v) for k, v in obj["model"].items()}
        torch.save(obj, args.out)
    else:
        write_like_torch(args.out, obj)


if __name__ == "__main__":
    main()
