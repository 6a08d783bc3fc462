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
  python3-torch   # tools/reference/torch_mlp.py (CPU build; ~1 GB with its dependencies)
  # Both call the system BLAS (libblas.so.3). Without this, that is Debian's netlib reference
  # BLAS (libblas3, unoptimized: numpy ~6x slower at batch 32), which no user benchmarks against;
  # OpenBLAS registers itself as the libblas.so.3 alternative with a higher priority.
  libopenblas0-pthread
)
readonly PYTHON=/usr/bin/python3

log() { echo "setup_reference.sh: $*"; }
die() { echo "setup_reference.sh: error: $*" >&2; exit 1; }

# shellcheck source=tools/lib/apt_install.sh
source "$(dirname "$0")/lib/apt_install.sh"
install_missing_packages "${PACKAGES[@]}"

[[ -x $PYTHON ]] || die "$PYTHON not found: the Debian packages are importable only by Debian's python3"
log "checking: $PYTHON -c 'import numpy, torch'"
"$PYTHON" -c 'import numpy, torch; print("setup_reference.sh: numpy", numpy.__version__, "torch", torch.__version__)' \
  || die "$PYTHON cannot import numpy and torch after the install"
