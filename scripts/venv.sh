#!/usr/bin/env bash
# Creates .venv with the pinned controller tools from requirements-dev.txt.
# Reinstalls only when requirements-dev.txt changes (its hash is kept in the venv).
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

REQ="$PROJECT_DIR/requirements-dev.txt"
STAMP="$VENV_DIR/.requirements.sha256"
want="$(sha256sum "$REQ" | cut -d' ' -f1)"

if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ] && [ -x "$VENV_DIR/bin/ansible" ]; then
  log "venv $VENV_DIR is current"
  exit 0
fi
command -v python3 >/dev/null || apt_ensure python3
python3 -c 'import venv, ensurepip' 2>/dev/null || apt_ensure python3-venv
[ -x "$VENV_DIR/bin/python" ] || python3 -m venv "$VENV_DIR"
log "installing pinned controller tools into $VENV_DIR"
"$VENV_DIR/bin/python" -m pip install -q --upgrade pip
"$VENV_DIR/bin/python" -m pip install -q -r "$REQ"
echo "$want" >"$STAMP"
