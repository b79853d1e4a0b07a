"""Runs an entry point of a compiled KernelForge library on random inputs and
compares its outputs with a NumPy expression.

  check_compiled.py --runner kernelforge-run LIB --entry NAME \
      --expect "ref.layer_norm(x0, x1, x2)" [--atol 1e-5] [--rtol 1e-5]
      [--ints-below N] [--scalar V ...] [--seed S] [--scale F] [--repeat N]

Inputs are generated from the library's own signature: float tensors from a
normal distribution (times --scale), integer tensors uniform in
[0, --ints-below), scalars from --scalar in order. The expression sees the
inputs as x0, x1, ... (float64 / int64), `p` (inputs by kf.param name), `ref`
(kernelforge.reference) and `np`; it gives one array per output (a tuple for
several). Exit status 1 when any element is outside atol + rtol * |expected|.
"""

import argparse
import os
import subprocess
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from kernelforge import reference as ref  # noqa: E402
from kernelforge import storage  # noqa: E402
from kernelforge import tools  # noqa: E402

NUMPY_TYPES = {"f32": np.float32, "f16": np.float16, "f64": np.float64,
               "i64": np.int64, "i32": np.int32, "i8": np.int8, "bf16": "bf16"}



def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("library")
    ap.add_argument("--runner", required=True)
    ap.add_argument("--entry", required=True)
    ap.add_argument("--expect", required=True)
    ap.add_argument("--atol", type=float, default=1e-5)
    ap.add_argument("--rtol", type=float, default=1e-5)
    ap.add_argument("--ints-below", type=int, default=2)
    ap.add_argument("--scalar", type=int, action="append", default=[])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--device", default="cpu", help="cpu, or cuda for --target=cuda libraries")
    ap.add_argument("--repeat", type=int, default=1,
                    help="call the entry point this many times and print its timing")
    args = ap.parse_args()

    entries = {e["name"]: e for e in tools.describe(args.runner, args.library)}
    if args.entry not in entries:
        sys.exit(f"error: no entry point {args.entry} in {args.library}")
    signature = entries[args.entry]["args"]

    rng = np.random.default_rng(args.seed)
    scalars = list(args.scalar)
    inputs, params, cli = [], {}, []
    with tempfile.TemporaryDirectory() as tmp:
        for i, a in enumerate(signature):
            if a["role"] != "input":
                continue
            if a["kind"] == "scalar":
                value = scalars.pop(0)
                inputs.append(value)
                cli.append(str(value))
                continue
            dtype = NUMPY_TYPES[a["dtype"]]
            shape = tuple(a["shape"])
            path = os.path.join(tmp, f"in{i}.npy")
            if dtype == "bf16":
                bits = storage.bf16_bits(rng.standard_normal(shape) * args.scale)
                np.save(path, bits)
                arr = storage.bf16_value(bits)
            elif dtype == np.int8:  # full range: the weights of 8-bit blocks
                arr = rng.integers(-127, 128, size=shape).astype(dtype)
                np.save(path, arr)
            elif a.get("param", "").endswith(".scales"):  # positive block scales
                arr = (rng.uniform(0.5, 1.5, size=shape) / 127).astype(dtype)
                np.save(path, arr)
            elif np.issubdtype(dtype, np.integer):
                arr = rng.integers(0, args.ints_below, size=shape).astype(dtype)
                np.save(path, arr)
            else:
                arr = (rng.standard_normal(shape) * args.scale).astype(dtype)
                np.save(path, arr)
            cli.append(path)
            wide = arr.astype(np.int64 if np.issubdtype(arr.dtype, np.integer) else np.float64)
            inputs.append(wide)
            if "param" in a:
                params[a["param"]] = wide
        prefix = os.path.join(tmp, "out")
        run = subprocess.run([args.runner, args.library, "--entry", args.entry,
                              "--repeat", str(args.repeat), "--device", args.device,
                              "--output", prefix] + cli,
                             capture_output=True, text=True)
        if run.returncode != 0:
            sys.exit(f"error: {args.entry} failed:\n{run.stderr}")
        if run.stdout:
            print(run.stdout, end="")
        outputs = [np.load(f"{prefix}{k}.npy")
                   for k in range(sum(a["role"] == "output" for a in signature))]

    env = {f"x{i}": v for i, v in enumerate(inputs)}
    env.update(p=params, ref=ref, np=np, storage=storage)
    expected = eval(args.expect, env)  # noqa: S307 (test expressions)
    if not isinstance(expected, tuple):
        expected = (expected,)
    if len(expected) != len(outputs):
        sys.exit(f"error: {len(outputs)} outputs but the expression gives {len(expected)}")
    ok = True
    for k, (got, want) in enumerate(zip(outputs, expected)):
        want = np.asarray(want)
        if got.shape != want.shape:
            print(f"{args.entry} output {k}: shape {got.shape}, expected {want.shape}")
            ok = False
            continue
        err = np.abs(got.astype(np.float64) - want)
        bound = args.atol + args.rtol * np.abs(want)
        worst = float(err.max()) if err.size else 0.0
        bad = int((~(err <= bound)).sum())  # NaN compares false: counted
        print(f"{args.entry} output {k}: max abs error {worst:.3g} over {err.size} values "
              f"(atol {args.atol:g}, rtol {args.rtol:g}): {'ok' if bad == 0 else f'{bad} outside'}")
        ok &= bad == 0
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
