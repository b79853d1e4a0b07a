"""Checks every kernel module of a `kernelforge-compile --target=cuda
--emit=ptx` file: its target, its reduction machinery (warp shuffles, shared
memory, barriers) and, assembled with ptxas, its registers and spills.

  ptxas_check.py kernels.ptx --arch sm_90 [--ptxas PATH]
                 [--no-spills-in-reductions | --no-spills]
  ptxas_check.py kernels.ptx --arch sm_90 --structure-only

A kernel is reported as a `reduction` (warp shuffles), `tiled` (workgroup
memory and barriers, no shuffles: staged matrix products and mat-vec
partials) or `map`. Exit status 1 when a module targets another chip, when
ptxas rejects a module, or when a kernel spills to local memory: with
--no-spills any kernel, with --no-spills-in-reductions a reduction.
--structure-only reads the PTX text alone (no ptxas needed).
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile


def structure(ptx):
    """(kind, shuffles, shared memory used, barriers) of one module's PTX."""
    shuffles = len(re.findall(r"\bshfl\.sync", ptx))
    shared = ".shared" in ptx
    barriers = len(re.findall(r"\bbar\.sync|\bbarrier\.sync", ptx))
    kind = "reduction" if shuffles else "tiled" if shared and barriers else "map"
    return kind, shuffles, shared, barriers


def assemble(ptxas, arch, name, ptx, tmp):
    """(registers or '?', spilled) from ptxas -v, or an error message."""
    path = os.path.join(tmp, name + ".ptx")
    with open(path, "w") as f:
        f.write(ptx)
    run = subprocess.run([ptxas, "-arch=" + arch, "-v", path, "-o", path + ".cubin"],
                         capture_output=True, text=True)
    if run.returncode != 0:
        return f"ptxas failed:\n{run.stderr}"
    regs = re.search(r"Used (\d+) registers", run.stderr)
    spills = re.findall(r"(\d+) bytes spill stores", run.stderr)
    return (regs.group(1) if regs else "?"), any(int(s) for s in spills)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("ptx")
    ap.add_argument("--arch", default="sm_90")
    ap.add_argument("--ptxas")
    ap.add_argument("--structure-only", action="store_true")
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
            name, ptx = module.split()[0], module.split("\n", 1)[1]
            target = re.search(r"^\.target\s+(\w+)", ptx, flags=re.M)
            if not target or target.group(1) != args.arch:
                print(f"{name}: targets {target.group(1) if target else 'nothing'}, "
                      f"not {args.arch}")
                ok = False
            kind, shuffles, shared, barriers = structure(ptx)
            reductions += kind == "reduction"
            tiled += kind == "tiled"
            facts = [kind]
            if not args.structure_only:
                assembled = assemble(ptxas, args.arch, name, ptx, tmp)
                if isinstance(assembled, str):
                    print(f"{name}: {assembled}")
                    ok = False
                    continue
                regs, spilled = assembled
                facts += [f"{regs} registers", "spills" if spilled else "no spills"]
                if spilled and (args.no_spills or (shuffles and args.no_spills_in_reductions)):
                    ok = False
            facts += [f"{shuffles} shuffles", "shared memory" if shared else "no shared memory",
                      f"{barriers} barriers"]
            print(f"{name}: {', '.join(facts)}")
    how = "read (structure only)" if args.structure_only else "assembled"
    print(f"{len(modules)} kernel modules {how} for {args.arch}, {reductions} with warp-shuffle "
          f"reductions, {tiled} tiled through workgroup memory: {'ok' if ok else 'FAILED'}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
