#!/usr/bin/env bash
# Makes sure a Docker engine answers, or stops the one this project started.
#   docker-engine.sh ensure   use a running engine; else install docker.io and start dockerd
#   docker-engine.sh stop     stop dockerd only if `ensure` started it
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

PIDFILE="$STATE_DIR/dockerd.pid"

engine_answers() { timeout 10 docker info >/dev/null 2>&1; }

ensure() {
  if engine_answers; then return 0; fi
  if [ "$(id -u)" -ne 0 ] && ! command -v sudo >/dev/null; then
    die "no Docker engine answers; install Docker (Debian: apt-get install docker.io) and start it, or run as root"
  fi
  apt_ensure docker.io
  command -v dockerd >/dev/null || die "dockerd not found after installing docker.io"
  # Hosts with systemd start the packaged service; bare containers/VMs without it get
  # a background dockerd that `stop` ends again.
  if [ -d /run/systemd/system ]; then
    as_root systemctl start docker
  else
    log "starting dockerd in the background (log: /var/log/fastops-dockerd.log)"
    # shellcheck disable=SC2016  # $! and $1 belong to the inner shell
    as_root sh -c 'dockerd >/var/log/fastops-dockerd.log 2>&1 & echo $! >"$1"' _ "$PIDFILE"
  fi
  local i
  for i in $(seq 1 60); do
    engine_answers && { log "Docker engine is up after ${i}s"; return 0; }
    sleep 1
  done
  die "dockerd did not answer within 60s; see /var/log/fastops-dockerd.log"
}

stop() {
  [ -f "$PIDFILE" ] || return 0
  local pid
  pid="$(cat "$PIDFILE")"
  if kill -0 "$pid" 2>/dev/null; then
    log "stopping the dockerd this project started (pid $pid)"
    as_root kill "$pid"
    local i
    for i in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
  fi
  rm -f "$PIDFILE"
}

case "${1:-}" in
  ensure) ensure ;;
  stop) stop ;;
  *) die "usage: $0 ensure|stop" ;;
esac
