#!/usr/bin/env bash
# The kernels are embedded alone in other projects (docs/kernels.md, "Embedding"), so every file
# of kernels/ may include only kernels/ files, xsimd, the C++ standard library (extensionless
# <name>), and what each architecture's compiler or C library provides for its SIMD: x86-64's
# <immintrin.h>, aarch64's <arm_neon.h> and <sys/auxv.h> (getauxval, for CPU detection); never
# mlp/, bench/, tests/ or another system library. Bazel's sandbox
# already rejects an undeclared project header; this also catches system headers such as Eigen.
# Arguments: the files of kernels/.
set -euo pipefail
(($# >= 10)) || { echo "FAIL: want the files of kernels/, got $# arguments" >&2; exit 1; }
allowed='"kernels/([a-z]+/)?[a-z0-9_-]+\.(h|inc)"|<xsimd/xsimd\.hpp>|<immintrin\.h>|<arm_neon\.h>'
allowed+='|<sys/auxv\.h>|<[a-z_]+>'
allowed="^[[:space:]]*#[[:space:]]*include[[:space:]]*($allowed)"
fail=0
for file in "$@"; do
  [[ -f $file ]] || { echo "FAIL: no file at $file" >&2; exit 1; }
  while IFS= read -r hit; do
    line=${hit%%:*}
    include=${hit#*:}
    if ! [[ $include =~ $allowed ]]; then
      echo "FAIL: $file:$line: $include" \
        "(kernels/ may include only kernels/, xsimd, the standard library and SIMD headers)" >&2
      fail=1
    fi
  done < <(grep -nE '^[[:space:]]*#[[:space:]]*include' "$file" || true)
done
((fail == 0)) || exit 1
echo "PASS: $# files of kernels/ include only kernels/, xsimd, the standard library and" \
  "SIMD headers"
