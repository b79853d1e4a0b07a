"""Running the KernelForge tools from Python helpers."""

import json
import subprocess
import sys


def describe(runner, library):
    """The entry points of a compiled library, as `kernelforge-run --describe`
    reports them: [{"name", "args": [{"kind", "dtype", "shape", "role",
    "param"?}]}]."""
    return json.loads(subprocess.run([runner, library, "--describe"], check=True,
                                     capture_output=True, text=True).stdout)


def run_gpt2_json(cmd):
    """Runs `kernelforge-gpt2 ... --json`; its metrics (the last stdout line).
    Exits with kernelforge-gpt2's stderr when it fails."""
    run = subprocess.run(cmd, capture_output=True, text=True, errors="replace")
    if run.returncode != 0:
        sys.exit(f"error: kernelforge-gpt2 failed:\n{run.stderr}")
    return json.loads(run.stdout.strip().splitlines()[-1])
