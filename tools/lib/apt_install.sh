# shellcheck shell=bash
# Sourced by tools/setup.sh and tools/setup_reference.sh: installs from Debian's apt those of the
# given packages that are missing. Idempotent: `apt-get update` runs only when something is
# missing. The caller defines log and die (messages carry its own name).
#
#   install_missing_packages pkg...
install_missing_packages() {
  local pkg missing=()
  for pkg in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q '^install ok installed$'; then
      missing+=("$pkg")
    fi
  done

  if ((${#missing[@]} == 0)); then
    log "all $# packages present ($*)"
    return 0
  fi

  log "missing: ${missing[*]}"
  if [[ $(id -u) -ne 0 ]]; then
    die "installing packages needs root; run as root, or: sudo apt-get install ${missing[*]}"
  fi
  command -v apt-get >/dev/null || die "apt-get not found: this script supports Debian 12 only"

  export DEBIAN_FRONTEND=noninteractive
  log "apt-get update"
  apt-get update -qq || die "apt-get update failed (is Debian's package mirror reachable?)"
  log "apt-get install ${missing[*]}"
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || die "apt-get install failed for: ${missing[*]}"
  log "installed ${#missing[@]} package(s)"
}
