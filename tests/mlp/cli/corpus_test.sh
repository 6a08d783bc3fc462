#!/usr/bin/env bash
# The hand-made bad inputs of corpus/: each must give, through //mlp:train, exit status 2 and one
# line on stderr containing the text its directory's EXPECTED manifest gives for it. Every file
# in a corpus directory must be listed, so a case cannot be added without its expectation.
#   checkpoint/: `train --resume=FILE --epochs=3 --data=data.csv`; good/ must resume and train.
#   csv/:        `train --data=FILE --epochs=1`
set -euo pipefail
train=$(realpath "$1")
corpus=$(dirname "$(realpath "$2")")/..  # $2: corpus/checkpoint/EXPECTED
fail() { echo "FAIL: $*" >&2; exit 1; }

# run_case DIR FILE EXPECTED ARGS...: runs train in DIR and checks the error.
run_case() {
  local dir=$1 file=$2 expected=$3 status=0 err
  shift 3
  err=$(cd "$dir" && "$train" "$@" 2>&1 >/dev/null) || status=$?
  [[ $status -eq 2 ]] || fail "$file: exit status $status, want 2 (stderr: $err)"
  [[ $(printf '%s\n' "$err" | wc -l) -eq 1 ]] || fail "$file: not one line: $err"
  [[ $err == "train: error: "*"$expected"* ]] || fail "$file: '$err' lacks '$expected'"
}

cases=0
for kind in checkpoint csv; do
  dir=$corpus/$kind
  listed=()
  while IFS=$'\t' read -r file expected; do
    [[ -z $file || $file == \#* ]] && continue
    listed+=("$file")
    if [[ $kind == checkpoint ]]; then
      run_case "$dir" "$kind/$file" "$expected" --resume="$file" --epochs=3 --data=data.csv
    else
      run_case "$dir" "$kind/$file" "$expected" --data="$file" --epochs=1
    fi
    cases=$((cases + 1))
  done <"$dir/EXPECTED"
  for path in "$dir"/*; do
    name=$(basename "$path")
    [[ $name == EXPECTED || $name == data.csv || -d $path ]] && continue
    # A here-string, not a pipe: grep -q exits at its first match, and under pipefail the
    # printf it cut off (SIGPIPE) would fail the check now and then.
    grep -qxF "$name" <<<"$(printf '%s\n' "${listed[@]}")" || fail "$kind/$name is not in EXPECTED"
  done
done

for good in "$corpus"/checkpoint/good/*.npz; do
  out=$(cd "$corpus/checkpoint" && "$train" --resume="$good" --epochs=2 --data=data.csv) ||
    fail "$good: did not resume"
  grep -q "^resumed from .* at epoch 1$" <<<"$out" || fail "$good: no 'resumed' line: $out"
  grep -q "^summary: " <<<"$out" || fail "$good: no summary"
done
echo "PASS: $cases bad inputs rejected with their expected errors"
