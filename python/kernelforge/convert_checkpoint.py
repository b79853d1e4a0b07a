"""Converts a nanoGPT / makemore-style PyTorch checkpoint into a Hugging Face
GPT-2 directory (config.json + model.safetensors) that kernelforge-gpt2
--model-dir reads.

  convert_checkpoint.py model.pt OUT_DIR [--vocab-size V] [--block-size P]

The input is a torch.save file (the zip format of PyTorch >= 1.6) holding a
state dict, or a dict with it under "model" (nanoGPT's ckpt.pt, whose
"model_args" fill the config). It is read without torch: the archive's
pickle is interpreted with NumPy-backed storages. Names keep the
`transformer.` prefix; nn.Linear weights [out, in] are transposed to
Conv1D's [in, out]; `lm_head.weight` stays [vocab, n_embd] and is written
untied unless it equals wte; nanoGPT's `_orig_mod.` prefix (torch.compile)
and the attention-mask buffers are dropped. The model shape is read off the
tensors; --vocab-size / --block-size override it.
"""

import argparse
import json
import os
import pickle
import re
import sys
import zipfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from kernelforge import safetensors_io  # noqa: E402

_STORAGE_DTYPES = {"FloatStorage": np.float32, "DoubleStorage": np.float64,
                   "HalfStorage": np.float16, "LongStorage": np.int64,
                   "IntStorage": np.int32, "BFloat16Storage": "bf16",
                   "ByteStorage": np.uint8, "BoolStorage": np.bool_}


class _Opaque:
    """Stands for any class the checkpoint names that is not a tensor."""

    def __init__(self, *args, **kwargs):
        pass

    def __setstate__(self, state):
        pass


def _rebuild_tensor(storage, offset, size, stride, *rest):
    if not size:
        return storage[offset:offset + 1].reshape(())
    needed = offset + 1 + sum((s - 1) * st for s, st in zip(size, stride))
    return np.lib.stride_tricks.as_strided(
        storage[offset:needed], shape=tuple(size),
        strides=tuple(st * storage.itemsize for st in stride)).copy()


def load_torch_zip(path):
    """The object a torch.save zip file holds, tensors as NumPy arrays."""
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        pkl = next((n for n in names if n.endswith("/data.pkl") or n == "data.pkl"), None)
        if pkl is None:
            sys.exit(f"error: {path}: not a torch.save zip archive (no data.pkl)")
        root = pkl[:-len("data.pkl")]

        class Unpickler(pickle.Unpickler):
            def find_class(self, module, name):
                if module == "torch._utils" and name in ("_rebuild_tensor_v2", "_rebuild_tensor"):
                    return _rebuild_tensor
                if module == "torch" and name in _STORAGE_DTYPES:
                    return name
                if module == "collections" and name == "OrderedDict":
                    return dict
                if module in ("builtins", "__builtin__"):
                    return getattr(__import__("builtins"), name)
                return _Opaque

            def persistent_load(self, pid):
                kind, storage_type, key, _location, _numel = pid
                raw = archive.read(f"{root}data/{key}")
                dtype = _STORAGE_DTYPES.get(storage_type if isinstance(storage_type, str)
                                            else getattr(storage_type, "__name__", ""), np.float32)
                if dtype == "bf16":
                    bits = np.frombuffer(raw, np.uint16).astype(np.uint32) << 16
                    return bits.view(np.float32)
                return np.frombuffer(raw, dtype)

        return Unpickler(archive.open(pkl)).load()


def convert(state, model_args=None, vocab_size=None, block_size=None):
    tensors = {}
    for name, value in state.items():
        if not isinstance(value, np.ndarray):
            continue
        name = name.replace("_orig_mod.", "")
        if name.endswith(".attn.bias") or name.endswith(".attn.masked_bias"):
            continue
        if not name.startswith("transformer.") and name != "lm_head.weight":
            name = "transformer." + name
        if re.search(r"\.(c_attn|c_proj|c_fc)\.weight$", name):
            value = value.T  # nn.Linear [out, in] -> Conv1D [in, out]
        tensors[name] = np.ascontiguousarray(value.astype(np.float32))
    wte = tensors["transformer.wte.weight"]
    wpe = tensors["transformer.wpe.weight"]
    layers = len({n.split(".")[2] for n in tensors if n.startswith("transformer.h.")})
    n_embd = wte.shape[1]
    n_head = (model_args or {}).get("n_head")
    if n_head is None:
        sys.exit("error: the checkpoint does not record n_head; pass --n-head")
    head = tensors.get("lm_head.weight")
    tied = head is not None and np.array_equal(head, wte)
    if tied:
        del tensors["lm_head.weight"]
    config = {"model_type": "gpt2", "architectures": ["GPT2LMHeadModel"],
              "vocab_size": vocab_size or wte.shape[0],
              "n_positions": block_size or wpe.shape[0], "n_embd": n_embd,
              "n_layer": layers, "n_head": n_head, "activation_function": "gelu_new",
              "layer_norm_epsilon": 1e-5, "tie_word_embeddings": bool(tied or head is None)}
    return tensors, config


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("checkpoint")
    ap.add_argument("out")
    ap.add_argument("--n-head", type=int, help="when the checkpoint does not record it")
    ap.add_argument("--vocab-size", type=int)
    ap.add_argument("--block-size", type=int)
    args = ap.parse_args()
    obj = load_torch_zip(args.checkpoint)
    state = obj.get("model", obj) if isinstance(obj, dict) else None
    if not isinstance(state, dict):
        sys.exit(f"error: {args.checkpoint}: expected a state dict (or a dict with 'model')")
    model_args = dict(obj.get("model_args", {})) if "model" in obj else {}
    if args.n_head:
        model_args["n_head"] = args.n_head
    tensors, config = convert(state, model_args, args.vocab_size, args.block_size)
    os.makedirs(args.out, exist_ok=True)
    safetensors_io.write(os.path.join(args.out, "model.safetensors"), tensors)
    with open(os.path.join(args.out, "config.json"), "w") as f:
        json.dump(config, f, indent=1)
    print(f"wrote {args.out}: {config['n_layer']} layers, {config['n_head']} heads, "
          f"n_embd {config['n_embd']}, vocab {config['vocab_size']}, "
          f"{len(tensors)} tensors, tied head: {config['tie_word_embeddings']}")


if __name__ == "__main__":
    main()
