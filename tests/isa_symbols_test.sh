#!/usr/bin/env bash
# Each per-ISA kernel library (libtarget_<isa>.a) must define external symbols only inside its own
# namespace, simd_mlp::kernels::<isa>::. An external inline function or template instance outside
# it, say a std:: helper instantiated while compiling with -mavx512f, would be merged by the linker
# with the same symbol from other translation units, and a lesser CPU could end up running the
# AVX-512 copy.
set -euo pipefail
(($# == 3)) || { echo "FAIL: want the three per-ISA archives, got: $*" >&2; exit 1; }
fail=0
for lib in "$@"; do
  [[ -f $lib ]] || { echo "FAIL: no archive at $lib" >&2; exit 1; }
  target=$(basename "$lib"); target=${target#libtarget_}; target=${target%%.*}
  # Mangled names: ours start _ZN8simd_mlp7kernels<len><isa> (or _ZZN…/_ZGVZN… for statics
  # and their guards inside our functions).
  symbols=$(nm --defined-only --extern-only "$lib" | awk 'NF >= 3 { print $3 }')
  total=$(printf '%s\n' "$symbols" | grep -c . || true)
  # The table getters alone guarantee there is something to check.
  ((total >= 2)) || { echo "FAIL: $lib defines $total external symbols; nm misread it?" >&2; exit 1; }
  ours="^_Z(GV)?Z?N8simd_mlp7kernels${#target}${target}"
  leaks=$(printf '%s\n' "$symbols" | grep -Ev "$ours" | c++filt || true)
  echo "$target: $total external symbols, $(printf '%s' "$leaks" | grep -c . || true) outside simd_mlp::kernels::$target::"
  if [[ -n $leaks ]]; then
    printf '  %s\n' "$leaks" | head -20
    fail=1
  fi
done
exit $fail
