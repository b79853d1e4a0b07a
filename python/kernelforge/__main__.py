"""python3 -m kernelforge: the common commands.

  python3 -m kernelforge version
  python3 -m kernelforge compile MODEL.mlir [--target cpu] [-o LIB.so]
  python3 -m kernelforge describe LIB.so
  python3 -m kernelforge generate MODEL_DIR [--prompt TEXT] [-n N] [--dtype bf16]
"""

import argparse
import json
import shutil
import sys

import kernelforge


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python3 -m kernelforge",
                                 description="KernelForge from Python")
    sub = ap.add_subparsers(dest="command", required=True)
    sub.add_parser("version", help="versions and the default target")
    c = sub.add_parser("compile", help="compile kf MLIR into a shared library")
    c.add_argument("mlir")
    c.add_argument("--target", default="cpu")
    c.add_argument("-o", dest="output", help="copy the library here")
    c.add_argument("--pipeline-option", action="append", default=[], metavar="KEY=VALUE")
    d = sub.add_parser("describe", help="a library's entry points and signatures")
    d.add_argument("library")
    g = sub.add_parser("generate", help="generate text with a model directory")
    g.add_argument("model_dir")
    g.add_argument("--prompt", default="\n")
    g.add_argument("-n", type=int, default=32)
    g.add_argument("--dtype")
    g.add_argument("--temperature", type=float, default=0.0)
    g.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    try:
        if args.command == "version":
            print(kernelforge.version(), end="")
        elif args.command == "compile":
            options = dict(kv.split("=", 1) for kv in args.pipeline_option)
            lib = kernelforge.compile(args.mlir, target=args.target, progress=True, **options)
            if args.output:
                shutil.copyfile(lib.path, args.output)
            print(args.output or lib.path)
        elif args.command == "describe":
            lib = kernelforge.load_library(args.library)
            print(json.dumps({name: lib[name].signature for name in lib.entry_points}, indent=1))
        else:
            model = kernelforge.load_model(args.model_dir, dtype=args.dtype, progress=True)
            print(model.generate(args.prompt, args.n, temperature=args.temperature,
                                 seed=args.seed))
    except (kernelforge.CompileError, ValueError, KeyError, FileNotFoundError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
