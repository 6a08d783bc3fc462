#!/usr/bin/env bash
# Each per-ISA library (the kernels' libsimd_<isa>_{float,double}.a, one unit per kernel family,
# and the benchmarks' Eigen baseline, libsimd_<isa>.a) must define external symbols only inside its
# own namespace,
# simd_mlp::{kernels,bench}::<isa>::. An external inline function or template instance outside it,
# say a std:: helper instantiated while compiling with -mavx512f, would be merged by the linker with
# the same symbol from other translation units, and a lesser CPU could end up running the AVX-512
# copy. Allowed besides:
#  - xsimd's templates instantiated on this ISA's own xsimd architecture, and Eigen renamed to
#    Eigen_<isa> (bench/simd/bench_target.cc): their names carry the ISA, so every copy anywhere is
#    compiled for that same ISA;
#  - DW.ref.__gxx_personality_v0, a pointer to the C++ runtime's exception personality routine
#    (data, identical in every object);
#  - for neon, xsimd 8.1.0's NEON helpers xsimd::kernel::wrap::* (vreinterpretq_* and the like,
#    functions whose names carry no architecture): NEON is aarch64's baseline, the instruction
#    set every unit of an aarch64 build is compiled for, so whichever copy the linker keeps runs
#    wherever the program does.
set -euo pipefail
(($# >= 3)) || { echo "FAIL: want the per-ISA archives, got: $*" >&2; exit 1; }
fail=0
declare -A archives  # per ISA: its archives seen, which must be all three

for lib in "$@"; do
  [[ -f $lib ]] || { echo "FAIL: no archive at $lib" >&2; exit 1; }
  unit=$(basename "$lib"); unit=${unit#libsimd_}; unit=${unit%%.*}  # avx512_float, avx512, ...
  target=${unit%_float}; target=${target%_double}
  case $lib in
    *kernels/*) ns=kernels ;;
    *bench/*) ns=bench ;;
    *) echo "FAIL: $lib is neither a kernels nor a bench archive" >&2; exit 1 ;;
  esac
  case $target in
    sse2) arch='xsimd::sse2' ;;
    avx2) arch='xsimd::fma3<xsimd::avx2>' ;;
    avx512) arch='xsimd::avx512bw' ;;
    neon) arch='xsimd::neon64' ;;
    *) echo "FAIL: unknown target $target" >&2; exit 1 ;;
  esac
  archives[$target]+=" $ns/$unit"
  symbols=$(nm --defined-only --extern-only "$lib" | awk 'NF >= 3 { print $3 }')
  total=$(printf '%s\n' "$symbols" | grep -c . || true)
  # The exported kernels guarantee there is something to check.
  ((total >= 2)) || { echo "FAIL: $lib defines $total external symbols; nm misread it?" >&2; exit 1; }
  # Mangled names: ours start _ZN8simd_mlp<len><ns><len><isa> (or _ZZN…/_ZGVZN… for statics
  # and their guards inside our functions, _ZZZN… for a lambda inside a lambda).
  ours="^_Z(GV)?Z*N8simd_mlp${#ns}${ns}${#target}${target}"
  leaks=$(printf '%s\n' "$symbols" | grep -Ev "$ours" | grep -vx 'DW.ref.__gxx_personality_v0' \
          | c++filt | grep -vE "$arch ?>" | grep -vF "Eigen_${target}::" || true)
  if [[ $target == neon ]]; then
    leaks=$(printf '%s\n' "$leaks" | grep -v '^xsimd::kernel::wrap::' || true)
  fi
  echo "$ns/$unit: $total external symbols," \
       "$(printf '%s' "$leaks" | grep -c . || true) outside simd_mlp::$ns::$target::"
  if [[ -n $leaks ]]; then
    printf '  %s\n' "$leaks" | head -20
    fail=1
  fi
  # A kernels library exports its own element type's kernels and not the other's: the build's
  # SIMD_MLP_ELEMENT reached every unit (without it a unit would not compile).
  if [[ $unit != "$target" ]]; then
    element=${unit##*_}
    other=$([[ $element == float ]] && echo double || echo float)
    exports=$(printf '%s\n' "$symbols" | c++filt | grep -oE "::Export<[^>]*, (float|double)>\(\)" \
              | sort -u || true)
    ours=$(printf '%s\n' "$exports" | grep -c ", $element>" || true)
    others=$(printf '%s\n' "$exports" | grep -c ", $other>" || true)
    if ((ours == 0 || others != 0)); then
      echo "FAIL: $lib should export $element kernels alone; it exports $ours $element and" \
           "$others $other ones"
      fail=1
    fi
  fi
done
# Each ISA of the build: its float and double kernels and its benchmark unit.
for target in "${!archives[@]}"; do
  for want in "kernels/${target}_float" "kernels/${target}_double" "bench/$target"; do
    [[ " ${archives[$target]} " == *" $want "* ]] ||
      { echo "FAIL: no $want archive among the arguments" >&2; fail=1; }
  done
done
exit $fail
