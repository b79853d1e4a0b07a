"""Per host function of kf-gpu-pipeline output (host-lowering=0): kernel
launches, blocking host waits, device allocations and frees, and the number
of kernel modules and distinct kernels in them.

  host_code_stats.py gpu.mlir
"""

import re
import sys


def main():
    text = open(sys.argv[1]).read()
    stats = {}
    name = None
    for line in text.splitlines():
        m = re.match(r"\s*func\.func (?:private )?@([\w.]+)\(", line)
        if m:
            name = m.group(1)
            stats[name] = dict(launches=0, waits=0, allocs=0, frees=0)
            continue
        if name is None:
            continue
        s = stats[name]
        s["launches"] += "gpu.launch_func" in line
        s["waits"] += bool(re.search(r"gpu\.wait\s*\[", line)) and "= gpu.wait" not in line
        s["allocs"] += "gpu.alloc" in line
        s["frees"] += "gpu.dealloc" in line
    for name, s in stats.items():
        print(f"{name}: {s['launches']} launches, {s['waits']} host waits, "
              f"{s['allocs']} allocations, {s['frees']} frees")
    kernels = len(re.findall(r"gpu\.func @\w+\(.*\bkernel\b", text))
    print(f"{len(re.findall(r'gpu.module @', text))} kernel modules, {kernels} kernels")


if __name__ == "__main__":
    main()
