#!/usr/bin/env bash
# Installs, from Debian's apt, everything simd_mlp needs to build, test and benchmark.
# Idempotent: packages already present are left alone, and `apt-get update` runs only when
# something is missing. Safe to run before every build (the README's quick start does).
#
#   tools/setup.sh            # the x86-64 build
#   tools/setup.sh --aarch64  # and the aarch64 cross build, run under qemu (`--config=aarch64`)
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

# The aarch64 build (tools/bazel/toolchains/aarch64, tools/ci/aarch64.sh): Debian's cross
# compiler, qemu to run what it builds, and the arm64 builds of the libraries it links, installed
# beside the host's through Debian multiarch. The header-only libraries (CLI11, Eigen) serve both.
readonly AARCH64_PACKAGES=(
  g++-aarch64-linux-gnu
  qemu-user
  qemu-user-binfmt          # the binfmt_misc entry that lets test scripts run aarch64 programs
  libc6:arm64               # the dynamic loader and C library the programs run on under qemu
  libstdc++6:arm64
  libxsimd-dev:arm64        # CMake's find_package(xsimd) for aarch64 (same headers as the host's)
  libgtest-dev:arm64
  libgmock-dev:arm64
  librapidcheck-dev:arm64
  libbenchmark-dev:arm64
  libzip-dev:arm64
)

log() { echo "setup.sh: $*"; }
die() { echo "setup.sh: error: $*" >&2; exit 1; }

aarch64=false
case "${1-}" in
  "") ;;
  --aarch64) aarch64=true ;;
  *) die "unknown option '$1' (usage: tools/setup.sh [--aarch64])" ;;
esac

# shellcheck source=tools/lib/apt_install.sh
source "$(dirname "$0")/lib/apt_install.sh"
install_missing_packages "${PACKAGES[@]}"
$aarch64 || exit 0

if ! dpkg --print-foreign-architectures | grep -qx arm64; then
  [[ $(id -u) -eq 0 ]] ||
    die "the arm64 packages need Debian multiarch; run as root, or: sudo dpkg --add-architecture arm64"
  log "dpkg --add-architecture arm64"
  dpkg --add-architecture arm64
fi
install_missing_packages "${AARCH64_PACKAGES[@]}"

# Bazel's sh_tests run the aarch64 programs they test directly, so the kernel must hand them to
# qemu: qemu-user-binfmt registers them at boot through systemd-binfmt, which machines without
# systemd (containers, CI VMs) never run. The entry lasts until reboot, hence the check each time.
readonly BINFMT=/proc/sys/fs/binfmt_misc
if [[ ! -e $BINFMT/qemu-aarch64 ]]; then
  [[ $(id -u) -eq 0 ]] || die "aarch64 programs are not registered with binfmt_misc; run as root," \
    "or: sudo systemctl restart systemd-binfmt"
  if [[ ! -e $BINFMT/register ]]; then
    mount -t binfmt_misc binfmt_misc "$BINFMT" || die "cannot mount binfmt_misc on $BINFMT"
  fi
  log "registering qemu-aarch64 with binfmt_misc"
  cat /usr/lib/binfmt.d/qemu-aarch64.conf >"$BINFMT/register" ||
    die "binfmt_misc refused /usr/lib/binfmt.d/qemu-aarch64.conf"
fi
grep -qx enabled "$BINFMT/qemu-aarch64" ||
  die "the binfmt_misc entry qemu-aarch64 is disabled: echo 1 >$BINFMT/qemu-aarch64"
log "aarch64 cross build ready: $(aarch64-linux-gnu-g++ --version | head -n 1)," \
  "$(qemu-aarch64 --version | head -n 1)"
