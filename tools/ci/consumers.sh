#!/usr/bin/env bash
# Builds and runs the kernels' example consumer (examples/kernels_consumer) the three ways another
# project takes the kernels, each from scratch in a temporary directory:
#   1. Bazel: the example's own workspace, @simd_mlp//kernels through local_repository, with its
#      own output base (no shared server with this workspace's) and downloads disabled;
#   2. CMake: kernels/ built and installed to a prefix, then find_package(simd_mlp_kernels), and
#      the same prefix through pkg-config;
#   3. CMake: kernels/ built inside the example's build by add_subdirectory, as a subset (float
#      kernels for sse2 and avx2 alone: SIMD_MLP_KERNELS_ELEMENTS, SIMD_MLP_KERNELS_ISAS), whose
#      dispatcher must refuse SIMD_MLP_ISA=avx512 with a one-line error.
# First it checks that pages quoting the example have it verbatim. Each build compiles the kernels
# once, with 2 jobs: the installed library (2) optimized, as users build it; the other two
# unoptimized, as a consumer's debug build would: they test the wiring, not the speed, and g++
# compiles the per-ISA units several times faster at -O0.
# With --aarch64 (tools/ci/aarch64.sh) it builds way 2 for aarch64 instead, with Debian's cross
# compiler (tools/cmake/aarch64-linux-gnu.toolchain.cmake), and runs the example under qemu-aarch64
# on the best ISA (neon) and on ref. Ways 1 and 3 are the same wiring whatever the processor, and
# the aarch64 build of @simd_mlp//kernels is `bazel test --config=aarch64` itself.
# Prints every step and the example's output; stops at the first failure with a non-zero status.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
readonly repo
readonly example="$repo/examples/kernels_consumer"
readonly jobs=2

aarch64=false
case "${1-}" in
  "") ;;
  --aarch64) aarch64=true ;;
  *)
    echo "consumers.sh: error: unknown option '$1' (usage: tools/ci/consumers.sh [--aarch64])" >&2
    exit 2
    ;;
esac

start=$SECONDS
step() { printf '\n== consumers.sh [%d s]: %s\n' "$((SECONDS - start))" "$*"; }
die() {
  echo "consumers.sh: error: $*" >&2
  exit 1
}

for tool in bazel cmake g++; do
  command -v "$tool" >/dev/null || die "$tool not found (tools/setup.sh installs it)"
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/simd_mlp_consumers.XXXXXX")
readonly tmp
# Bazel leaves parts of its output base read-only; make them writable so they can be removed.
trap 'chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT

step "pages that quote examples/kernels_consumer/dense_layer.cc quote it verbatim"
readonly marker="<!-- examples/kernels_consumer/dense_layer.cc, verbatim: \
tools/ci/consumers.sh checks it -->"
# A page quotes the example after the marker line, in a ```cpp fence.
quoted=0
for page in "$repo/README.md" "$repo"/docs/*.md; do
  grep -qxF "$marker" "$page" || continue
  awk -v marker="$marker" '
    $0 == marker { found = 1; next }
    found == 1 && /^```cpp$/ { found = 2; next }
    found == 2 && /^```$/ { exit }
    found == 2 { print }
  ' "$page" >"$tmp/quoted_example.cc"
  diff -u "$example/dense_layer.cc" "$tmp/quoted_example.cc" >&2 ||
    die "${page#"$repo"/}'s example (after the line '$marker') differs from $example/dense_layer.cc"
  echo "${page#"$repo"/}: same"
  quoted=$((quoted + 1))
done
((quoted > 0)) || echo "no page quotes it"

# How the target's programs are built and run: natively, or for aarch64 with the cross compiler
# and under qemu-aarch64.
target=native
cxx=g++
cmake_target=()
run=()
if $aarch64; then
  for tool in aarch64-linux-gnu-g++ qemu-aarch64; do
    command -v "$tool" >/dev/null || die "$tool not found (tools/setup.sh --aarch64 installs it)"
  done
  target=aarch64
  cxx=aarch64-linux-gnu-g++
  cmake_target=(-DCMAKE_TOOLCHAIN_FILE="$repo/tools/cmake/aarch64-linux-gnu.toolchain.cmake")
  run=(qemu-aarch64)
else
  step "1/3 Bazel: @simd_mlp//kernels through local_repository"
  (
    cd "$example"
    # --batch: no server outlives the build; --output_base: nothing shared with the parent
    # workspace's server; .bazelrc there disables downloads.
    bazel --batch --output_base="$tmp/bazel" test //:dense_layer -c fastbuild --jobs="$jobs" \
      --test_output=all --nocache_test_results --experimental_convenience_symlinks=ignore
  )
fi

step "2/3 CMake, $target: kernels/ installed to a prefix, then find_package(simd_mlp_kernels)"
cmake -S "$repo/kernels" -B "$tmp/kernels" "${cmake_target[@]}" -DCMAKE_BUILD_TYPE=Release
cmake --build "$tmp/kernels" -j "$jobs"
cmake --install "$tmp/kernels" --prefix "$tmp/prefix"
cmake -S "$example" -B "$tmp/find_package" "${cmake_target[@]}" -DCMAKE_PREFIX_PATH="$tmp/prefix"
cmake --build "$tmp/find_package" -j "$jobs"
if $aarch64; then
  aarch64-linux-gnu-readelf -h "$tmp/find_package/dense_layer" | grep -q 'Machine: *AArch64' ||
    die "$tmp/find_package/dense_layer is not an aarch64 program"
  SIMD_MLP_ISA=ref "${run[@]}" "$tmp/find_package/dense_layer"
fi
"${run[@]}" "$tmp/find_package/dense_layer"

command -v pkg-config >/dev/null || die "pkg-config not found: run tools/setup.sh (pkgconf)"
step "2/3 (same prefix) pkg-config simd_mlp_kernels, compiled with $cxx"
pc_file=$(find "$tmp/prefix" -name simd_mlp_kernels.pc)
[[ -n "$pc_file" ]] || die "cmake --install wrote no simd_mlp_kernels.pc under $tmp/prefix"
pc_flags=$(PKG_CONFIG_PATH=$(dirname "$pc_file") pkg-config --cflags --libs simd_mlp_kernels)
echo "pkg-config --cflags --libs simd_mlp_kernels: $pc_flags"
# shellcheck disable=SC2086  # pc_flags is a list of flags
"$cxx" -std=c++17 -O2 -Wall -Wextra "$example/dense_layer.cc" $pc_flags \
  -o "$tmp/pkg_config_dense_layer"
"${run[@]}" "$tmp/pkg_config_dense_layer"

if $aarch64; then
  step "the aarch64 consumers built and passed under qemu-aarch64"
  exit 0
fi

step "3/3 CMake: kernels/ built with the example by add_subdirectory, float for sse2 and avx2 alone"
cmake -S "$example" -B "$tmp/add_subdirectory" -DSIMD_MLP_SOURCE_DIR="$repo" -DCMAKE_BUILD_TYPE=Debug \
  -DSIMD_MLP_KERNELS_ELEMENTS=float "-DSIMD_MLP_KERNELS_ISAS=sse2;avx2"
cmake --build "$tmp/add_subdirectory" -j "$jobs"
"$tmp/add_subdirectory/dense_layer"
status=0
err=$(SIMD_MLP_ISA=avx512 "$tmp/add_subdirectory/dense_layer" 2>&1 >/dev/null) || status=$?
echo "SIMD_MLP_ISA=avx512: exit status $status: $err"
[[ $status -eq 2 && $(wc -l <<<"$err") -eq 1 && $err == *"does not include avx512"* ]] ||
  die "the sse2;avx2 build should refuse SIMD_MLP_ISA=avx512 with one line and status 2"

step "all three consumers built and passed"
