#!/usr/bin/env bash
# //mlp:train --save/--resume/--init-from/--data and //mlp:predict at their boundary: exact resume
# (whole checkpoint files compared byte for byte), periodic saves and the line each save prints, a
# save with --patience (the best epoch's state), a save killed mid-write, MSEs in the units of
# --data's y, predict's digits and its warning for x outside the training range, and the one-line
# errors for flags that cannot go together.
set -euo pipefail
train=$(realpath "$1")
predict=$(realpath "$2")
tmp=${TEST_TMPDIR:-$(mktemp -d)}
cd "$tmp"
fail() { echo "FAIL: $*" >&2; exit 1; }
quiet() { "$@" >/dev/null; }

# Exact resume: 4 epochs straight, 2 + 2 via a checkpoint, 4 with a save every 2 epochs. The
# archives hold every weight, optimizer moment, counter and the RNG state, and are reproducible
# byte for byte, so equal files mean an equal state. Adam, reshuffling each epoch.
common=(--recipe=keras --optimizer=adam --batch=250)
quiet "$train" "${common[@]}" --epochs=4 --save=straight.npz
quiet "$train" "${common[@]}" --epochs=2 --save=half.npz
out=$("$train" --resume=half.npz --epochs=4 --save=resumed.npz)
grep -q "^resumed from half.npz at epoch 2$" <<<"$out" || fail "no 'resumed' line: $out"
[[ $(grep -cE '^ +[0-9]+ ' <<<"$out") -eq 2 ]] || fail "resume did not run exactly 2 epochs: $out"
cmp straight.npz resumed.npz || fail "4 epochs != 2 + resumed 2"
out=$("$train" "${common[@]}" --epochs=4 --save=every.npz --save-every=2)
cmp straight.npz every.npz || fail "--save-every changed the result"
# Every save says what it saved, after the line of the epoch it saved.
[[ $(grep -A1 -E '^ +2 ' <<<"$out" | tail -n 1) == "saved every.npz (epoch 2)" &&
   $(grep -c '^saved ' <<<"$out") -eq 2 && $(grep '^saved ' <<<"$out" | tail -n 1) == "saved every.npz (epoch 4)" ]] ||
  fail "saves not reported: $out"
cmp -s half.npz straight.npz && fail "the comparison cannot fail: half == straight"
# The same through a learning-rate schedule whose warm-up and decay span the resume point.
common=(--recipe=keras --init=spread --optimizer=adam --batch=250 --warmup-epochs=1.5
        --decay=cosine --decay-epochs=2)
quiet "$train" "${common[@]}" --epochs=4 --save=straight_lr.npz
quiet "$train" "${common[@]}" --epochs=2 --save=half_lr.npz
quiet "$train" --resume=half_lr.npz --epochs=4 --save=resumed_lr.npz
cmp straight_lr.npz resumed_lr.npz || fail "with a schedule: 4 epochs != 2 + resumed 2"

# A resume that would do nothing, and settings that a resume keeps from its checkpoint.
expect_error() {
  local status_wanted=$1 pattern=$2 status=0 err
  shift 2
  err=$("$@" 2>&1 >/dev/null) || status=$?
  [[ $status -eq $status_wanted ]] || fail "$*: exit status $status, want $status_wanted ($err)"
  [[ $(printf '%s\n' "$err" | wc -l) -eq 1 ]] || fail "$*: not one line: $err"
  [[ $err == *"$pattern"* ]] || fail "$*: '$err' lacks '$pattern'"
}
expect_error 2 "already at epoch 4 of 4" "$train" --resume=straight.npz
expect_error 2 "--lr cannot be combined with --resume" "$train" --resume=half.npz --lr=0.1
expect_error 2 "--decay cannot be combined with --resume" "$train" --resume=half.npz --decay=cosine
expect_error 2 "--resume and --init-from exclude each other" \
  "$train" --resume=half.npz --init-from=half.npz
expect_error 2 "--save-every needs --save" "$train" --save-every=2
expect_error 2 "--save-every: invalid value '0'" "$train" --save-every=0 --save=x.npz
expect_error 2 "--save: cannot create a file in 'no_such_dir'" "$train" --save=no_such_dir/m.npz
expect_error 2 "cannot open 'missing.npz': No such file or directory" \
  "$train" --resume=missing.npz --epochs=9
expect_error 2 "cannot read '.': it is a directory" "$train" --init-from=.
expect_error 2 "cannot open 'missing.csv'" "$train" --data=missing.csv


# --data and a resume on it; the checkpoint records the data and refuses other data.
python_free_csv() {  # y = x² on 50 points, with a header
  echo "x,y"
  for i in $(seq 0 49); do echo "$i,$((i * i))"; done
}
python_free_csv >square.csv
out=$("$train" --data=square.csv --batch=8 --epochs=2 --save=square.npz --metrics=square.jsonl)
grep -Eq "^data: square.csv: 40 training and 10 test points; x in \[[0-9]+, [0-9]+\]$" <<<"$out" ||
  fail "no data line: $out"
range=$(sed -n 's/^data: .*; x in \[\(.*\)\]$/\1/p' <<<"$out")  # "LO, HI"
grep -q "^units: MSEs are in y's units, squared (the network's, on y scaled to \[-1, 1\], times " \
  <<<"$out" || fail "no units line: $out"
# No threshold for the user's data but one given: the best epoch and its MSE, and no cos 1e-3.
grep -Eq '^best: test MSE [0-9.e+-]+ at epoch [12]$' <<<"$out" || fail "--data's best line: $out"
# The metrics' MSEs are the network's times y_scale² exactly (y_scale from the checkpoint's y_norm),
# and those of the table too.
/usr/bin/python3 - square.npz square.jsonl <<'EOF' || fail "MSEs not in y's units: $(cat square.jsonl)"
import json, struct, sys, zipfile
scale = struct.unpack("<dd", zipfile.ZipFile(sys.argv[1]).read("y_norm.npy")[-16:])[1]
for line in open(sys.argv[2]):
    e = json.loads(line)
    for name in ("train_mse", "test_mse"):
        assert e[name] == e[name + "_normalized"] * (scale * scale), (name, e, scale)
        assert e[name] > 100 * e[name + "_normalized"], (name, e)  # y spans hundreds
EOF
last_test=$(tail -n 1 square.jsonl | sed 's/.*"test_mse": \([^,]*\),.*/\1/')
awk -v want="$(printf '%.4e' "$last_test")" '$1 == "2" && $3 == want { found = 1 } END { exit !found }' \
  <<<"$out" || fail "the table's test MSE is not the metrics' $last_test: $out"
# --target-mse is in y's units: 1 is far below any MSE of 2 epochs in them (not in the network's).
grep -q "^target: test MSE <= 1 not reached in 2 epochs" \
  <<<"$("$train" --data=square.csv --batch=8 --epochs=2 --target-mse=1)" ||
  fail "--target-mse=1 reached: compared in the network's units"
# The cos task: the same figures as before, with no *_normalized fields.
quiet "$train" --epochs=1 --batch=1000 --metrics=cos.jsonl
grep -q "_normalized" cos.jsonl && fail "normalized fields for the cos task: $(cat cos.jsonl)"
expect_error 2 "square.npz: trained on 'square.csv' (40 training and 10 test points), not on 'cos'" \
  "$train" --resume=square.npz --epochs=3
head -n 40 square.csv >other.csv
expect_error 2 "not on 'other.csv' (31 and 8)" "$train" --resume=square.npz --epochs=3 --data=other.csv
quiet "$train" --resume=square.npz --epochs=3 --data=square.csv

# --patience with --save: the checkpoint is the best epoch's whole state, the one a run of that
# many epochs saves, and the save says so. (Patience 1 at B = 4000 stops within a few epochs.)
common=(--recipe=keras-tanh --batch=4000 --validation-split=0.25)
out=$("$train" "${common[@]}" --epochs=200 --patience=1 --save=best.npz)
best=$(sed -n 's/^best: validation MSE .* at epoch \([0-9]*\) (restored);.*/\1/p' <<<"$out")
[[ -n $best ]] || fail "no restored epoch: $out"
grep -q "^saved best.npz (epoch $best, the best validation epoch's state)$" <<<"$out" ||
  fail "the save does not say it saved epoch $best: $out"
quiet "$train" "${common[@]}" --epochs="$best" --save=short.npz
# (Their configs' epochs differ, 200 and $best: compared after both go on to one epoch more.)
quiet "$train" --resume=best.npz --validation-split=0.25 --epochs=$((best + 1)) --save=best_next.npz
quiet "$train" --resume=short.npz --validation-split=0.25 --epochs=$((best + 1)) \
  --save=short_next.npz
cmp best_next.npz short_next.npz ||
  fail "the saved best epoch $best is not the state a run of $best epochs saves"

# --init-from: the weights, not the run.
out=$("$train" --init-from=half.npz --recipe=keras --epochs=1 --batch=1000)
grep -q "^weights from half.npz$" <<<"$out" || fail "no 'weights from' line: $out"

# A save killed mid-write (SIGXFSZ from a file-size limit below the checkpoint's size) leaves the
# previous checkpoint as it was. The limit is in 1024-byte blocks; a checkpoint is ~200 KB.
cp half.npz guarded.npz
status=0
(ulimit -f 100 && exec "$train" --resume=guarded.npz --epochs=3 --save=guarded.npz) \
  >/dev/null 2>&1 || status=$?
[[ $status -eq $((128 + 25)) ]] || fail "the save was not killed by SIGXFSZ (status $status)"
cmp half.npz guarded.npz || fail "a killed save changed the previous checkpoint"

# predict: the stored normalization applies (y = x² on 0…39 learned a little in 2 epochs: the
# outputs are in y's units, tens to hundreds, not in [−1, 1]).
out=$("$predict" --model=square.npz --x=0 --x=20 --x=39)
[[ $(head -n 1 <<<"$out") == "x,prediction" ]] || fail "predict header: $out"
[[ $(wc -l <<<"$out") -eq 4 ]] || fail "predict: want 3 rows: $out"
awk -F, 'NR > 1 && ($2 < -2000 || $2 > 3000) { exit 1 }' <<<"$out" || fail "odd predictions: $out"
"$predict" --model=square.npz --input=square.csv --output=pred.csv
[[ $(wc -l <pred.csv) -eq 51 ]] || fail "predict --output: want 50 rows and a header"
grep -q "^20,$(sed -n 3p <<<"$out" | cut -d, -f2)$" pred.csv || fail "--x and --input disagree"
# Each prediction in the fewest digits that read back as the same float32 (at most 9 significant).
awk -F, 'NR > 1 { m = $2; sub(/^-/, "", m); sub(/e.*/, "", m); gsub(/[.]/, "", m); sub(/^0+/, "", m)
                  if (length(m) > 9) { print "too many digits: " $0; bad = 1 } } END { exit bad }' \
  pred.csv || fail "predictions with more digits than a float32 has"
# Inside the training range, nothing on stderr; outside, one warning naming how many and the range,
# and the status unchanged.
lo=${range%, *} hi=${range#*, }
err=$("$predict" --model=square.npz --x="$lo" --x="$hi" 2>&1 >/dev/null) || fail "predict inside"
[[ -z $err ]] || fail "a warning for x inside the range: $err"
status=0
err=$("$predict" --model=square.npz --x="$lo" --x=$((hi + 1)) --x=-1000 --x=20 2>&1 >/dev/null) ||
  status=$?
[[ $status -eq 0 ]] || fail "predict outside the range: status $status"
[[ $err == "predict: warning: 2 of 4 x lie outside [$range], the x range the model was trained on: their predictions extrapolate" ]] ||
  fail "extrapolation warning: $err"
# A predict that fails says only why: the warning comes once the predictions are out.
status=0
err=$("$predict" --model=square.npz --x=-1000 2>&1 >/dev/full) || status=$?
[[ $status -eq 1 && $err == "predict: error: cannot write standard output"* && $(wc -l <<<"$err") -eq 1 ]] ||
  fail "predict >/dev/full: status $status, $err"
# A checkpoint from before the range was kept: it loads, and predict says it cannot tell.
/usr/bin/python3 - square.npz older.npz <<'EOF' || fail "cannot make an older checkpoint"
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as new, zipfile.ZipFile(sys.argv[2], "w") as old:
    for entry in new.infolist():
        if entry.filename != "x_range.npy":
            old.writestr(entry, new.read(entry))
EOF
status=0
err=$("$predict" --model=older.npz --x=20 2>&1 >/dev/null) || status=$?
[[ $status -eq 0 && $err == "predict: warning: 'older.npz' does not record the x range it was trained on"* ]] ||
  fail "an older checkpoint: status $status, $err"
expect_error 2 "give either --x=V (one or more) or --input=FILE.csv" "$predict" --model=square.npz
expect_error 2 "--model=FILE.npz is required" "$predict" --x=1
expect_error 2 "unknown flag --modle (did you mean --model?)" "$predict" --modle=square.npz --x=1
expect_error 2 "--x: invalid value 'one'" "$predict" --model=square.npz --x=one
expect_error 2 "--x: invalid value 'nan'" "$predict" --model=square.npz --x=nan
expect_error 2 "--output: 'square.csv' is the file --input reads" \
  "$predict" --model=square.npz --input=square.csv --output=square.csv
expect_error 2 "cannot open 'nope.npz'" "$predict" --model=nope.npz --x=1
printf 'x\n1\nfoo\n' >bad.csv
expect_error 2 "bad.csv:3:1: 'foo' is not a number" "$predict" --model=square.npz --input=bad.csv
cp pred.csv pred_before.csv
expect_error 2 "bad.csv:3:1" "$predict" --model=square.npz --input=bad.csv --output=pred.csv
cmp pred.csv pred_before.csv || fail "a failed predict overwrote --output"
echo PASS
