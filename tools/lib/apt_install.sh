# shellcheck shell=bash
# Sourced by tools/setup.sh and tools/setup_reference.sh: installs from Debian's apt those of the
# given packages that are missing. Idempotent: `apt-get update` runs only when something is
# missing. The caller defines log and die (messages carry its own name).
#
#   install_missing_packages pkg...
install_missing_packages() {
  local pkg want missing=()
  local -r native=$(dpkg --print-architecture)
  for pkg in "$@"; do
    # dpkg-query prints a line per installed architecture of the package: two once Debian
    # multiarch has installed a foreign build of it too (libxsimd-dev:arm64 beside the host's).
    # A name without an architecture needs the host's build, or an "all" package.
    want="^($native|all) install ok installed\$"
    [[ $pkg == *:* ]] && want=' install ok installed$'
    if ! dpkg-query -W -f='${Architecture} ${Status}\n' "$pkg" 2>/dev/null | grep -Eq "$want"; then
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
