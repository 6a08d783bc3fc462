#!/usr/bin/env bash
# Installs, from Debian's apt, everything simd_mlp needs to build, test and benchmark.
# Idempotent: packages already present are left alone, and `apt-get update` runs only when
# something is missing. Safe to run before every build (the README's quick start does).
set -euo pipefail

readonly PACKAGES=(
  bazel-bootstrap    # Bazel 4.2.3; WORKSPACE mode, offline: tools/bazel/README.md
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
  libdnnl-dev        # oneDNN 2.6: the second benchmark baseline only
  libxsmm-dev        # libxsmm 1.17: the GEMM kernels' benchmark baseline only (x86)
  libzip-dev         # the zip container of .npz checkpoints
  libcli11-dev       # CLI11 2.1 (header-only): the command lines of //mlp:train and //mlp:predict
  clang              # tools/ci/fuzz.sh: libFuzzer targets, built outside Bazel
  libclang-rt-14-dev #   and their runtime (libFuzzer, ASan, UBSan)
  python3            # tests/mlp: --plot's SVG parsed with xml.etree, --metrics as JSON
)

log() { echo "setup.sh: $*"; }
die() { echo "setup.sh: error: $*" >&2; exit 1; }

# shellcheck source=tools/lib/apt_install.sh
source "$(dirname "$0")/lib/apt_install.sh"
install_missing_packages "${PACKAGES[@]}"
