"""The Python API (kernelforge.compile, Library, load_model) against the
float64 NumPy reference (kernelforge.reference), and its errors.

Run from the build tree: PYTHONPATH=build/python_packages python3 -m pytest
python/tests (ctest does, as python/api)."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest

import kernelforge
from kernelforge import random_weights
from kernelforge import reference as ref

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MAKEMORE_GRAPH = os.path.join(ROOT, "models", "gpt2", "gpt2-makemore.mlir")
MAKEMORE_CONFIG = os.path.join(ROOT, "models", "gpt2", "configs", "makemore-names.json")
SHARED_MAKEMORE = os.path.join(ROOT, "..", "shared", "models", "makemore-names")
STORIES = os.path.join(ROOT, "models", "llama", "stories260K")
VIT_MNIST = os.path.join(ROOT, "models", "vit", "vit-mnist")

LINEAR = """
func.func @main(%x: tensor<3x40xf32>, %w: tensor<40x24xf32>, %b: tensor<24xf32>) -> tensor<3x24xf32> {
  %y = kf.linear %x, %w, %b layout(in_out) : tensor<3x40xf32>, tensor<40x24xf32>, tensor<24xf32> -> tensor<3x24xf32>
  return %y : tensor<3x24xf32>
}
"""


@pytest.fixture(scope="module")
def linear():
    return kernelforge.compile(LINEAR)


def test_version_names_kernelforge_and_llvm():
    text = kernelforge.version()
    assert text.startswith("KernelForge ")
    assert "LLVM/MLIR" in text


def test_linear_matches_numpy(linear):
    rng = np.random.default_rng(0)
    x, w, b = (rng.standard_normal(s).astype(np.float32) for s in [(3, 40), (40, 24), (24,)])
    y = linear.main(x, w, b)
    assert y.shape == (3, 24) and y.dtype == np.float32
    np.testing.assert_allclose(y, ref.linear(x.astype(np.float64), w, b), rtol=1e-5, atol=1e-5)


def test_non_contiguous_inputs_are_read_by_value(linear):
    rng = np.random.default_rng(1)
    x = rng.standard_normal((40, 3)).astype(np.float32).T  # a transposed view
    w = rng.standard_normal((40, 24)).astype(np.float32)
    b = np.zeros(24, np.float32)
    np.testing.assert_allclose(linear["main"](x, w, b), x.astype(np.float64) @ w, rtol=1e-5,
                               atol=1e-5)


def test_signature_is_described(linear):
    entry = linear.main
    assert [a["shape"] for a in entry.inputs] == [[3, 40], [40, 24], [24]]
    assert entry.outputs[0]["numpy_dtype"] == "float32"
    assert "main(f32[3, 40]" in repr(entry)


@pytest.mark.parametrize("args, message", [
    (lambda x, w, b: (x, w), "takes 3 inputs, got 2"),
    (lambda x, w, b: (x.astype(np.float64), w, b), "expected f32[3, 40] (float32), got float64[3, 40]"),
    (lambda x, w, b: (x[:2], w, b), "expected f32[3, 40] (float32), got float32[2, 40]"),
    (lambda x, w, b: (x.tolist(), w, b), "expected a NumPy array f32[3, 40]"),
])
def test_bad_arguments_raise_value_error(linear, args, message):
    x, w, b = np.zeros((3, 40), np.float32), np.zeros((40, 24), np.float32), np.zeros(24, np.float32)
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("(", r"\(").replace(")", r"\)")):
        linear.main(*args(x, w, b))


def test_unknown_entry_point(linear):
    with pytest.raises(KeyError, match="'nope' is not an entry point"):
        linear["nope"]
    with pytest.raises(AttributeError):
        linear.nope


def test_compile_errors_carry_the_diagnostics():
    bad = ("func.func @f(%x: tensor<?x8xf32>) -> tensor<?x8xf32> {\n"
           "  %y = kf.gelu %x tanh : tensor<?x8xf32>\n  return %y : tensor<?x8xf32>\n}\n")
    with pytest.raises(kernelforge.CompileError, match=r"<string>:2:8: error: 'kf.gelu' op "
                       "cannot be lowered to linalg: operand #0 has dynamic shape"):
        kernelforge.compile(bad)
    with pytest.raises(kernelforge.CompileError, match=r"<string>:1:1: error"):
        kernelforge.compile("this is not MLIR")


def test_bad_target_and_options():
    with pytest.raises(ValueError, match="unknown target 'tpu'"):
        kernelforge.compile(LINEAR, target="tpu")
    with pytest.raises(ValueError, match="bad pipeline options 'no-such-option=1'"):
        kernelforge.compile(LINEAR, no_such_option=1)
    with pytest.raises(FileNotFoundError, match="no such MLIR file"):
        kernelforge.compile("/nonexistent/model.mlir")


def test_pipeline_options_reach_the_compiler(linear):
    # Another schedule is another library (the cache key includes the options).
    narrow = kernelforge.compile(LINEAR, vector_width=4, register_cols=8)
    assert narrow.path != linear.path
    x = np.ones((3, 40), np.float32)
    w = np.arange(40 * 24, dtype=np.float32).reshape(40, 24) / 1000
    b = np.ones(24, np.float32)
    np.testing.assert_allclose(narrow.main(x, w, b), linear.main(x, w, b), rtol=1e-6)


def test_makemore_graph_matches_the_reference():
    """The shipped makemore GPT-2 graph from a path, on NumPy weights."""
    lib = kernelforge.compile(MAKEMORE_GRAPH)
    entry = lib.gpt2
    rng = np.random.default_rng(2)
    ids = rng.integers(0, 27, size=(1, 16), dtype=np.int64)
    params, inputs = {}, [ids]
    for arg in entry.inputs[1:]:
        shape = arg["shape"]
        scale = 1.0 if arg["param"].endswith((".weight",)) and "ln_" in arg["param"] else 0.2
        value = (rng.standard_normal(shape) * scale).astype(np.float32)
        if "ln_" in arg["param"] and arg["param"].endswith(".weight"):
            value = (1.0 + 0.1 * rng.standard_normal(shape)).astype(np.float32)
        params[arg["param"]] = value.astype(np.float64)
        inputs.append(value)
    logits = entry(*inputs)
    expected = ref.gpt2_logits(ids, params, n_head=4)
    assert logits.shape == expected.shape == (1, 16, 27)
    np.testing.assert_allclose(logits, expected, rtol=1e-3, atol=1e-3)


def greedy_ok(logits_of, prompt, generated, tolerance=1e-4):
    """Each generated token is a float64 argmax (within `tolerance`) after
    the tokens before it."""
    tokens = list(prompt)
    for token in generated:
        logits = logits_of(tokens)[-1]
        if logits[token] < logits.max() - tolerance:
            return False
        tokens.append(token)
    return True


def test_load_model_random_weights_generates_greedily():
    model = kernelforge.load_model(config=MAKEMORE_CONFIG, random_weights=3)
    assert model.model_type == "gpt2" and model.vocab_size == 27
    out = model.generate([0, 5, 9], n=8, details=True)
    assert len(out["tokens"]) == 8
    with open(MAKEMORE_CONFIG) as f:
        config = json.load(f)
    params = random_weights.gpt2(3, config)
    assert greedy_ok(lambda t: ref.gpt2_logits_from(t, params, 4, tied=False), [0, 5, 9],
                     out["tokens"])


def test_prefill_bucket_chunks_a_longer_prompt():
    model = kernelforge.load_model(config=MAKEMORE_CONFIG, random_weights=3)
    prompt = [0, 5, 9, 1, 20, 14, 3]
    whole = model.generate(prompt, n=6, stop_token=-1, details=True)
    assert (whole["prefill_bucket"], whole["prefill_chunks"]) == (8, 1)
    chunked = model.generate(prompt, n=6, stop_token=-1, details=True, prefill_bucket=2)
    assert (chunked["prefill_bucket"], chunked["prefill_chunks"]) == (2, 4)
    with open(MAKEMORE_CONFIG) as f:
        config = json.load(f)
    params = random_weights.gpt2(3, config)
    assert greedy_ok(lambda t: ref.gpt2_logits_from(t, params, 4, tied=False), prompt,
                     chunked["tokens"])
    assert chunked["tokens"] == whole["tokens"]
    with pytest.raises(ValueError, match="prefill_bucket 17 is not in 1..16"):
        model.generate(prompt, n=1, prefill_bucket=17)
    with pytest.raises(ValueError, match="prefill_bucket must be at least 1"):
        model.generate(prompt, n=1, prefill_bucket=0)


@pytest.mark.skipif(not os.path.isdir(SHARED_MAKEMORE), reason="../shared/models absent")
def test_load_model_real_checkpoint_in_bf16():
    model = kernelforge.load_model(SHARED_MAKEMORE, dtype="bf16")
    assert model.dtype == "bf16"
    tokens = model.generate([0], n=10, details=True)["tokens"]
    params = ref.load_gpt2_checkpoint(os.path.join(SHARED_MAKEMORE, "model.safetensors"))
    from kernelforge import storage
    params = storage.round_gpt2_weights(params, "bf16")
    assert greedy_ok(lambda t: ref.gpt2_logits_from(t, params, 4, tied=False), [0], tokens,
                     tolerance=1e-3)


@pytest.mark.skipif(not os.path.isdir(SHARED_MAKEMORE), reason="../shared/models absent")
def test_load_model_with_a_bf16_kv_cache():
    model = kernelforge.load_model(SHARED_MAKEMORE, kv_dtype="bf16")
    assert model.kv_dtype == "bf16" and model.dtype == "f32"
    tokens = model.generate([0], n=10, details=True)["tokens"]
    params = ref.load_gpt2_checkpoint(os.path.join(SHARED_MAKEMORE, "model.safetensors"))
    from kernelforge import storage
    assert greedy_ok(lambda t: ref.gpt2_logits_from(t, params, 4, tied=False,
                                                    kv_round=storage.round_bf16),
                     [0], tokens)


def test_llama_stories260K_tells_its_published_story():
    model = kernelforge.load_model(STORIES)
    assert model.model_type == "llama" and model.vocab_size == 512
    out = model.generate("", n=40, details=True)   # BOS alone
    assert out["tokens"][:10] == [403, 407, 261, 378, 432, 383, 286, 261, 376, 298]
    assert out["text"].startswith("Once upon a time, there was a little girl named Lily.")
    assert model.encode("Once upon a time") == [1, 403, 407, 261, 378]
    assert model.generate("Once upon a time, there was a dog", n=5) == " named Max."


def test_llama_random_checkpoint_matches_the_reference(tmp_path):
    subprocess.run([sys.executable, os.path.join(ROOT, "python", "kernelforge",
                                                 "make_llama_checkpoint.py"),
                    str(tmp_path), "--heads", "4", "--kv-heads", "2", "--seed", "5"], check=True)
    model = kernelforge.load_model(str(tmp_path))
    with open(tmp_path / "config.json") as f:
        config = json.load(f)
    from kernelforge import safetensors_io
    params = {k: v.astype(np.float64)
              for k, v in safetensors_io.read(str(tmp_path / "model.safetensors")).items()}
    tokens = model.generate([1, 4, 9], n=6, stop_token=-1, details=True)["tokens"]
    assert greedy_ok(lambda t: ref.llama_logits(t, params, config), [1, 4, 9], tokens)


def test_llama_random_checkpoint_in_int8(tmp_path):
    subprocess.run([sys.executable, os.path.join(ROOT, "python", "kernelforge",
                                                 "make_llama_checkpoint.py"),
                    str(tmp_path), "--hidden", "64", "--inner", "96", "--seed", "8"],
                   check=True)
    model = kernelforge.load_model(str(tmp_path), dtype="int8")
    assert model.dtype == "int8"
    with open(tmp_path / "config.json") as f:
        config = json.load(f)
    from kernelforge import safetensors_io, storage
    # The matrices as int8 blocks of 32 input features; the token table
    # stays f32.
    params = {k: (storage.quantize_blocks(v, axis=1)
                  if v.ndim == 2 and k != "model.embed_tokens.weight" else v.astype(np.float64))
              for k, v in safetensors_io.read(str(tmp_path / "model.safetensors")).items()}
    tokens = model.generate([1, 4, 9], n=6, stop_token=-1, details=True)["tokens"]
    assert greedy_ok(lambda t: ref.llama_logits(t, params, config), [1, 4, 9], tokens,
                     tolerance=1e-2)


def test_saved_int8_weights_load_directly(tmp_path):
    model = kernelforge.load_model(config=MAKEMORE_CONFIG, random_weights=3, dtype="int8")
    path = model.save_weights(tmp_path / "q8")
    assert path == str(tmp_path / "q8" / "model.safetensors")
    with open(tmp_path / "q8" / "config.json") as f, open(MAKEMORE_CONFIG) as g:
        assert json.load(f) == json.load(g)
    # The matrices as I8 tensors with their scales, within half a block's
    # scale of the f32 weights they were quantised from.
    from kernelforge import safetensors_io
    with open(MAKEMORE_CONFIG) as f:
        params = random_weights.gpt2(3, json.load(f))
    saved = safetensors_io.read(path)
    weight = "h.0.attn.c_attn.weight"
    assert saved[weight].dtype == np.int8
    step = np.repeat(saved[weight + ".scales"].astype(np.float64), 32, axis=0)
    assert np.all(np.abs(saved[weight] * step - params[weight]) <= 0.5 * step)
    # Loaded back: int8 by default, the same tokens as quantising at load.
    again = kernelforge.load_model(str(tmp_path / "q8"))
    assert again.dtype == "int8"
    first = model.generate([0, 5, 9], n=8, stop_token=-1, details=True)["tokens"]
    assert again.generate([0, 5, 9], n=8, stop_token=-1, details=True)["tokens"] == first
    with pytest.raises(ValueError, match="is the model directory itself"):
        again.save_weights(tmp_path / "q8")


def test_load_model_errors(tmp_path):
    with pytest.raises(ValueError, match="give model_dir, or config= with random_weights"):
        kernelforge.load_model()
    (tmp_path / "config.json").write_text(json.dumps({"model_type": "falcon"}))
    with pytest.raises(ValueError, match="model_type 'falcon' is not supported"):
        kernelforge.load_model(str(tmp_path))
    model = kernelforge.load_model(config=MAKEMORE_CONFIG, random_weights=0)
    with pytest.raises(ValueError, match="token id 27 is outside the vocabulary"):
        model.generate([27], n=1)
    with pytest.raises(ValueError, match="no tokenizer"):
        model.generate("hello", n=1)
    with pytest.raises(ValueError, match="dtype expects f32, f16, bf16, int8 for gpt2, got 'f8'"):
        kernelforge.load_model(config=MAKEMORE_CONFIG, random_weights=0, dtype="f8")
    with pytest.raises(ValueError, match="kv_dtype expects f32, bf16 or f16, got 'int8'"):
        kernelforge.load_model(config=MAKEMORE_CONFIG, random_weights=0, kv_dtype="int8")


def test_vit_mnist_classifies_the_held_out_digits():
    classifier = kernelforge.load_classifier(VIT_MNIST)
    assert classifier.labels == [str(i) for i in range(10)]
    images = np.load(os.path.join(VIT_MNIST, "heldout_images_200.npy"))
    labels = np.load(os.path.join(VIT_MNIST, "heldout_labels_200.npy"))
    logits = classifier.logits(classifier.preprocess(images))
    assert logits.shape == (200, 10)
    assert int((logits.argmax(1) == labels).sum()) == 195   # the model's own figure
    with open(os.path.join(VIT_MNIST, "reference.json")) as f:
        published = np.array(json.load(f)["image0_logits"])
    assert np.abs(logits[0] - published).max() < 1e-4
    top = classifier.classify(images[:2], top_k=2)
    assert [t[0][0] for t in top] == ["4", "9"] and len(top[0]) == 2


def test_classifier_errors(tmp_path):
    classifier = kernelforge.load_classifier(VIT_MNIST)
    with pytest.raises(ValueError, match=r"expected images \[N, 28, 28, 1\]"):
        classifier.preprocess(np.zeros((2, 12, 12), np.uint8))
    with pytest.raises(ValueError, match=r"expected pixels \[N, 28, 28, 1\]"):
        classifier.logits(np.zeros((2, 28, 28, 3), np.float32))
    with pytest.raises(ValueError, match="not a directory"):
        kernelforge.load_classifier(str(tmp_path / "missing"))
    (tmp_path / "config.json").write_text(json.dumps({"model_type": "deit"}))
    with pytest.raises(ValueError, match="model_type 'deit' is not a ViT"):
        kernelforge.load_classifier(str(tmp_path))


def test_python_dash_m(tmp_path):
    env = dict(os.environ)
    run = subprocess.run([sys.executable, "-m", "kernelforge", "compile", MAKEMORE_GRAPH,
                          "-o", str(tmp_path / "m.so")], capture_output=True, text=True, env=env)
    assert run.returncode == 0, run.stderr
    run = subprocess.run([sys.executable, "-m", "kernelforge", "describe", str(tmp_path / "m.so")],
                         capture_output=True, text=True, env=env)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["gpt2"][1]["param"] == "wte.weight"
    run = subprocess.run([sys.executable, "-m", "kernelforge", "compile", "/nonexistent.mlir"],
                         capture_output=True, text=True, env=env)
    assert run.returncode == 1 and "error: no such MLIR file" in run.stderr
