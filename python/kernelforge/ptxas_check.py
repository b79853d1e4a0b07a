"""Assembles every kernel module of a `kernelforge-compile --target=cuda
--emit=ptx` file with ptxas and reports registers, spills and the reduction
machinery (warp shuffles, shared memory, barriers) of each kernel.

  ptxas_check.py kernels.ptx --arch sm_90 [--ptxas PATH]
                 [--no-spills-in-reductions | --no-spills]

A kernel is reported as a `reduction` (warp shuffles), `tiled` (workgroup
memory and barriers, no shuffles: staged matrix products and mat-vec
partials) or `map`. Exit status 1 when ptxas rejects a module, or when a
kernel spills to local memory: with --no-spills any kernel, with
--no-spills-in-reductions a reduction.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("ptx")
    ap.add_argument("--arch", default="sm_90")
    ap.add_argument("--ptxas")
    ap.add_argument("--no-spills-in-reductions", action="store_true")
    ap.add_argument("--no-spills", action="store_true")
    args = ap.parse_args()
    ptxas = args.ptxas or shutil.which("ptxas") or os.path.join(
        os.environ.get("CUDA_HOME", "/usr/local/cuda"), "bin", "ptxas")
    text = open(args.ptx).read()
    modules = re.split(r"^// kernel module @", text, flags=re.M)[1:]
    if not modules:
        sys.exit(f"error: no kernel modules in {args.ptx}")
    ok, reductions, tiled = True, 0, 0
    with tempfile.TemporaryDirectory() as tmp:
        for module in modules:
            name = module.split()[0]
            path = os.path.join(tmp, name + ".ptx")
            with open(path, "w") as f:
                f.write(module.split("\n", 1)[1])
            run = subprocess.run([ptxas, "-arch=" + args.arch, "-v", path, "-o", path + ".cubin"],
                                 capture_output=True, text=True)
            if run.returncode != 0:
                print(f"{name}: ptxas failed:\n{run.stderr}")
                ok = False
                continue
            regs = re.search(r"Used (\d+) registers", run.stderr)
            spills = re.findall(r"(\d+) bytes spill stores", run.stderr)
            spilled = any(int(s) for s in spills)
            shuffles = len(re.findall(r"\bshfl\.sync", module))
            shared = ".shared" in module
            barriers = len(re.findall(r"\bbar\.sync|\bbarrier\.sync", module))
            kind = "reduction" if shuffles else "tiled" if shared and barriers else "map"
            reductions += kind == "reduction"
            tiled += kind == "tiled"
            print(f"{name}: {kind}, {regs.group(1) if regs else '?'} registers, "
                  f"{'spills' if spilled else 'no spills'}, {shuffles} shuffles, "
                  f"{'shared memory' if shared else 'no shared memory'}, {barriers} barriers")
            if spilled and (args.no_spills or (shuffles and args.no_spills_in_reductions)):
                ok = False
    print(f"{len(modules)} kernel modules assembled for {args.arch}, {reductions} with warp-shuffle "
          f"reductions, {tiled} tiled through workgroup memory: {'ok' if ok else 'FAILED'}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
