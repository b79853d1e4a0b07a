#!/usr/bin/env python3
"""Plots kernelforge-bench reports (and a peers.sh run) as one PNG.

  plot_bench.py REPORT.json [--baseline OLD.json] [--peers samples.json] -o bench.png

Left: GFLOP/s per kernel of this report, its baseline's, and OpenBLAS's from
the same run as the report. Right (with --peers): median time of each system
of a ../shared/bench/peers.sh run per test, relative to KernelForge (kf-f32),
so the bars under 1 are where a peer is faster. Needs Debian's
python3-matplotlib.
"""
import argparse
import json
import sys


def load(path):
    with open(path) as f:
        return json.load(f)


def rows(report):
    return {(r["kernel"], r["tokens"]): r for r in report["results"]}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("report")
    parser.add_argument("--baseline")
    parser.add_argument("--peers")
    parser.add_argument("-o", "--output", required=True)
    args = parser.parse_args()
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        sys.exit("error: matplotlib is missing (apt-get install python3-matplotlib)")

    current = rows(load(args.report))
    baseline = rows(load(args.baseline)) if args.baseline else {}
    keys = sorted(current, key=lambda k: (k[1], k[0]))
    panels = 2 if args.peers else 1
    fig, axes = plt.subplots(1, panels, figsize=(7 * panels, 0.35 * len(keys) + 2.5))
    if panels == 1:
        axes = [axes]

    ax = axes[0]
    labels = [f"{k[0]} T={k[1]}" for k in keys]
    series = [("KernelForge", [current[k].get("gflops", 0) for k in keys])]
    if baseline:
        series.append(("baseline", [baseline.get(k, {}).get("gflops", 0) for k in keys]))
    blas = [current[k].get("openblas_gflops", 0) for k in keys]
    if any(blas):
        series.append(("OpenBLAS", blas))
    height = 0.8 / len(series)
    for i, (name, values) in enumerate(series):
        ax.barh([j + i * height for j in range(len(keys))], values, height, label=name)
    ax.set_yticks([j + height * (len(series) - 1) / 2 for j in range(len(keys))])
    ax.set_yticklabels(labels)
    ax.invert_yaxis()
    ax.set_xlabel("GFLOP/s (higher is better)")
    ax.set_title("kernels at GPT-2 124M shapes")
    ax.legend()

    if args.peers:
        peers = load(args.peers)
        systems = peers["systems"]
        tests = list(next(iter(systems.values()))["tests"])
        ax = axes[1]
        others = [s for s in systems if s != "kf-f32"]
        height = 0.8 / max(1, len(others))
        for i, s in enumerate(others):
            values = []
            for t in tests:
                ours = systems.get("kf-f32", {}).get("tests", {}).get(t, {}).get("median")
                theirs = systems[s]["tests"].get(t, {}).get("median")
                values.append(theirs / ours if ours and theirs else 0)
            ax.barh([j + i * height for j in range(len(tests))], values, height, label=s)
        ax.axvline(1.0, color="black", linewidth=0.8)
        ax.set_yticks([j + height * (len(others) - 1) / 2 for j in range(len(tests))])
        ax.set_yticklabels(tests)
        ax.invert_yaxis()
        ax.set_xlabel("peer time / KernelForge time (> 1: KernelForge faster)")
        ax.set_title("GPT-2 124M against peers (" + peers["meta"].get("started", "") + ")")
        ax.legend()

    fig.tight_layout()
    fig.savefig(args.output, dpi=110)
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
