#!/usr/bin/env bash
# pytest for plugins (tests/unit) and role input validation (tests/roles).
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
cd "$PROJECT_DIR"
activate_venv
exec python -m pytest "$@"
