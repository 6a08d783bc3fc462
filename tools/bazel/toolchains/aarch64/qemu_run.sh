#!/usr/bin/env bash
# Runs a program of the aarch64 build on this x86-64 machine: `qemu_run.sh PROGRAM [ARGS...]`,
# Bazel's --run_under in --config=aarch64. An aarch64 executable runs under qemu-aarch64; a
# script (an sh_test) runs as it is, and the aarch64 programs it starts reach qemu through the
# kernel's binfmt_misc entry. Either way they load Debian's arm64 C library and the arm64
# libraries beside the host's (/usr/lib/aarch64-linux-gnu), the ones they were linked against.
set -euo pipefail

die() { echo "qemu_run.sh: error: $*; run tools/setup.sh --aarch64" >&2; exit 127; }

(($# >= 1)) || die "no program to run"
[[ -e /lib/ld-linux-aarch64.so.1 ]] || die "no arm64 dynamic loader (/lib/ld-linux-aarch64.so.1)"

# ELF, 64-bit, little-endian (bytes 0-5), and e_machine (bytes 18-19) EM_AARCH64 = 183.
header=$(od -A n -t u1 -N 20 "$1" | tr -s ' \n' ' ')
if [[ $header == " 127 69 76 70 2 1 "*" 183 0 " ]]; then
  command -v qemu-aarch64 >/dev/null || die "qemu-aarch64 not found"
  exec qemu-aarch64 "$@"
fi
[[ $(cat /proc/sys/fs/binfmt_misc/qemu-aarch64 2>/dev/null) == enabled* ]] ||
  die "$1 is a script, and the aarch64 programs it runs need qemu-aarch64 in binfmt_misc"
exec "$@"
