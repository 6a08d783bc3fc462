#!/usr/bin/env bash
# Installs, from Debian's apt, everything simd_mlp needs to build, test and benchmark.
# Idempotent: packages already present are left alone, and `apt-get update` runs only when
# something is missing. Safe to run before every build (the README's quick start does).
set -euo pipefail

readonly PACKAGES=(
  bazel-bootstrap    # Bazel 4.2.3; WORKSPACE mode, see ../shared/BAZEL_OFFLINE.md
  g++
  cmake              # kernels/CMakeLists.txt and its consumers (tools/ci/consumers.sh)
  make               # CMake's default generator, which cmake only recommends
  pkgconf            # checks kernels/simd_mlp_kernels.pc in tools/ci/consumers.sh
  libxsimd-dev       # xsimd 8.1.0: the kernels' only dependency
  libgtest-dev
  libgmock-dev
  librapidcheck-dev  # property tests
  libbenchmark-dev
  libeigen3-dev      # the benchmark baseline only
  libzip-dev         # the zip container of .npz checkpoints
  clang              # tools/ci/fuzz.sh: libFuzzer targets, built outside Bazel
  libclang-rt-14-dev #   and their runtime (libFuzzer, ASan, UBSan)
  python3            # tests/mlp: --plot's SVG parsed with xml.etree, --metrics as JSON
)

log() { echo "setup.sh: $*"; }
die() { echo "setup.sh: error: $*" >&2; exit 1; }

missing=()
for pkg in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q '^install ok installed$'; then
    missing+=("$pkg")
  fi
done

if ((${#missing[@]} == 0)); then
  log "all ${#PACKAGES[@]} packages present (${PACKAGES[*]})"
  exit 0
fi

log "missing: ${missing[*]}"
if [[ $(id -u) -ne 0 ]]; then
  die "installing packages needs root; run as root, or: sudo apt-get install ${missing[*]}"
fi
command -v apt-get >/dev/null || die "apt-get not found: this script supports Debian 12 only"

export DEBIAN_FRONTEND=noninteractive
log "apt-get update"
apt-get update -qq || die "apt-get update failed (is Debian's package mirror reachable?)"
log "apt-get install ${missing[*]}"
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
  || die "apt-get install failed for: ${missing[*]}"
log "installed ${#missing[@]} package(s)"
