#!/usr/bin/env bash
# //mlp:train at its boundary: --help, a short run with --metrics (JSON lines with the promised
# fields), a header that fits 100 columns, output without control characters when stdout is not a
# terminal, a live progress line and a thinned table when it is, --log-every, --quiet, the
# summary and early stopping's reports, and bad flags, each a one-line error naming the flag with
# exit status 2.
set -euo pipefail
train=$1
fail() { echo "FAIL: $*" >&2; exit 1; }

help=$("$train" --help) || fail "--help: exit status $?"
# (A here-string, not a pipe: grep -q stops reading at its first match, and the help is longer
# than one pipe write, so under pipefail the SIGPIPE of the rest would fail the check.)
grep -q -- "--recipe=seed|keras|keras-tanh|fast" <<<"$help" || fail "--help does not list --recipe"
grep -q -- "--lr=NUMBER .*(default: 0.001)" <<<"$help" || fail "--help does not show --lr's default"
# Each flag's description starts in one column (the 31st, counted in characters, not bytes:
# --threads' syntax has a three-byte "…"), unless its --name=syntax is too long to leave room.
python3 -c '
import sys
for line in sys.stdin.read().splitlines():
    if not line.startswith("  --") or line.startswith(("  --help", "  --recipe")):
        continue
    flag = line.split()[0]
    if len(flag) < 28 and (line[29] != " " or line[30] == " "):
        sys.exit(f"--help: description of {flag} does not start in column 31: {line!r}")
' <<<"$help" || fail "--help columns: see above"

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

[[ $out != *$'\r'* && $out != *$'\e'* ]] || fail "control characters in output to a pipe"
# The table says what its columns are: train_mse is the running mean over the epoch's batches.
grep -q "^train_mse: running mean of the epoch's batch losses (as in Keras); test_mse: after it$" \
  <<<"$out" || fail "no legend for the table: $out"
grep -q "^train_mse: running mean" <<<"$("$train" --recipe=keras --epochs=1 --batch=1000 \
  --validation-split=0.1)" || fail "no legend with a validation set"
grep -q "the running mean of the epoch's batch losses" <<<"$help" || fail "--help: train_mse unlabelled"
# The summary leads with the weights the run ends with, then the best epoch and, for the cos task,
# its 1e-3 reference.
grep -Eq '^summary: final test MSE [0-9.e+-]+ after 2 epochs; [0-9.]+ ms/epoch \(isa [a-z0-9]+, batch 1000\)$' \
  <<<"$out" || fail "summary: $out"
grep -Eq '^best: test MSE [0-9.e+-]+ at epoch [12]; test MSE never <= 1e-3$' <<<"$out" ||
  fail "best: $out"

# The header fits 100 columns, however long the recipe (fast's is 240 characters on one line):
# broken at its commas.
out=$("$train" --recipe=fast --epochs=1 --batch=4000 --validation-split=0.1 --patience=2 \
  --target-mse=1e-3 --threads=64)
header=$(sed -n '/^ *epoch /q;p' <<<"$out")
awk 'length($0) > 100 { print "line " NR " is " length($0) " columns: " $0; bad = 1 } END { exit bad }' \
  <<<"$header" || fail "header wider than 100 columns"
[[ $(grep -c "^recipe fast: " <<<"$header") -eq 1 && $(grep -c "^  " <<<"$header") -ge 2 ]] ||
  fail "the recipe is not broken onto indented lines: $header"

# On a terminal (script(1) gives the run a pseudo-terminal): the same lines, each epoch's last,
# whatever progress lines were drawn and erased before it (\r … \e[K).
if command -v script >/dev/null; then
  tty_out=$(script -qec "$train --recipe=keras --epochs=2 --batch=1" /dev/null </dev/null | tr -d '\r')
  clean=$(sed -e 's/^.*\x1b\[K//' <<<"$tty_out")
  grep -Eq '^ +2 +[0-9.e+-]+ +[0-9.e+-]+ +[0-9.]+$' <<<"$clean" ||
    fail "no final line for epoch 2 on a terminal: $tty_out"
  grep -q "^summary: " <<<"$clean" || fail "no summary on a terminal"
  # 40 short epochs on a terminal: a line every few epochs, not one each (the pace chooses a round
  # N, at most a tenth of the epochs), and the last epoch's line whatever N is.
  tty_out=$(script -qec "$train --recipe=keras --epochs=40 --batch=8000" /dev/null </dev/null |
    tr -d '\r' | sed -e 's/^.*\x1b\[K//')
  rows=$(grep -E '^ +[0-9]+ +[0-9.e+-]+ +[0-9.e+-]+ +[0-9.]+$' <<<"$tty_out" || true)
  lines=$(grep -c . <<<"$rows")
  # Epochs of half a second (an emulator's) get a line each; those under 250 ms, fewer.
  median_ms=$(awk '{print $4}' <<<"$rows" | sort -n |
    awk '{v[NR] = $1} END {printf "%d", v[int((NR + 1) / 2)]}')
  if ((median_ms < 250)); then
    ((lines >= 2 && lines < 40)) || fail "40 epochs on a terminal printed $lines lines: $tty_out"
  fi
  grep -Eq '^ +40 ' <<<"$tty_out" || fail "no line for the last epoch on a terminal: $tty_out"
  ((median_ms >= 250)) || ! grep -Eq '^ +1 ' <<<"$tty_out" || fail "epoch 1 has a line: $tty_out"
  # --log-every=1 on a terminal: every epoch.
  lines=$(script -qec "$train --recipe=keras --epochs=12 --batch=8000 --log-every=1" /dev/null \
    </dev/null | tr -d '\r' | sed -e 's/^.*\x1b\[K//' |
    grep -cE '^ +[0-9]+ +[0-9.e+-]+ +[0-9.e+-]+ +[0-9.]+$')
  ((lines == 12)) || fail "--log-every=1 on a terminal printed $lines lines of 12"
else
  echo "note: script(1) (util-linux) not found; the terminal mode was not exercised"
fi

# --log-every=N to a pipe: every N-th epoch, and the last.
out=$("$train" --recipe=keras --epochs=20 --batch=8000 --log-every=7)
[[ $(grep -E '^ +[0-9]+ +[0-9.e+-]+ ' <<<"$out" | awk '{ printf "%s ", $1 }') == "7 14 20 " ]] ||
  fail "--log-every=7 of 20 epochs: $out"

# --quiet: the summary and nothing else (the ISA and recipe lines, the epoch table: gone).
quiet=$("$train" --recipe=keras --epochs=2 --batch=1000 --quiet)
[[ $(wc -l <<<"$quiet") -eq 2 && $quiet == "summary: "* && $(sed -n 2p <<<"$quiet") == "best: "* ]] ||
  fail "--quiet printed: $quiet"
[[ $("$train" --recipe=keras --epochs=1 --batch=1000 --quiet=false | wc -l) -gt 1 ]] ||
  fail "--quiet=false is quiet"

# --target-mse reports the epoch, samples and wall time; a validation set is monitored instead of
# the test set when there is one, and its MSE gets a column and a metrics field.
out=$("$train" --recipe=keras --epochs=3 --batch=1000 --target-mse=10)
grep -Eq '^target: test MSE <= 10 reached at epoch 1, after 8,000 samples and [0-9.]+ s of wall time' \
  <<<"$out" || fail "target report: $out"
out=$("$train" --recipe=keras --epochs=2 --batch=1000 --validation-split=0.25 --target-mse=1e-12 \
  --metrics="$metrics")
grep -q "^validation: 2,000 of the 8,000 training points held out" <<<"$out" ||
  fail "no validation line: $out"
grep -q "val_mse" <<<"$out" || fail "no val_mse column"
grep -q "^target: validation MSE <= 1e-12 not reached in 2 epochs" <<<"$out" ||
  fail "target not reached report: $out"
grep -q '"validation_mse": ' "$metrics" || fail "metrics lack validation_mse"
# Patience: the summary leads with the restored weights, and the best line names their epoch.
out=$("$train" --recipe=keras-tanh --epochs=200 --batch=4000 --validation-split=0.25 --patience=1)
grep -q "^early stop: validation MSE has not improved for 1 epochs" <<<"$out" ||
  fail "no early stop report: $out"
stopped=$(sed -n 's/^early stop: .* (after epoch \([0-9]*\))$/\1/p' <<<"$out")
grep -Eq "^summary: final test MSE [0-9.e+-]+ with the weights of epoch $((stopped - 1)) of $stopped \(restored\);" \
  <<<"$out" || fail "the summary does not lead with the restored weights: $out"
grep -Eq "^best: validation MSE [0-9.e+-]+ at epoch $((stopped - 1)) \(restored\); test MSE" <<<"$out" ||
  fail "no restored epoch in the best line: $out"

# The fast recipe: its settings printed, and test MSE <= 1e-3 after one epoch (seed 1).
out=$("$train" --recipe=fast --epochs=3 --target-mse=1e-3)
# (The recipe's line is broken at commas onto indented lines: joined back before it is read.)
sed -e ':a' -e 'N' -e '$!ba' -e 's/,\n  /, /g' <<<"$out" |
  grep -q "init spread scale 30, adam lr 0.06 .*, warm-up 0.2 epochs, cosine decay to 0.01 lr over 0.8 epochs, batch 48" ||
  fail "fast recipe not printed: $out"
grep -q "^target: test MSE <= 0.001 reached at epoch 1," <<<"$out" || fail "fast: $out"

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
expect_error "unknown flag --frobnicate (see --help)" --frobnicate=1
expect_error "unknown flag --epoch (did you mean --epochs?)" --epoch=3
expect_error "bad argument 'foo'" foo
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
expect_error "--init" --init=uniform
expect_error "--spread-scale" --spread-scale=0
expect_error "--decay" --decay=linear
expect_error "--warmup-epochs" --warmup-epochs=-1
expect_error "--decay-epochs" --decay-epochs=-0.5
expect_error "--lr-final" --lr-final=0
expect_error "--lr-final" --lr-final=1.5
expect_error "epochs" --epochs
expect_error "--patience needs --validation-split" --patience=5
expect_error "--patience" --patience=-1
expect_error "--validation-split" --validation-split=1
expect_error "--validation-split" --validation-split=-0.1
expect_error "--validation-split=1e-05 leaves no validation point of the 8000" --validation-split=0.00001
expect_error "--batch=8000 is larger than the 7200 training points" --batch=8000 --validation-split=0.1
expect_error "--target-mse" --target-mse=0
expect_error "--target-mse" --target-mse=nan
expect_error "--quiet" --quiet=loud
expect_error "--plot" --plot=
expect_error "--plot: cannot create a file in" --plot=/nonexistent-dir/fit.svg

expect_error "--log-every" --log-every=0
expect_error "--log-every" --log-every=often

expect_error "--threads" --threads=0
expect_error "--threads" --threads=65
expect_error "--threads" --threads=two
echo PASS
