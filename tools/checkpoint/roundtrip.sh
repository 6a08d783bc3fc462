#!/usr/bin/env bash
# The round trip: train and save with //mlp:train, predict with //mlp:predict, load the same
# checkpoint in numpy (predict_numpy.py) and compare on 2,001 points of [-10, 10], for each
# activation a recipe uses. Exits non-zero if numpy and ours disagree beyond float32 rounding.
#
#   tools/checkpoint/roundtrip.sh [EPOCHS]      (default 20; needs /usr/bin/python3 with numpy)
set -euo pipefail
cd "$(dirname "$0")/../.."
epochs=${1:-20}
python=/usr/bin/python3
"$python" -c "import numpy" 2>/dev/null || {
  echo "roundtrip.sh: error: $python cannot import numpy (run tools/setup_reference.sh)" >&2
  exit 1
}
bazel build //mlp:train //mlp:predict >/dev/null 2>&1
bin=$(bazel info bazel-bin 2>/dev/null)/mlp
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$python" -c "
import numpy as np
print('x'); print('\n'.join(repr(float(v)) for v in np.linspace(-10, 10, 2001)))" >"$work/x.csv"
status=0
for recipe in keras keras-tanh seed; do
  "$bin/train" --recipe="$recipe" --epochs="$epochs" --save="$work/$recipe.npz" | tail -n 1
  "$bin/predict" --model="$work/$recipe.npz" --input="$work/x.csv" --output="$work/$recipe.csv"
  echo -n "$recipe: "
  "$python" tools/checkpoint/predict_numpy.py "$work/$recipe.npz" --compare="$work/$recipe.csv" ||
    status=1
done
exit $status
