#!/usr/bin/env bash
# CI's aarch64 stage: the whole project cross-built for aarch64 with Debian's cross compiler and
# run under qemu-aarch64 (tools/setup.sh --aarch64 installs both, and the arm64 libraries):
#   1. every test of `bazel test //...` that applies to aarch64 (the x86-only baselines, oneDNN and
#      libxsmm, are skipped as incompatible), on the neon kernels;
#   2. the benchmark binary, started and run for one short benchmark;
#   3. the kernels' CMake build, its installed package and pkg-config file, used by the example
#      consumer and run (tools/ci/consumers.sh --aarch64).
# Programs run under emulation, several times slower than native: it proves the code, not its
# speed (no ARM hardware here to time it on).
set -euo pipefail
cd "$(dirname "$0")/../.."
start=$SECONDS
step() { printf '\n== aarch64.sh [%d s]: %s\n' "$((SECONDS - start))" "$*"; }

step "tools/setup.sh --aarch64"
tools/setup.sh --aarch64

step "bazel test --config=aarch64 //... (under qemu-aarch64)"
bazel test --config=aarch64 //... --test_output=errors

step "bazel run --config=aarch64 //bench: one short benchmark"
bazel run --config=aarch64 //bench -- --table --benchmark_filter='^fma_peak/neon$' \
  --benchmark_min_time=0.01

step "tools/ci/consumers.sh --aarch64"
tools/ci/consumers.sh --aarch64

step "aarch64 passed"
