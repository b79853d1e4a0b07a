"""Checks the PTX file of `kernelforge-compile --target=cuda --emit=ptx`: one
module (what ptxas and the CUDA driver accept as one file), its target, each
kernel's reduction machinery (warp shuffles, shared memory, barriers) and,
assembled with ptxas, each kernel's registers and spills.

  ptxas_check.py kernels.ptx --arch sm_90 [--ptxas PATH]
                 [--no-spills-in-reductions | --no-spills]
  ptxas_check.py kernels.ptx --arch sm_90 --structure-only

A kernel is reported as a `reduction` (warp shuffles), `tiled` (workgroup
memory and barriers, no shuffles: staged matrix products and mat-vec
partials) or `map`. Exit status 1 when the file is not one module, when it
targets another chip, when ptxas rejects it, or when a kernel spills to
local memory: with --no-spills any kernel, with --no-spills-in-reductions a
reduction. --structure-only reads the PTX text alone (no ptxas needed).
"""

import argparse
import os
import re
import shutil
import subprocess
import sys


def structure(ptx):
    """(kind, shuffles, shared memory used, barriers) of one kernel's PTX."""
    shuffles = len(re.findall(r"\bshfl\.sync", ptx))
    shared = ".shared" in ptx
    barriers = len(re.findall(r"\bbar\.sync|\bbarrier\.sync", ptx))
    kind = "reduction" if shuffles else "tiled" if shared and barriers else "map"
    return kind, shuffles, shared, barriers


def kernels(ptx):
    """{name: text} of each `.entry`, from its header to the next one."""
    starts = list(re.finditer(r"^\s*(?:\.visible\s+)?\.entry\s+(\w+)\s*\(", ptx, flags=re.M))
    return {m.group(1): ptx[m.start():(starts[i + 1].start() if i + 1 < len(starts) else len(ptx))]
            for i, m in enumerate(starts)}


def assemble(ptxas, arch, path):
    """{kernel: (registers, spilled)} from ptxas -v, or an error message."""
    run = subprocess.run([ptxas, "-arch=" + arch, "-v", path, "-o", os.devnull],
                         capture_output=True, text=True)
    if run.returncode != 0:
        return f"ptxas failed:\n{run.stderr}"
    facts, current = {}, None
    for line in run.stderr.splitlines():
        entry = re.search(r"Compiling entry function '(\w+)'", line)
        if entry:
            current = entry.group(1)
            facts[current] = ["?", False]
        spills = re.search(r"(\d+) bytes spill stores", line)
        if spills and current:
            facts[current][1] = int(spills.group(1)) > 0
        regs = re.search(r"Used (\d+) registers", line)
        if regs and current:
            facts[current][0] = regs.group(1)
    return facts


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
    modules = len(re.findall(r"^\.version\s", text, flags=re.M))
    if modules != 1:
        sys.exit(f"error: {args.ptx} holds {modules} PTX modules, not one")
    ok, reductions, tiled = True, 0, 0
    target = re.search(r"^\.target\s+(\w+)", text, flags=re.M)
    if not target or target.group(1) != args.arch:
        print(f"{args.ptx}: targets {target.group(1) if target else 'nothing'}, not {args.arch}")
        ok = False
    bodies = kernels(text)
    if not bodies:
        sys.exit(f"error: no kernels in {args.ptx}")
    assembled = {}
    if not args.structure_only:
        assembled = assemble(ptxas, args.arch, args.ptx)
        if isinstance(assembled, str):
            print(assembled)
            print(f"{len(bodies)} kernels in one module, for {args.arch}: FAILED")
            sys.exit(1)
    for name, body in bodies.items():
        kind, shuffles, shared, barriers = structure(body)
        reductions += kind == "reduction"
        tiled += kind == "tiled"
        facts = [kind]
        if not args.structure_only:
            regs, spilled = assembled.get(name, ("?", False))
            facts += [f"{regs} registers", "spills" if spilled else "no spills"]
            if spilled and (args.no_spills or (shuffles and args.no_spills_in_reductions)):
                ok = False
        facts += [f"{shuffles} shuffles", "shared memory" if shared else "no shared memory",
                  f"{barriers} barriers"]
        print(f"{name}: {', '.join(facts)}")
    how = "read (structure only)" if args.structure_only else "assembled"
    print(f"{len(bodies)} kernels in one module {how} for {args.arch}, {reductions} with "
          f"warp-shuffle reductions, {tiled} tiled through workgroup memory: "
          f"{'ok' if ok else 'FAILED'}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
