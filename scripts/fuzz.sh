#!/usr/bin/env bash
# Builds and runs one libFuzzer target over the runtime's input readers
# (clang-22 with libFuzzer, AddressSanitizer and UndefinedBehaviorSanitizer):
#
#   scripts/fuzz.sh TARGET [SECONDS [LIBFUZZER OPTIONS...]]   # default 60 s
#   scripts/fuzz.sh programs [N [SEED [OPTIONS...]]]          # random kf programs
#   scripts/fuzz.sh --list
#
# Targets (fuzz/*.cpp): safetensors, npy, tokenizer-json, regex, gpt2-tokenizer
# (vocab.json + merges.txt),
# llama2c-tokenizer, signature (a compiled library's entry point signature),
# checkpoint (a model.safetensors bound to a model's f32/16-bit/i8
# parameters, saved and loaded back),
# config (every model family's config.json and ViT's preprocessor config,
# with LLVM's Support library), tuning-cache (kernelforge-tune's JSON cache,
# read, looked up, saved and read back), kf-parser (MLIR text with the kf
# dialect, parsed and verified), kf-pipeline (what verifies also goes
# through kf-cpu-pipeline; built with the whole compiler instrumented in the
# sanitizer build, scripts/sanitize.sh). Each starts from its seed corpus in
# fuzz/corpus/TARGET (copied into $KF_BUILD/fuzz, where new inputs
# accumulate), with fuzz/TARGET.dict where there is one; a crash, a
# sanitizer report, a hang (10 s) or 2 GiB of memory stops it with the
# input saved next to it and a non-zero exit.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
kf_build="${KF_BUILD:-$root/build}"
build="$kf_build/fuzz"
# One target per fuzz/TARGET.cpp (ctest lists them the same way).
targets=()
for source in "$root"/fuzz/*.cpp; do targets+=("$(basename "$source" .cpp)"); done
if [ "${1:-}" = "--list" ]; then
  printf '%s\n' "${targets[@]}" programs
  exit 0
fi
if [ "${1:-}" = programs ]; then
  # Differential testing: N random kf programs (default 1000) on every
  # target, against float64 NumPy; SEED defaults to the time.
  count="${2:-1000}" seed="${3:-$(date +%s)}"
  package="$kf_build/python_packages"
  [ -d "$package/kernelforge" ] || { echo "fuzz.sh: build the project first (no $package)" >&2; exit 2; }
  PYTHONPATH="$package" exec /usr/bin/python3 -m kernelforge.random_programs \
    --count "$count" --seed "$seed" --failures "$build/programs-failures" -v "${@:4}"
fi
target="${1:?usage: scripts/fuzz.sh TARGET [SECONDS] (--list: the targets)}"
seconds="${2:-60}"
[ -f "$root/fuzz/$target.cpp" ] || { echo "fuzz.sh: no target '$target' (see --list)" >&2; exit 2; }
clang=clang++-22
runtime=/usr/lib/llvm-22/lib/clang/22/lib/linux/libclang_rt.fuzzer-x86_64.a
if ! command -v "$clang" >/dev/null || [ ! -f "$runtime" ]; then
  echo "fuzz.sh: needs clang-22 with libFuzzer (apt install clang-22 libfuzzer-22-dev libclang-rt-22-dev)" >&2
  exit 77
fi
mkdir -p "$build"
binary="$build/$target"
# Builds a reader's target: its source, the code it reads with, compiled
# into one instrumented binary (rebuilt when any of them changes).
build_target() {
  local sources=("$root/fuzz/$target.cpp") flags=(-I "$root/include" -I "$root/fuzz")
  local libraries=(-ldl) headers=("$root"/include/kernelforge/Runtime/*.h)
  case "$target" in
  config)
    # The config readers are LLVM Support code (llvm::json, llvm::Error).
    for family in gpt2/GPT2 llama/Llama vit/ViT; do
      sources+=("$root/models/${family}Config.cpp")
    done
    headers=("$root"/include/kernelforge/Models/*.h "$root"/include/kernelforge/Models/*/*Config.h) ;;
  tuning-cache)
    sources+=("$root/lib/Target/TuningCache.cpp")
    headers=("$root"/include/kernelforge/Target/*.h)
    flags+=(-fno-rtti) ;;
  kf-parser)
    # The kf dialect's ops, verifiers and type inference compiled in (and so
    # instrumented); MLIR's parser and the other dialects from libMLIR.
    sources+=("$root"/lib/Dialect/Transformer/IR/*.cpp)
    headers=("$root"/include/kernelforge/Dialect/Transformer/IR/*)
    flags+=(-fno-rtti) ;;
  *)
    # checkpoint binds tensors to parameters (Weights.cpp) as the runners do.
    [ "$target" = checkpoint ] && sources+=("$root/lib/Runtime/Weights.cpp")
    for file in SafeTensors Npy NumberFormats HFTokenizer Llama2cTokenizer GPT2Tokenizer \
      Tokenizer Regex Unicode CompiledLibrary TemporaryArena HugePages; do
      sources+=("$root/lib/Runtime/$file.cpp")
    done ;;
  esac
  case "$target" in
  config | tuning-cache | kf-parser)
    # These link LLVM and MLIR; their headers name the kf dialect's generated
    # declarations (the configs its GELU enum) and the version.
    flags+=(-I "$kf_build/include" -I /usr/lib/llvm-22/include)
    libraries+=(-L /usr/lib/llvm-22/lib -lMLIR -lLLVM-22 -Wl,-rpath,/usr/lib/llvm-22/lib) ;;
  esac
  local newest
  newest=$(ls -t "${sources[@]}" "${headers[@]}" "$root"/fuzz/*.h "$0" | head -1)
  if [ ! -x "$binary" ] || [ "$newest" -nt "$binary" ]; then
    echo "fuzz.sh: building $target" >&2
    "$clang" -std=c++17 -g -O1 -fsanitize=fuzzer,address,undefined \
      -fno-sanitize-recover=undefined "${flags[@]}" \
      "${sources[@]}" "${libraries[@]}" -o "$binary"
  fi
}
if [ "$target" = kf-pipeline ]; then
  # The whole compiler instrumented: built by CMake in the sanitizer build
  # (fuzz/CMakeLists.txt), incrementally.
  "$root/scripts/sanitize.sh" --build-only kf-pipeline-fuzzer >&2
  binary="$kf_build/sanitize/bin/kf-pipeline-fuzzer"
else
  build_target
fi
corpus="$build/$target-corpus"
mkdir -p "$corpus"
cp -n "$root/fuzz/corpus/$target"/* "$corpus/" 2>/dev/null || true
# A dictionary of the format's keywords (fuzz/TARGET.dict) where there is one.
dict="$root/fuzz/${target/kf-pipeline/kf-parser}.dict"
dict_option=()
[ -f "$dict" ] && dict_option=(-dict="$dict")
# Inputs are handed to the readers as files, in memory where there can be.
shm=/tmp
[ -d /dev/shm ] && [ -w /dev/shm ] && shm=/dev/shm
scratch=$(mktemp -d "$shm/kf-fuzz.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
cd "$build"
# A crash exits 1, not libFuzzer's default 77 (ctest's "skipped": no libFuzzer).
KF_FUZZ_TMP="$scratch" "$binary" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -error_exitcode=1 \
  -artifact_prefix="$build/$target-" -print_final_stats=1 "${dict_option[@]}" "${@:3}" "$corpus"
