"""The Python API over the compiler driver and the runtime (_kernelforge)."""

import json
import os

try:
    from kernelforge import _kernelforge as _kf
except ImportError as e:  # the scripts in this folder work without it
    _kf = None
    _import_error = e

__version__ = _kf.__version__ if _kf else "unbuilt"

_TARGETS = ("cpu", "cuda", "gpu-emulator")


def _extension():
    if _kf is None:
        raise ImportError(
            "kernelforge's compiled extension (_kernelforge) is not importable "
            f"({_import_error}); build the project and put build/python_packages "
            "(or the install tree's python directory) on PYTHONPATH")
    return _kf


class CompileError(RuntimeError):
    """The compiler rejected the program; the message holds its diagnostics."""


def version():
    """KernelForge's version, the LLVM/MLIR it was built with, the default target."""
    return _extension().version_text()


def _pipeline_text(options):
    """`vector_width=8, threads=0` -> "vector-width=8 threads=0"."""
    parts = []
    for key, value in options.items():
        if isinstance(value, bool):
            value = int(value)
        parts.append(f"{key.replace('_', '-')}={value}")
    return " ".join(parts)


def compile(source, target="cpu", cache_dir=None, progress=False, **pipeline_options):
    """Compiles kf MLIR (text, or a path to a .mlir file) into a shared
    library and returns it loaded as a `Library`.

    target: "cpu" (default), "cuda" (NVVM/PTX kernels; calling needs a GPU)
    or "gpu-emulator" (cuda's kernels as CPU loops). pipeline_options are
    kf-cpu-pipeline's (or kf-gpu-pipeline's) options, with _ for -:
    compile(src, vector_width=8, threads=0). Raises CompileError with the
    compiler's diagnostics, ValueError for bad options.
    """
    kf = _extension()
    if target not in _TARGETS:
        raise ValueError(f"unknown target {target!r} (expected one of {', '.join(_TARGETS)})")
    if isinstance(source, os.PathLike) or (
            isinstance(source, str) and "\n" not in source and source.endswith(".mlir")):
        path = os.fspath(source)
        if not os.path.isfile(path):
            raise FileNotFoundError(f"no such MLIR file: {path!r}")
        with open(path, encoding="utf-8") as f:
            text, name = f.read(), path
    elif isinstance(source, str):
        text, name = source, "<string>"
    else:
        raise TypeError(f"source must be MLIR text or a path, not {type(source).__name__}")
    try:
        path, _, _ = kf.compile_source(text, name, target, _pipeline_text(pipeline_options),
                                       cache_dir or "", progress)
    except kf.CompileError as e:
        raise CompileError(str(e)) from None
    return Library(path, device="cuda" if target == "cuda" else "cpu")


def load_library(path, device="cpu"):
    """Loads a library made by kernelforge-compile (or `compile`)."""
    return Library(path, device)


class Entry:
    """One entry point of a library: call it with its inputs (NumPy arrays of
    the signature's shapes and dtypes, ints for index scalars, in order); it
    returns its output array, or a tuple of them. bf16 arrays travel as their
    uint16 bit patterns (NumPy has no bfloat16)."""

    def __init__(self, library, name):
        self._library = library
        self.name = name
        self.signature = library._native.signature(name)

    @property
    def inputs(self):
        return [a for a in self.signature if not a["is_output"]]

    @property
    def outputs(self):
        return [a for a in self.signature if a["is_output"]]

    def __call__(self, *inputs):
        outputs = self._library._native.call(self.name, list(inputs))
        return outputs[0] if len(outputs) == 1 else tuple(outputs)

    def __repr__(self):
        def show(a):
            return f"{a['dtype']}{list(a['shape'])}" if a["kind"] == "memref" else a["dtype"]
        ins = ", ".join(show(a) for a in self.inputs)
        outs = ", ".join(show(a) for a in self.outputs)
        return f"<kernelforge entry {self.name}({ins}) -> ({outs})>"


class Library:
    """A compiled library: `lib.entry_points`, `lib["name"]` or `lib.name`
    for an `Entry`."""

    def __init__(self, path, device="cpu"):
        self.path = os.fspath(path)
        if not os.path.isfile(self.path):
            raise FileNotFoundError(f"no such library: {self.path!r}")
        self._native = _extension().Library(self.path, device)
        self.entry_points = list(self._native.entry_points())

    def __getitem__(self, name):
        if name not in self.entry_points:
            raise KeyError(f"{name!r} is not an entry point of {self.path} "
                           f"(it has {', '.join(self.entry_points)})")
        return Entry(self, name)

    def __getattr__(self, name):
        if name.startswith("_") or name not in self.__dict__.get("entry_points", ()):
            raise AttributeError(name)
        return Entry(self, name)

    def __repr__(self):
        return f"<kernelforge library {self.path}: {', '.join(self.entry_points)}>"


_FAMILIES = {"gpt2", "llama", "mistral", "qwen2"}


class Model:
    """A decoder compiled for generation (one library per prefill bucket,
    through the compile cache), its weights bound and its tokenizer loaded."""

    def __init__(self, native, model_type):
        self._native = native
        self.model_type = model_type

    @property
    def vocab_size(self):
        return self._native.vocab_size

    @property
    def max_positions(self):
        return self._native.max_positions

    @property
    def dtype(self):
        return self._native.dtype

    @property
    def kv_dtype(self):
        return self._native.kv_dtype

    def encode(self, text, bos=True):
        """Token ids of `text`, after the family's BOS token (LLaMA) unless
        bos=False."""
        return list(self._native.encode(text, bos))

    def decode(self, ids):
        return self._native.decode(list(ids))

    def generate(self, prompt, n=32, temperature=0.0, top_k=0, top_p=1.0, seed=0,
                 stop_token=None, details=False, prefill_bucket=None):
        """Continues `prompt` (text, or a list of token ids) by n tokens;
        greedy by default, stopping at the model's EOS (stop_token=-1:
        never). Returns the new text, or with details=True a dict with
        tokens, text, timings and the prefill's bucket and chunks.
        prefill_bucket: the prompt tokens one prefill call takes (default:
        the prompt's length rounded up to a power of two; a longer prompt
        is prefilled in chunks of it). One library is compiled per bucket."""
        stop_token = -2 if stop_token is None else stop_token
        ids = self.encode(prompt) if isinstance(prompt, str) else [int(t) for t in prompt]
        if prefill_bucket is not None and int(prefill_bucket) < 1:
            raise ValueError(f"prefill_bucket must be at least 1, got {prefill_bucket}")
        out = self._native.generate(ids, int(n), float(temperature), int(top_k),
                                    float(top_p), int(seed), int(stop_token),
                                    int(prefill_bucket or 0))
        return out if details else out["text"]

    def save_weights(self, directory):
        """Writes the weights as they are kept (dtype's: int8 blocks with
        their scales, bf16, ...) to directory/model.safetensors, with the
        model directory's config and tokenizer files, so that
        load_model(directory) reads them without converting. Returns the
        checkpoint's path."""
        return self._native.save_weights(os.fspath(directory))

    def __repr__(self):
        return (f"<kernelforge {self.model_type} model: vocab {self.vocab_size}, "
                f"{self.max_positions} positions, {self.dtype} weights>")


def load_model(model_dir=None, dtype=None, device="cpu", cache_dir=None, config=None,
               random_weights=None, progress=False, kv_dtype="f32", **pipeline_options):
    """A model directory in Hugging Face layout (config.json,
    model.safetensors, tokenizer files: vocab.json + merges.txt or llama2.c's
    tokenizer.bin), or config= with random_weights=SEED. The family (gpt2,
    llama) comes from config.json's model_type. dtype: the weights' storage
    (f32, bf16, f16 or int8; default the checkpoint's). kv_dtype: the
    KV cache's (f32, bf16 or f16; keys and values rounded when written)."""
    kf = _extension()
    if device not in _TARGETS:
        raise ValueError(f"unknown device {device!r} (expected one of {', '.join(_TARGETS)})")
    if model_dir is None and (config is None or random_weights is None):
        raise ValueError("give model_dir, or config= with random_weights=SEED")
    config_path = config or os.path.join(model_dir, "config.json")
    try:
        with open(config_path, encoding="utf-8") as f:
            model_type = json.load(f).get("model_type", "")
    except FileNotFoundError:
        raise FileNotFoundError(f"no config.json at {config_path!r}") from None
    except json.JSONDecodeError as e:
        raise ValueError(f"{config_path}: not valid JSON ({e})") from None
    if model_type not in _FAMILIES:
        raise ValueError(f"{config_path}: model_type {model_type!r} is not supported "
                         f"(supported: {', '.join(sorted(_FAMILIES))})")
    tokenizer = os.path.join(os.path.dirname(os.path.abspath(__file__)), "gpt2-tokenizer")
    try:
        native = kf.DecoderModel(model_dir or "", config or "",
                              -1 if random_weights is None else int(random_weights),
                              dtype or "", kv_dtype, device, cache_dir or "",
                              _pipeline_text(pipeline_options), progress,
                              tokenizer if os.path.isdir(tokenizer) else "")
    except kf.CompileError as e:
        raise CompileError(str(e)) from None
    return Model(native, model_type)


class Classifier:
    """A ViT image classifier (Hugging Face ViTForImageClassification),
    compiled per batch size through the compile cache, its weights bound."""

    def __init__(self, native, preprocessor):
        self._native = native
        self._preprocessor = preprocessor or {}

    @property
    def labels(self):
        return list(self._native.labels)

    @property
    def dtype(self):
        return self._native.dtype

    def preprocess(self, images):
        """uint8 images [N, S, S] or [N, S, S, C] (at the model's size) as
        the model's input: rescaled and normalised as
        preprocessor_config.json says, float32, channels last."""
        import numpy as np
        x = np.asarray(images)
        if x.dtype != np.uint8:
            raise ValueError(f"expected uint8 pixels, got {x.dtype}")
        if x.ndim == 3:
            x = x[..., None]
        s, c = self._native.image_size, self._native.channels
        if x.ndim != 4 or x.shape[1:] != (s, s, c):
            raise ValueError(f"expected images [N, {s}, {s}, {c}] (or [N, {s}, {s}] for one "
                             f"channel), got {list(np.asarray(images).shape)}")
        from kernelforge import reference
        return reference.vit_preprocess(x, self._preprocessor).astype(np.float32)

    def logits(self, pixels):
        """Logits [N, labels] of preprocessed pixels [N, S, S, C]."""
        return self._native.logits(pixels)

    def classify(self, images, top_k=3):
        """The top_k (label, probability) pairs of each uint8 image."""
        import numpy as np
        z = self.logits(self.preprocess(images)).astype(np.float64)
        p = np.exp(z - z.max(1, keepdims=True))
        p /= p.sum(1, keepdims=True)
        labels = self.labels
        return [[(labels[i], float(row[i])) for i in np.argsort(-row, kind="stable")[:top_k]]
                for row in p]


def load_classifier(model_dir, dtype=None, device="cpu", cache_dir=None, progress=False,
                    **pipeline_options):
    """A ViT directory in Hugging Face layout (config.json with model_type
    vit, model.safetensors, preprocessor_config.json). dtype: the matrices'
    storage (f32, bf16, f16; default the checkpoint's); device: cpu or
    gpu-emulator."""
    kf = _extension()
    if device not in ("cpu", "gpu-emulator"):
        raise ValueError(f"unknown device {device!r} for a classifier (cpu or gpu-emulator)")
    path = os.path.join(model_dir, "preprocessor_config.json")
    preprocessor = None
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            preprocessor = json.load(f)
    try:
        native = kf.ClassifierModel(model_dir, dtype or "", device, cache_dir or "",
                                    _pipeline_text(pipeline_options), progress)
    except kf.CompileError as e:
        raise CompileError(str(e)) from None
    return Classifier(native, preprocessor)
