#!/usr/bin/env bash
# Fuzzes the parsers of user input: the checkpoint loader, the .npy decoder, the CSV reader and
# //mlp:train's command line (the cc_library NAME_fuzz targets of tests/mlp/fuzz), each for a
# bounded time with libFuzzer, AddressSanitizer and UndefinedBehaviorSanitizer, starting from a
# copy of its seeds; the targets run side by side, at most one per core. Fails on any crash, sanitizer report, leak,
# timeout or broken property (the targets abort), leaving the input that caused it under the work
# directory it prints.
#
#   tools/ci/fuzz.sh                 # 30 s per target
#   FUZZ_SECONDS=300 tools/ci/fuzz.sh
#
# Built outside Bazel with clang++ (Debian's clang and libclang-rt-14-dev, installed by
# tools/setup.sh), because libFuzzer needs clang; but what to build comes from Bazel's dependency
# graph, never from a list kept here: the targets, each one's sources and link flags, and its
# seeds (the data of its replay test). Prints, per target, its executions, the corpus it grew to
# and its wall time.
set -euo pipefail
cd "$(dirname "$0")/../.."
readonly SECONDS_PER_TARGET=${FUZZ_SECONDS:-30}
readonly CXX=${FUZZ_CXX:-clang++}
readonly PACKAGE=//tests/mlp/fuzz

log() { echo "fuzz.sh: $*"; }
die() { echo "fuzz.sh: error: $*" >&2; exit 1; }

[[ $SECONDS_PER_TARGET =~ ^[1-9][0-9]*$ ]] || die "FUZZ_SECONDS must be a positive integer"
command -v "$CXX" >/dev/null || die "$CXX not found: run tools/setup.sh (Debian clang)"

query() { bazel query "$@" 2>/dev/null || die "bazel query $* failed"; }

# Labels of this repository's files ("//mlp/io:npy.cc") as paths ("mlp/io/npy.cc").
paths() { sed -n -E 's#^//([^:]*):(.*)$#\1/\2#p' | sed 's#^/##'; }

# The .cc files of this repository that the target depends on, its own included, but the
# kernels': the parsers take only kernels/activation.h's enum from them and call no kernel, and
# instrumenting the per-ISA units would take minutes (should a target come to call a kernel, its
# link fails, naming the symbol).
sources() {
  query "kind('source file', deps($PACKAGE:$1_fuzz)) except kind('source file', deps(//kernels))" |
    paths | grep '\.cc$'
}

# The link flags the target's dependencies declare (-lzip for the checkpoint loader).
link_flags() {
  bazel cquery "$PACKAGE:$1_fuzz" --output=starlark --starlark:expr='" ".join([f
      for input in providers(target)["CcInfo"].linking_context.linker_inputs.to_list()
      for f in input.user_link_flags])' 2>/dev/null || die "bazel cquery of $1_fuzz failed"
}

# The seed files: what the target's replay test runs over in `bazel test`.
seeds() { query "kind('source file', deps(labels(data, $PACKAGE:$1_fuzz_replay_test)))" | paths; }

work=$(mktemp -d "${TMPDIR:-/tmp}/simd_mlp_fuzz.XXXXXX")
log "work directory $work"

# Ask Bazel first, once, for everything; the targets then build and run side by side.
mapfile -t TARGETS < <(query "kind(cc_library, attr(name, '_fuzz$', $PACKAGE:*))" |
  sed -n -E 's#^.*:(.*)_fuzz$#\1#p' | sort)
((${#TARGETS[@]} > 0)) || die "no NAME_fuzz library in $PACKAGE"
for target in "${TARGETS[@]}"; do
  sources "$target" >"$work/$target.sources"
  link_flags "$target" >"$work/$target.link_flags"
  seeds "$target" >"$work/$target.seeds"
done

# shellcheck disable=SC2054  # the commas are -fsanitize's list, not array separators
readonly FLAGS=(-std=c++17 -O1 -g -fno-omit-frame-pointer -I.
  -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all)

# One target: build it, copy its seeds, fuzz it. Writes its report line to $work/$target.result
# (or its error and the fuzzer's last lines to $work/$target.error) and returns non-zero on failure.
fuzz_target() {
  local target=$1
  local binary=$work/${target}_fuzz t0 t1 t2 sources link_flags
  mapfile -t sources <"$work/$target.sources"
  read -r -a link_flags <"$work/$target.link_flags" || true
  t0=$(date +%s)
  "$CXX" "${FLAGS[@]}" "${sources[@]}" "${link_flags[@]}" -o "$binary" \
    >"$work/$target.build.log" 2>&1 || {
    { cat "$work/$target.build.log"; echo "$target: build failed"; } >"$work/$target.error"
    return 1
  }
  t1=$(date +%s)

  local corpus=$work/${target}_corpus seeds status=0 execs
  mkdir -p "$corpus" "$work/${target}_artifacts"
  xargs -d '\n' cp -t "$corpus/" <"$work/$target.seeds"
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
  echo "$target: ${execs} executions in $((t2 - t1)) s, corpus $seeds -> $(find "$corpus" -type f | wc -l) inputs, no crash or sanitizer report (build $((t1 - t0)) s, ${#sources[@]} sources)" >"$work/$target.result"
}

# The targets side by side, at most one per core: each is one process (its build one compiler
# invocation, its fuzzing one libFuzzer worker), so one at a time left a core idle. Each still
# fuzzes for its full SECONDS_PER_TARGET on a core of its own.
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
