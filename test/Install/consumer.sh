#!/usr/bin/env bash
# The installed package works for a project outside the tree: install the
# build into a fresh prefix, configure and build examples/consumer against
# it with find_package(KernelForge), then check its two programs: the
# out-of-tree opt tool lowers the makemore graph with kf-cpu-pipeline, and
# the runtime-only runner generates the same tokens from a compiled GPT-2
# library as kernelforge-gpt2 does. The installed Python package imports.
#
#   consumer.sh SOURCE_DIR BUILD_DIR PYTHON
set -euo pipefail
src=$1 build=$2 python=$3
work="$build/test/install-consumer"
rm -rf "$work"
mkdir -p "$work"
prefix="$work/prefix"

cmake --install "$build" --prefix "$prefix" >"$work/install.log"
cmake -S "$src/examples/consumer" -B "$work/build" -G Ninja \
  -DCMAKE_BUILD_TYPE=Release -DKernelForge_DIR="$prefix/lib/cmake/KernelForge" \
  >"$work/configure.log"
grep -q "Using KernelForgeConfig.cmake in: $prefix/lib/cmake/KernelForge" "$work/configure.log"
ninja -C "$work/build" >"$work/build.log"

# The out-of-tree tool: kf in, LLVM dialect out (the kf ops are gone).
"$work/build/kf-consumer-opt" "$src/models/gpt2/gpt2-makemore.mlir" --kf-cpu-pipeline \
  >"$work/lowered.mlir"
grep -q "llvm.func @gpt2" "$work/lowered.mlir"
if grep -q "kf\.linear" "$work/lowered.mlir"; then
  echo "FAILED: kf ops left after kf-cpu-pipeline"; exit 1
fi

# The runtime-only runner against the installed tool's library and output.
config="$src/models/gpt2/configs/makemore-names.json"
export KF_CACHE_DIR="$work/cache"
"$prefix/bin/kernelforge-gpt2" --config "$config" --random-weights 7 --tokens 0,3,5 -n 10 \
  --compile-only --save-library "$work/gpt2.so" >/dev/null
runner=$("$work/build/gpt2-runner" "$work/gpt2.so" 7 10 0 3 5)
tool=$("$prefix/bin/kernelforge-gpt2" --config "$config" --random-weights 7 --tokens 0,3,5 \
  -n 10 --json 2>/dev/null | "$python" -c "import json, sys; print(','.join(map(str, json.load(sys.stdin)['generated'])))")
echo "runner: $runner"
echo "tool:   $tool"
if [ -z "$runner" ] || [ "$runner" != "$tool" ]; then
  echo "FAILED: the runner's tokens differ from kernelforge-gpt2's"; exit 1
fi

if [ -d "$prefix/python_packages/kernelforge" ]; then
  PYTHONPATH="$prefix/python_packages" "$python" -c \
    "import kernelforge, sys; assert kernelforge.__file__.startswith(sys.argv[1]), kernelforge.__file__; print(kernelforge.version().splitlines()[0])" \
    "$prefix"
fi
echo "consumer built against the install tree: ok"
