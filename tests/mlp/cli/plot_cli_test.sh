#!/usr/bin/env bash
# //mlp:train --plot=FILE.svg end to end: figures of short runs (with and without a validation
# set, a target, an early stop, on the cos task and on --data) parsed as XML and checked against each run's metrics by
# check_plot_svg.py; no temporary file left behind; a path that cannot be written is a one-line
# error with exit status 2 before any training, and leaves an existing file alone.
set -euo pipefail
train=$1
check=$2
readonly PYTHON=/usr/bin/python3  # Debian's, with xml.etree (tools/setup.sh installs python3)
fail() { echo "FAIL: $*" >&2; exit 1; }
[[ -x $PYTHON ]] || fail "$PYTHON not found: run tools/setup.sh"

dir=$(mktemp -d "${TEST_TMPDIR:-/tmp}/plot_cli_test.XXXXXX")

plot_and_check() {  # name, check_plot_svg.py flags..., --, train flags...
  local name=$1 check_flags=() 
  shift
  while [[ $1 != -- ]]; do check_flags+=("$1"); shift; done
  shift
  "$train" "$@" --quiet --plot="$dir/$name.svg" --metrics="$dir/$name.jsonl" >/dev/null ||
    fail "$name: train exited with status $?"
  "$PYTHON" "$check" "$dir/$name.svg" --metrics="$dir/$name.jsonl" "${check_flags[@]}" ||
    fail "$name: the figure does not match the run"
}

plot_and_check keras --recipe=keras -- --recipe=keras --epochs=3 --batch=1000
plot_and_check seed --recipe=seed -- --recipe=seed --epochs=2 --batch=500
plot_and_check target --recipe=keras --target=1e-09 -- \
  --recipe=keras --epochs=3 --batch=1000 --validation-split=0.1 --target-mse=1e-9
# Patience 1 at B = 4000 stops within a few epochs; the curves must end where the run did.
plot_and_check patience --recipe=keras-tanh --restored -- \
  --recipe=keras-tanh --epochs=200 --batch=4000 --validation-split=0.25 --patience=1
[[ $(wc -l <"$dir/patience.jsonl") -lt 200 ]] || fail "patience 1 did not stop the run early"
# Patience longer than the run: the best epoch is the last one (validation MSE falls at every one
# of the first epochs), whose mark must stand inside the frame, not on its right side.
plot_and_check patience_last --recipe=keras --restored -- \
  --recipe=keras --epochs=6 --batch=1000 --validation-split=0.1 --patience=10
# --data: no cos target; the model and the test points in the data's own units. 300 points of
# y = x² on [0, 3]: 240 to train on (27 of them held out), 60 to test, all marked.
awk 'BEGIN { print "x,y"; for (i = 0; i < 300; i++) { x = 3 * i / 299; print x "," x * x } }' \
  >"$dir/square.csv"
plot_and_check square --recipe=keras --data --test-points=60 -- \
  --recipe=keras --epochs=3 --batch=16 --data="$dir/square.csv" --validation-split=0.11
# 1,000 points, 200 to test: every third marked (67), as many as keep them at most 80. y spans
# 0…1000: the learning curve is in its units, as the metrics are.
awk 'BEGIN { print "x,y"; for (i = 0; i < 1000; i++) { x = 6 * i / 999 - 3; print x "," 1000 / (1 + exp(-2.5 * x)) } }' \
  >"$dir/logistic.csv"
plot_and_check logistic --recipe=keras --data --test-points=200 --restored -- \
  --recipe=keras --epochs=20 --batch=32 --data="$dir/logistic.csv" --validation-split=0.1 --patience=5

leftovers=$(find "$dir" -name '.*.tmp.*')
[[ -z $leftovers ]] || fail "temporary files left: $leftovers"

expect_plot_error() {  # path, what the message must contain
  local status=0 err start=$SECONDS
  err=$("$train" --epochs=1000 --plot="$1" 2>&1 >/dev/null) || status=$?
  [[ $status -eq 2 ]] || fail "--plot=$1: exit status $status, want 2"
  [[ $(printf '%s\n' "$err" | wc -l) -eq 1 ]] || fail "--plot=$1: not one line: $err"
  [[ $err == *"--plot"*"$2"* ]] || fail "--plot=$1: '$err' lacks '$2'"
  ((SECONDS - start < 5)) || fail "--plot=$1: the error came after training, not before"
}
expect_plot_error "$dir/no/such/dir/fit.svg" "No such file or directory"
expect_plot_error "$dir" "directory"
expect_plot_error "$dir/" "directory"
# A file already there survives a failed run untouched.
echo "keep me" >"$dir/keep.svg"
status=0
"$train" --recipe=keras --epochs=1 --batch=4000 --lr=1e30 --plot="$dir/keep.svg" >/dev/null 2>&1 ||
  status=$?
[[ $status -ne 0 ]] || fail "lr 1e30 did not diverge"
[[ $(cat "$dir/keep.svg") == "keep me" ]] || fail "a run with nothing to plot changed an existing file"
echo PASS
