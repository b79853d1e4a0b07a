#!/usr/bin/env bash
# Builds the runtime (lib/Runtime: no MLIR) and its unit tests
# (unittests/Runtime) with clang-22's AddressSanitizer and
# UndefinedBehaviorSanitizer, in $KF_BUILD/sanitize, and runs them: any
# memory error, leak or undefined behaviour fails the run.
#
#   scripts/sanitize.sh [GTEST OPTIONS...]
#
# Exits 77 (ctest: skipped) without clang-22 and its sanitizer runtime.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${KF_BUILD:-$root/build}/sanitize"
clang=clang++-22
if ! command -v "$clang" >/dev/null ||
  [ ! -f /usr/lib/llvm-22/lib/clang/22/lib/linux/libclang_rt.asan-x86_64.a ]; then
  echo "sanitize.sh: needs clang-22 with its sanitizer runtime (apt install clang-22 libclang-rt-22-dev)" >&2
  exit 77
fi
mkdir -p "$build"
binary="$build/runtime-unit-tests"
sources=("$root"/lib/Runtime/*.cpp "$root"/unittests/Runtime/*.cpp)
newest=$(ls -t "${sources[@]}" "$root"/include/kernelforge/Runtime/*.h "$root"/lib/Runtime/*.inc | head -1)
if [ ! -x "$binary" ] || [ "$newest" -nt "$binary" ]; then
  echo "sanitize.sh: building the runtime and its unit tests with ASan and UBSan" >&2
  objects=()
  for source in "${sources[@]}"; do
    object="$build/$(basename "${source%.cpp}").o"
    objects+=("$object")
    "$clang" -std=c++17 -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=undefined \
      -fno-omit-frame-pointer -I "$root/include" -I "${KF_BUILD:-$root/build}/include" \
      -c "$source" -o "$object" &
    # Two compilers at a time.
    while [ "$(jobs -rp | wc -l)" -ge 2 ]; do wait -n; done
  done
  wait
  "$clang" -fsanitize=address,undefined "${objects[@]}" -lgtest_main -lgtest -lpthread -ldl \
    -o "$binary"
fi
cd "$build"
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 exec "$binary" "$@"
