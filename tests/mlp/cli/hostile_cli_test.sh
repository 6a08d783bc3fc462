#!/usr/bin/env bash
# //mlp:train and //mlp:predict against hostile flags, files and signals, one section per class of
# failure of issue 25 (docs/cli.md states the promises checked here):
#   outputs     an output is never an input or another output (by identity, not by name)
#   kinds       outputs replace regular files only; symlinks are written through; any valid name
#   order       nothing is written until every input is checked; a failed run writes nothing
#   divergence  a non-finite weight or MSE stops the run; metrics stay JSON; no unloadable save
#   memory      inputs have limits: devices, huge files and lines, inflating archives are refused
#   one-line    user text in an error is quoted: a newline in it never starts a second line
#   float       hyper-parameters are checked as the floats training uses
#   signals     SIGINT/SIGTERM save the last completed epoch and exit 130/143
#   extras      stdout errors, predict's exit statuses and input, threads, numbers
# Every check runs (a failure does not stop the others) and names its section, so the script also
# shows, run against an older build, which classes that build fails:
#   tests/mlp/cli/hostile_cli_test.sh path/to/train path/to/predict
set -uo pipefail
train=$(realpath "$1")
predict=$(realpath "$2")
dir=$(mktemp -d "${TEST_TMPDIR:-/tmp}/hostile_cli_test.XXXXXX")
cd "$dir"
section=""
failures=0
# Each section starts from the shared inputs as made below (an older build may have destroyed
# them), so that its checks fail for its own class only.
begin() {
  section=$1
  cp d.copy d.csv
  cp m.copy m.npz
  cp old.copy old.jsonl
}
fail() {
  echo "FAIL [$section]: $*" >&2
  failures=$((failures + 1))
}

# run CMD...: runs it (60 s at most), leaving its exit status in $status and its stderr in $err.
run() {
  status=0
  err=$(timeout 60 "$@" 2>&1 >/dev/null) || status=$?
}

# expect_error STATUS PATTERN CMD...: exit STATUS and one line on stderr containing PATTERN.
expect_error() {
  local want=$1 pattern=$2
  shift 2
  run "$@"
  if [[ $status -ne $want ]]; then
    fail "$*: exit status $status, want $want ($err)"
  elif [[ $(printf '%s\n' "$err" | wc -l) -ne 1 ]]; then
    fail "$*: not one line: $err"
  elif [[ $err != *"$pattern"* ]]; then
    fail "$*: '$err' lacks '$pattern'"
  fi
}

# same FILE COPY WHAT: FILE still has COPY's bytes.
same() { cmp -s "$1" "$2" || fail "$3: $1 changed"; }

# loads FILE WHAT: FILE is a checkpoint that predict loads.
loads() { "$predict" --model="$1" --x=0 >/dev/null 2>&1 || fail "$2: $1 does not load"; }

# json_lines FILE WHAT: every line is a JSON object (strict: no NaN or Infinity), and the file ends
# with a line end.
json_lines() {
  /usr/bin/python3 - "$1" <<'EOF' || fail "$2: $1 is not JSON lines"
import json, sys
def refuse(name):
    raise ValueError(name)
text = open(sys.argv[1]).read()
assert text == "" or text.endswith("\n"), "ends mid-line"
for line in text.splitlines():
    assert isinstance(json.loads(line, parse_constant=refuse), dict)
EOF
}

# Shared inputs: a small CSV, a checkpoint of the cos task, an old metrics file.
awk 'BEGIN { print "x,y"; for (i = 0; i < 50; i++) print i "," (i % 7) }' >d.csv
"$train" --epochs=2 --batch=1000 --save=m.npz --quiet >/dev/null || fail "setup: train failed"
cp d.csv d.copy
cp m.npz m.copy
echo '{"epoch": 1}' >old.jsonl
cp old.jsonl old.copy

begin outputs
expect_error 2 "--save: 'd.csv' is the file --data reads" "$train" --data=d.csv --save=d.csv
same d.csv d.copy "--save over --data"
expect_error 2 "--metrics: 'm.npz' is the file --resume reads" \
  "$train" --resume=m.npz --metrics=m.npz --epochs=3
same m.npz m.copy "--metrics over --resume"
expect_error 2 "--plot: 'x.npz' is also the output of --save" "$train" --save=x.npz --plot=x.npz
expect_error 2 "is also the output of --save" "$train" --save=x.npz --metrics=./x.npz
[[ ! -e x.npz ]] || fail "a refused run created x.npz"
expect_error 2 "--output: 'm.npz' is the file --model reads" \
  "$predict" --model=m.npz --x=1 --output=m.npz
same m.npz m.copy "predict --output over --model"
expect_error 2 "is the file --input reads" "$predict" --model=m.npz --input=d.csv --output=./d.csv
ln -s d.csv link.csv
expect_error 2 "is the file --input reads" "$predict" --model=m.npz --input=d.csv --output=link.csv
ln d.csv hard.csv
expect_error 2 "is the file --data reads" "$train" --data=d.csv --metrics=hard.csv
same d.csv d.copy "outputs over inputs"
expect_error 2 "is the file standard output goes to" \
  bash -c "exec '$train' --epochs=1 --metrics=log.txt >log.txt"
# The one exception: --save may replace the checkpoint --resume read (a run continued in place).
cp m.copy m.npz
"$train" --resume=m.npz --epochs=3 --save=m.npz >/dev/null 2>&1 || fail "--resume=X --save=X refused"
cp m.copy m.npz

begin kinds
if mknod ./null c 1 3 2>/dev/null; then
  expect_error 2 "'./null' is a character device" "$train" --epochs=1 --save=./null
  [[ -c ./null ]] || fail "--save replaced a device file with a regular file"
else
  echo "note: mknod is not permitted here; the device-file case used /dev/null through a link"
fi
ln -s /dev/null devlink.npz
expect_error 2 "is a character device" "$train" --epochs=1 --save=devlink.npz
[[ -L devlink.npz ]] || fail "--save replaced a link to a device"
mkfifo fifo
expect_error 2 "'fifo' is a FIFO" "$train" --epochs=1 --metrics=fifo
[[ -p fifo ]] || fail "--metrics replaced a FIFO"
mkdir sub
expect_error 2 "'sub' is a directory" "$predict" --model=m.npz --x=1 --output=sub
# A symlink is written through: the file it names is replaced, the link stays a link.
ln -s target.npz through.npz
"$train" --epochs=1 --batch=1000 --save=through.npz >/dev/null 2>&1 || fail "save through a link failed"
[[ -L through.npz ]] || fail "the link was replaced by a file"
[[ -f target.npz ]] && loads target.npz "save through a link"
# Any name the file system takes: 254 bytes, longer than a temporary name that embeds it allows.
long=$(printf 'n%.0s' {1..250}).npz
"$train" --epochs=1 --batch=1000 --save="$long" >/dev/null 2>&1 || fail "a 254-byte name was refused"
[[ -f $long ]] || fail "no file of a 254-byte name"
# kill -9 during saves leaves no temporary file (unnamed until the rename), and one a killed
# writer left under the named fallback is removed by the next save into the directory.
mkdir killed
for i in $(seq 1 15); do
  "$train" --epochs=100000 --batch=8000 --save=killed/k.npz --save-every=1 >/dev/null 2>&1 &
  sleep "0.$((RANDOM % 5 + 3))"
  kill -9 $! 2>/dev/null
  wait $! 2>/dev/null
done
leftovers=$(find killed -name '.*' -type f)
[[ -z $leftovers ]] || fail "kill -9 during saves left: $(echo $leftovers)"
touch killed/.simd_mlp.999999999.abcdef  # a PID no system runs
"$train" --epochs=1 --batch=1000 --save=killed/k.npz >/dev/null 2>&1
[[ ! -e killed/.simd_mlp.999999999.abcdef ]] || fail "a dead writer's temporary file was kept"

begin order
printf 'not a checkpoint' >bad.npz
expect_error 2 "bad.npz" "$train" --resume=bad.npz --epochs=3 --metrics=old.jsonl
same old.jsonl old.copy "a bad --resume"
run env SIMD_MLP_ISA=bogus "$train" --epochs=1 --metrics=old.jsonl --save=old.jsonl.npz
[[ $status -eq 2 ]] || fail "SIMD_MLP_ISA=bogus: exit status $status, want 2"
same old.jsonl old.copy "SIMD_MLP_ISA=bogus"
[[ ! -e old.jsonl.npz ]] || fail "SIMD_MLP_ISA=bogus created --save's file"
echo '<svg/>' >old.svg
cp old.svg old.svg.copy
run "$train" --epochs=3 --batch=8000 --optimizer=sgd --lr=1e30 --metrics=old.jsonl --plot=old.svg
[[ $status -eq 1 ]] || fail "a diverged run: exit status $status, want 1"
same old.jsonl old.copy "a diverged run"
same old.svg old.svg.copy "a diverged run"

begin divergence
rm -f div.npz div.jsonl
expect_error 1 "training diverged" \
  "$train" --epochs=1 --batch=8000 --optimizer=sgd --lr=1e30 --save=div.npz --metrics=div.jsonl
[[ $err == *"epoch 1, step 1"* ]] || fail "the divergence does not name epoch and step: $err"
[[ ! -e div.npz && ! -e div.jsonl ]] || fail "a diverged run wrote its outputs"
run "$train" --epochs=1 --batch=8000 --optimizer=sgd --lr=1e300 --save=div.npz
[[ $status -ne 0 && ! -e div.npz ]] || fail "--lr=1e300: exit status $status, or saved"
# A good checkpoint is not replaced by an unloadable one on the way to a divergence.
cp m.copy good.npz
run "$train" --init-from=good.npz --epochs=3 --batch=8000 --optimizer=sgd --lr=1e30 \
  --save=good.npz --save-every=1
[[ $status -eq 1 ]] || fail "diverging from good.npz: exit status $status, want 1"
same good.npz m.copy "--save-every on a diverging run"
# One finite outlier (y = 1e25, landing in the test set) overflows the test MSE in float.
awk -F, 'NR == 8 { print $1 ",1e25"; next } { print }' d.csv >outlier.csv
echo '{"epoch": 1}' >out.jsonl
run "$train" --data=outlier.csv --epochs=1 --batch=8 --metrics=out.jsonl
[[ $status -eq 1 && $err == *"test MSE is inf after epoch 1"* ]] ||
  fail "y = 1e25 in the test set: exit status $status: $err"
json_lines out.jsonl "after the outlier"
# What does get written is JSON and loads.
"$train" --data=d.csv --epochs=3 --batch=8 --validation-split=0.2 --metrics=ok.jsonl --save=ok.npz \
  >/dev/null 2>&1 || fail "a plain --data run failed"
json_lines ok.jsonl "a plain run"
loads ok.npz "a plain run"

begin memory
# Under a cap of 1 GB of address space, as a shared machine may set; but AddressSanitizer reserves
# terabytes of address space for its shadow memory, so an instrumented build runs uncapped.
asan=false
grep -qa __asan_init "$train" && asan=true  # a file, not a pipe: grep -q's early exit is safe
limited=(bash -c 'ulimit -v 1000000 && exec "$@"' limited)
$asan && limited=()
truncate -s 1500M sparse.csv
head -c 20000000 /dev/zero | tr '\0' ',' >commas.csv
expect_error 2 "'/dev/zero': it is a character device" "${limited[@]}" "$train" --data=/dev/zero --epochs=1
expect_error 2 "'/dev/zero': it is a character device" "${limited[@]}" "$predict" --model=/dev/zero --x=1
expect_error 2 "over the limit of 268,435,456" "${limited[@]}" "$train" --data=sparse.csv --epochs=1
expect_error 2 "commas.csv:1: line longer than 65,536 bytes" "${limited[@]}" "$train" --data=commas.csv
expect_error 2 "over the limit of" "${limited[@]}" "$predict" --model=sparse.csv --x=1
rm -f sparse.csv commas.csv
# A checkpoint whose W2 and W3 inflate to 1 GiB each (2 MB of deflated zeros): refused from the
# zip directory's sizes, before anything is inflated.
/usr/bin/python3 - <<'EOF'
import zipfile
good = zipfile.ZipFile("m.npz")
with zipfile.ZipFile("bomb.npz", "w", zipfile.ZIP_DEFLATED) as z:
    for info in good.infolist():
        if info.filename in ("W2.npy", "W3.npy"):
            continue
        z.writestr(info.filename, good.read(info))
    zeros = b"\0" * (1 << 24)
    for name in ("W2.npy", "W3.npy"):
        with z.open(name, "w", force_zip64=True) as entry:
            entry.write(b"\x93NUMPY\x01\x00\x76\x00" +
                        b"{'descr': '<f4', 'fortran_order': False, 'shape': (16384, 16384), }"
                        .ljust(117) + b"\n")
            for _ in range(64):
                entry.write(zeros)
EOF
expect_error 2 "('W2.npy') holds 1073741952 bytes, more than the" "${limited[@]}" "$predict" --model=bomb.npz --x=1
rm -f bomb.npz
# Out of memory anyway (a valid 40 MB CSV under a 400 MB cap): one line and status 1, no abort.
if $asan; then
  echo "note: AddressSanitizer build: running out of memory under a cap is not checked"
else
  yes 1,2 | head -c 40000000 >many.csv
  run bash -c "ulimit -v 400000 && exec '$train' --data=many.csv --epochs=1"
  [[ $status -eq 1 && $err == "train: error: out of memory" ]] ||
    fail "out of memory: exit status $status: $(head -c 300 <<<"$err")"
  rm -f many.csv
fi

begin one-line
expect_error 2 "--lr: invalid value '1\\x0ax'" "$train" --lr=$'1\nx'
expect_error 2 "unknown recipe 'a\\x0ab'" "$train" --recipe=$'a\nb'
expect_error 2 "unknown flag --fo\\x0ao" "$train" --$'fo\no'=1
expect_error 2 "bad argument 'a\\x0ab'" "$train" $'a\nb'
expect_error 2 "cannot open 'no\\x0asuch.csv'" "$train" --data=$'no\nsuch.csv'
expect_error 2 "cannot open 'no\\x0asuch.npz'" "$predict" --model=$'no\nsuch.npz' --x=1
expect_error 2 "--x: invalid value '1\\x0afoo'" "$predict" --model=m.npz --x=$'1\nfoo'
expect_error 2 "\\x0a" "$train" --save=$'no\ndir/m.npz' --epochs=1
expect_error 2 "SIMD_MLP_ISA=a\\x0ab" env SIMD_MLP_ISA=$'a\nb' "$train" --epochs=1
expect_error 2 "quiet" "$train" --quiet=$'a\nb'

begin float
expect_error 2 "--eps=1e-50 is below float's smallest normal number" "$train" --eps=1e-50
expect_error 2 "--beta1=0.99999999999 rounds to 1 in float" \
  "$train" --optimizer=adam --beta1=0.99999999999
expect_error 2 "--momentum=0.9999999999 rounds to 1 in float" \
  "$train" --optimizer=momentum --momentum=0.9999999999
expect_error 2 "--lr=1e-50 is below float's smallest normal number" "$train" --lr=1e-50
expect_error 2 "--lr=1e+300 is beyond float's range" "$train" --lr=1e300

begin signals
# after_epoch FILE PID N: waits until PID's output FILE shows epoch N finished (a line each,
# flushed), however slow the machine (an emulator's epoch takes far longer than a CPU's).
after_epoch() {
  local i
  for i in $(seq 1 3000); do
    grep -qE "^ +$3 +[0-9]" "$1" && return 0
    kill -0 "$2" 2>/dev/null || { fail "the run ended before epoch $3: $(cat "$1")"; return 1; }
    sleep 0.1
  done
  fail "epoch $3 did not finish in 300 s"
}
# stopped SIGNAL STATUS: a run stopped by SIGNAL saves its last completed epoch, ends its metrics
# on a whole line, says so in one line and exits STATUS.
stopped() {
  local signal=$1 want=$2 pid epochs
  rm -f sig.npz sig.jsonl
  : >sig.out  # emptied before the run starts, so that no earlier run's epochs are read as its own
  # Job control on, so that the background job does not start with SIGINT ignored, as a
  # non-interactive shell's background jobs otherwise do (a terminal's Ctrl-C reaches it then).
  set -m
  "$train" --epochs=100000 --batch=1000 --save=sig.npz --metrics=sig.jsonl >sig.out 2>sig.err &
  pid=$!
  set +m
  after_epoch sig.out $pid 1
  kill -"$signal" $pid
  status=0
  wait $pid || status=$?
  [[ $status -eq $want ]] || fail "$signal: exit status $status, want $want"
  [[ $(wc -l <sig.err) -eq 1 && $(cat sig.err) == "train: stopped by SIG$signal "* ]] ||
    fail "$signal: stderr is not one 'stopped by' line: $(head -c 300 sig.err)"
  [[ -f sig.npz && -f sig.jsonl ]] || { fail "$signal: nothing saved"; return; }
  json_lines sig.jsonl "$signal"
  epochs=$(wc -l <sig.jsonl)
  grep -q "^resumed from sig.npz at epoch $epochs$" \
    <<<"$("$train" --resume=sig.npz --epochs=$((epochs + 1)) 2>&1)" ||
    fail "$signal: the checkpoint is not the metrics' last epoch ($epochs)"
}
stopped INT 130
stopped TERM 143
# With --patience, the run a signal stops ends as one of that many epochs would: with the best
# validation epoch so far, whose state it saves.
rm -f sig.npz sig.jsonl
: >sig.out
set -m
"$train" --recipe=keras --epochs=100000 --batch=4000 --validation-split=0.25 --patience=100000 \
  --save=sig.npz --metrics=sig.jsonl >sig.out 2>sig.err &
pid=$!
set +m
after_epoch sig.out $pid 3
kill -INT $pid
wait $pid
best=$(/usr/bin/python3 -c '
import json, sys
mse = [json.loads(line)["validation_mse"] for line in open(sys.argv[1])]
print(mse.index(min(mse)) + 1)' sig.jsonl)
[[ $(cat sig.err) == "train: stopped by SIGINT "*"; saved epoch $best (the best validation epoch) to 'sig.npz'" ]] ||
  fail "patience: the stop did not save the best epoch $best: $(cat sig.err)"
grep -q "^resumed from sig.npz at epoch $best$" \
  <<<"$("$train" --resume=sig.npz --validation-split=0.25 --epochs=$((best + 1)) 2>&1)" ||
  fail "patience: the checkpoint is not the best epoch's ($best)"

begin extras
run bash -c "exec '$train' --epochs=1 --batch=1000 >/dev/full"
[[ $status -eq 1 && $err == *"cannot write standard output"* ]] ||
  fail "train >/dev/full: exit status $status: $err"
run bash -c "exec '$predict' --model=m.npz --x=1 >/dev/full"
[[ $status -eq 1 ]] || fail "predict >/dev/full: exit status $status"
expect_error 2 "No such file or directory" "$predict" --model=m.npz --x=1 --output=nodir/p.csv
# y values near 1e307 are refused (MSEs in their units would overflow double), as data and never
# once training has begun.
awk 'BEGIN { print "x,y"; for (i = 0; i < 50; i++) print i "," i "e306" }' >big_y.csv
expect_error 2 "more than 1e+130: MSEs in their units would overflow a double" \
  "$train" --data=big_y.csv --epochs=1 --batch=8
# A prediction that is not a number is refused, never printed: a checkpoint with y in units near
# 1e307 (a finite scale; older builds trained on such data) and an x far out make the prediction
# overflow double on the way back to those units.
"$train" --data=d.csv --epochs=1 --batch=8 --save=small_y.npz >/dev/null 2>&1 ||
  fail "training on d.csv failed"
/usr/bin/python3 - small_y.npz big_y.npz <<'EOF'
import struct, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as small, zipfile.ZipFile(sys.argv[2], "w") as big:
    for entry in small.infolist():
        data = small.read(entry)
        if entry.filename == "y_norm.npy":  # [centre, scale] as '<f8', the entry's last 16 bytes
            data = data[:-16] + struct.pack("<dd", 0.0, 1e307)
        big.writestr(entry, data)
EOF
run "$predict" --model=big_y.npz --x=1 --x=1e30
[[ $status -eq 2 && $err == *"--x=1e+30: the prediction is inf"* ]] ||
  fail "a prediction of inf: exit status $status: $err"
out=$("$predict" --model=big_y.npz --x=1e30 --x=-1e30 2>/dev/null)
[[ $out != *inf* && $out != *nan* ]] || fail "predict printed a non-finite prediction: $out"
printf 'x,y\n1,\n2,\n' >empty_y.csv
"$predict" --model=m.npz --input=empty_y.csv >/dev/null 2>&1 || fail "predict refused an empty y field"
out=$("$train" --epochs=1 --batch=1000 --threads=64 2>&1)
cores=$(nproc)
if ((cores < 64)); then
  grep -q "threads $cores$" <<<"$out" || fail "--threads=64 on $cores cores is not capped: $out"
  grep -q "^threads: --threads=64 capped at the $cores cores" <<<"$out" || fail "no cap line: $out"
fi
expect_error 2 "--lr: invalid value ' 0.5'" "$train" --lr=' 0.5'
expect_error 2 "--batch: invalid value ' 5'" "$train" --batch=' 5'
expect_error 2 "--x: invalid value ' 1'" "$predict" --model=m.npz --x=' 1'
"$train" --lr=+0.001 --batch=+1000 --epochs=+1 --quiet >/dev/null 2>&1 || fail "'+' refused by a flag"
"$predict" --model=m.npz --x=+1 >/dev/null 2>&1 || fail "predict --x=+1 refused"

if ((failures > 0)); then
  echo "$failures checks failed" >&2
  exit 1
fi
echo PASS
