#!/usr/bin/env bash
# //mlp:train at its boundary: --help, a short run with --metrics (JSON lines with the promised
# fields), and bad flags, each a one-line error naming the flag with exit status 2.
set -euo pipefail
train=$1
fail() { echo "FAIL: $*" >&2; exit 1; }

"$train" --help | grep -q -- "--recipe" || fail "--help does not list --recipe"

metrics=${TEST_TMPDIR:-/tmp}/metrics.jsonl
out=$("$train" --recipe=keras --epochs=2 --batch=1000 --metrics="$metrics")
[[ $out == "isa: "* ]] || fail "first line does not name the ISA: $out"
grep -q "recipe keras" <<<"$out" || fail "recipe not printed"
grep -q "^summary: " <<<"$out" || fail "no summary line"
[[ $(wc -l <"$metrics") -eq 2 ]] || fail "metrics: want 2 lines, got $(wc -l <"$metrics")"
for field in epoch train_mse test_mse ms; do
  grep -q "\"$field\": " "$metrics" || fail "metrics lack $field"
done
python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' "$metrics" 2>/dev/null ||
  ! command -v python3 >/dev/null || fail "metrics are not JSON lines"

# --threads: the count is printed; automatic below kParallelMinBatch (128) is one thread.
grep -q "threads 2$" <<<"$("$train" --epochs=1 --batch=1000 --threads=2)" || fail "--threads=2 not printed"
grep -q "threads 1 (auto)$" <<<"$("$train" --epochs=1 --batch=32)" || fail "batch 32 is not 1 thread (auto)"

expect_error() {
  local pattern=$1 status=0 err
  shift
  err=$("$train" "$@" 2>&1 >/dev/null) || status=$?
  [[ $status -eq 2 ]] || fail "$*: exit status $status, want 2"
  [[ $(printf '%s\n' "$err" | wc -l) -eq 1 ]] || fail "$*: not one line: $err"
  [[ $err == *"$pattern"* ]] || fail "$*: '$err' lacks '$pattern'"
}
expect_error "--frobnicate" --frobnicate=1
expect_error "--batch" --batch=0
expect_error "--batch" --batch=abc
expect_error "--batch" --batch=-3
expect_error "--lr" --lr=-0.1
expect_error "--lr" --lr=fast
expect_error "--epochs" --epochs=1.5
expect_error "--eps" --eps=0
expect_error "--recipe" --recipe=sklearn
expect_error "--activation" --activation=sigmoid
expect_error "--shuffle" --shuffle=maybe
expect_error "epochs" --epochs
expect_error "--threads" --threads=0
expect_error "--threads" --threads=65
expect_error "--threads" --threads=two
echo PASS
