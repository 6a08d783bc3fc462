#!/usr/bin/env bash
# Forcing each ISA through SIMD_MLP_ISA really selects it (as isa_info reports it), and a value
# that is unknown, or names an ISA this CPU lacks or this build (of another architecture) does
# not include, is a one-line error with exit status 2.
set -euo pipefail
isa_info=$1
fail() { echo "FAIL: $*" >&2; exit 1; }

supported=$("$isa_info" | sed -n 's/.*supported: //p')
[[ -n $supported ]] || fail "isa_info printed no supported ISAs"
echo "supported here: $supported"
for isa in $supported; do
  out=$(SIMD_MLP_ISA=$isa "$isa_info")
  [[ $out == "active: $isa "* ]] || fail "SIMD_MLP_ISA=$isa selected: $out"
done

expect_error() {
  local value=$1 pattern=$2 status=0 err
  err=$(SIMD_MLP_ISA=$value "$isa_info" 2>&1 >/dev/null) || status=$?
  [[ $status -eq 2 ]] || fail "SIMD_MLP_ISA=$value: exit status $status, want 2"
  [[ $(printf '%s\n' "$err" | wc -l) -eq 1 ]] || fail "SIMD_MLP_ISA=$value: not one line: $err"
  [[ $err =~ $pattern ]] || fail "SIMD_MLP_ISA=$value: '$err' does not match '$pattern'"
}
expect_error avx1024 "unknown ISA"
# An ISA of the build's architecture that the CPU lacks, or one of another architecture.
for isa in ref sse2 avx2 avx512 neon; do
  [[ " $supported " == *" $isa "* ]] || expect_error "$isa" "does not (support|include) $isa "
done
echo "PASS"
