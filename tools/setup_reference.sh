#!/usr/bin/env bash
# Opt-in: installs, from Debian's apt, what the numpy and PyTorch reference trainers in
# tools/reference/ need (python3-numpy, python3-torch). Nothing else in simd_mlp needs them: the
# build and the tests never do. Idempotent: packages already present are left alone, and
# `apt-get update` runs only when something is missing.
#
# OpenBLAS comes too, as the BLAS both use (see PACKAGES).
#
# These are Debian's packages, importable by Debian's /usr/bin/python3 only: a `python3` earlier on
# PATH (pyenv, a venv) may not see them, so the reference scripts are run as
#   /usr/bin/python3 tools/reference/numpy_mlp.py ...
# and tools/reference/compare.py uses /usr/bin/python3.
set -euo pipefail

readonly PACKAGES=(
  python3-numpy   # tools/reference/numpy_mlp.py
  python3-torch   # tools/reference/torch_mlp.py (CPU build)
  # Both call the system BLAS (libblas.so.3). Without this, that is Debian's netlib reference
  # BLAS (libblas3, unoptimized: numpy ~6x slower at batch 32), which no user benchmarks against;
  # OpenBLAS registers itself as the libblas.so.3 alternative with a higher priority.
  libopenblas0-pthread
)
readonly PYTHON=/usr/bin/python3

log() { echo "setup_reference.sh: $*"; }
die() { echo "setup_reference.sh: error: $*" >&2; exit 1; }

missing=()
for pkg in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q '^install ok installed$'; then
    missing+=("$pkg")
  fi
done

if ((${#missing[@]} == 0)); then
  log "all ${#PACKAGES[@]} packages present (${PACKAGES[*]})"
else
  log "missing: ${missing[*]}"
  if [[ $(id -u) -ne 0 ]]; then
    die "installing packages needs root; run as root, or: sudo apt-get install ${missing[*]}"
  fi
  command -v apt-get >/dev/null || die "apt-get not found: this script supports Debian 12 only"

  export DEBIAN_FRONTEND=noninteractive
  log "apt-get update"
  apt-get update -qq || die "apt-get update failed (is Debian's package mirror reachable?)"
  log "apt-get install ${missing[*]} (python3-torch with its dependencies is ~1 GB)"
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || die "apt-get install failed for: ${missing[*]}"
  log "installed ${#missing[@]} package(s)"
fi

[[ -x $PYTHON ]] || die "$PYTHON not found: the Debian packages are importable only by Debian's python3"
log "checking: $PYTHON -c 'import numpy, torch'"
"$PYTHON" -c 'import numpy, torch; print("setup_reference.sh: numpy", numpy.__version__, "torch", torch.__version__)' \
  || die "$PYTHON cannot import numpy and torch after the install"
