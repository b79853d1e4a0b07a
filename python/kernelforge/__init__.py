"""KernelForge: an MLIR compiler for transformers, from Python.

    import numpy as np
    import kernelforge

    lib = kernelforge.compile(open("model.mlir").read())     # or a path
    (y,) = lib.main(np.ones((2, 8), np.float32))              # NumPy in, out

    model = kernelforge.load_model("models/makemore-names")   # a HF directory
    print(model.generate("\\n", 20))

Compiled libraries are cached (as the command-line runners cache them:
$KF_CACHE_DIR, else ~/.cache/kernelforge), so the second compile of the
same program is a lookup. The scripts next to this file (the float64
references and checks the test suite runs) need only NumPy; the API needs
the compiled extension `_kernelforge`, built with the project (pybind11)
into build/python_packages/kernelforge and installed with it.
"""

from kernelforge.api import (  # noqa: F401
    Classifier,
    CompileError,
    Entry,
    Library,
    Model,
    compile,
    load_classifier,
    load_library,
    load_model,
    version,
)

__all__ = ["Classifier", "CompileError", "Entry", "Library", "Model", "compile",
           "load_classifier", "load_library", "load_model", "version"]
