#!/usr/bin/env bash
# Fuzzes the parsers that read user files: the checkpoint loader, the .npy decoder and the CSV
# reader (tests/mlp/fuzz/*_fuzz.cc), each for a bounded time with libFuzzer, AddressSanitizer and
# UndefinedBehaviorSanitizer, starting from a copy of the hand-made corpus; the targets run side by
# side, at most one per core. Fails on any crash, sanitizer report, leak, timeout or broken
# property (the targets abort), leaving the input that caused it under the work directory it
# prints.
#
#   tools/ci/fuzz.sh                 # 30 s per target
#   FUZZ_SECONDS=300 tools/ci/fuzz.sh
#
# Built outside Bazel with clang++ (Debian's clang and libclang-rt-14-dev, installed by
# tools/setup.sh): libFuzzer needs clang, and the build is a handful of files. Prints, per target,
# its executions, the corpus it grew to and its wall time.
set -euo pipefail
cd "$(dirname "$0")/../.."
readonly SECONDS_PER_TARGET=${FUZZ_SECONDS:-30}
readonly CXX=${FUZZ_CXX:-clang++}

log() { echo "fuzz.sh: $*"; }
die() { echo "fuzz.sh: error: $*" >&2; exit 1; }

[[ $SECONDS_PER_TARGET =~ ^[1-9][0-9]*$ ]] || die "FUZZ_SECONDS must be a positive integer"
command -v "$CXX" >/dev/null || die "$CXX not found: run tools/setup.sh (Debian clang)"

work=$(mktemp -d "${TMPDIR:-/tmp}/simd_mlp_fuzz.XXXXXX")
log "work directory $work"

# target: sources beyond the target itself, then its seed directories.
declare -A SOURCES=(
  [checkpoint]="mlp/io/checkpoint.cc mlp/io/npy.cc mlp/io/file_io.cc mlp/training/data.cc mlp/training/config.cc mlp/core/init.cc mlp/runtime/cores.cc"
  [npy]="mlp/io/npy.cc"
  [csv]="mlp/io/csv.cc mlp/io/file_io.cc mlp/training/data.cc"
)
declare -A SEEDS=(
  [checkpoint]="tests/mlp/corpus/checkpoint"
  [npy]="tests/mlp/fuzz/npy_seeds"
  [csv]="tests/mlp/corpus/csv tests/mlp/corpus/checkpoint/data.csv"
)
# shellcheck disable=SC2054  # the commas are -fsanitize's list, not array separators
readonly FLAGS=(-std=c++17 -O1 -g -fno-omit-frame-pointer -I.
  -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all)

# One target: build it, copy its seeds, fuzz it. Writes its report line to $work/$target.result
# (or its error and the fuzzer's last lines to $work/$target.error) and returns non-zero on failure.
fuzz_target() {
  local target=$1
  local binary=$work/${target}_fuzz t0 t1 t2
  t0=$(date +%s)
  # shellcheck disable=SC2086  # SOURCES holds a list of paths without spaces
  "$CXX" "${FLAGS[@]}" "tests/mlp/fuzz/${target}_fuzz.cc" ${SOURCES[$target]} -lzip -pthread \
    -o "$binary" >"$work/$target.build.log" 2>&1 || {
    { cat "$work/$target.build.log"; echo "$target: build failed"; } >"$work/$target.error"
    return 1
  }
  t1=$(date +%s)

  local corpus=$work/${target}_corpus seed seeds status=0 execs
  mkdir -p "$corpus" "$work/${target}_artifacts"
  for seed in ${SEEDS[$target]}; do
    if [[ -d $seed ]]; then find "$seed" -type f ! -name EXPECTED -exec cp {} "$corpus/" \; ; else cp "$seed" "$corpus/"; fi
  done
  seeds=$(find "$corpus" -type f | wc -l)

  ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1 \
    "$binary" "$corpus" -max_total_time="$SECONDS_PER_TARGET" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$work/${target}_artifacts/" \
    >"$work/$target.log" 2>&1 || status=$?
  t2=$(date +%s)
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$work/$target.log" | grep -o '[0-9]*$' || true)
  if [[ $status -ne 0 ]]; then
    { tail -n 40 "$work/$target.log"
      echo "$target: libFuzzer exit status $status after ${execs:-?} executions; inputs in $work/${target}_artifacts/"
    } >"$work/$target.error"
    return 1
  fi
  echo "$target: ${execs} executions in $((t2 - t1)) s, corpus $seeds -> $(find "$corpus" -type f | wc -l) inputs, no crash or sanitizer report (build $((t1 - t0)) s)" >"$work/$target.result"
}

# The targets side by side, at most one per core: each is one process (its build one compiler
# invocation, its fuzzing one libFuzzer worker), so one at a time left a core idle. Each still
# fuzzes for its full SECONDS_PER_TARGET on a core of its own.
readonly TARGETS=(checkpoint npy csv)
cores=$(nproc 2>/dev/null || echo 1)
start_all=$(date +%s)
running=0
for target in "${TARGETS[@]}"; do
  if ((running >= cores)); then
    wait -n || true  # statuses are read from the result files below
    running=$((running - 1))
  fi
  fuzz_target "$target" &
  running=$((running + 1))
done
wait || true
failed=0
for target in "${TARGETS[@]}"; do
  if [[ -f $work/$target.result ]]; then
    log "$(cat "$work/$target.result")"
  else
    [[ -f $work/$target.error ]] && cat "$work/$target.error" >&2
    echo "fuzz.sh: error: $target did not finish cleanly (see above; work directory $work)" >&2
    failed=1
  fi
done
((failed == 0)) || exit 1
log "all targets clean in $(($(date +%s) - start_all)) s"
rm -rf "$work"
