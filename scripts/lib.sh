# Shared helpers for the project's scripts. Sourced, never executed.
# shellcheck shell=bash

PROJECT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV_DIR="${FASTOPS_VENV:-$PROJECT_DIR/.venv}"
STATE_DIR="$PROJECT_DIR/.cache/harness"
mkdir -p "$STATE_DIR"

log() { printf '\033[1m[fastops]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[31m[fastops] ERROR:\033[0m %s\n' "$*" >&2; exit 1; }

# Runs a command with root rights: directly as root, through sudo otherwise.
as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else die "need root for: $* (run as root or install sudo)"
  fi
}

# apt-get install of packages that are missing, with one 'apt-get update' first.
apt_ensure() {
  local missing=()
  local pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  [ "${#missing[@]}" -eq 0 ] && return 0
  command -v apt-get >/dev/null 2>&1 \
    || die "missing ${missing[*]}; this is not a Debian/Ubuntu host, install them by hand"
  log "installing ${missing[*]} with apt-get"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
}

activate_venv() {
  [ -x "$VENV_DIR/bin/ansible" ] || "$PROJECT_DIR/scripts/venv.sh"
  # shellcheck disable=SC1091
  . "$VENV_DIR/bin/activate"
}

# Removes the test containers whose name contains $1 (fastops- for all of them).
remove_test_containers() {
  docker ps -aq --filter label=fastops.test=true --filter "name=$1" 2>/dev/null \
    | xargs -r docker rm -f >/dev/null 2>&1 || true
}

# Docker engine for the length of one top-level command. The process that had to start
# dockerd stops it again at its end; nested scripts see FASTOPS_DOCKER_OWNER and leave it.
docker_up() {
  [ -n "${FASTOPS_DOCKER_OWNER:-}" ] && return 0
  if timeout 10 docker info >/dev/null 2>&1; then
    export FASTOPS_DOCKER_OWNER=other
  else
    "$PROJECT_DIR/scripts/docker-engine.sh" ensure
    export FASTOPS_DOCKER_OWNER=$$
  fi
}
docker_down() {
  [ "${FASTOPS_DOCKER_OWNER:-}" = "$$" ] || return 0
  "$PROJECT_DIR/scripts/docker-engine.sh" stop
}
