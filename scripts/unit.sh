#!/usr/bin/env bash
# pytest for the collection's plugins (tests/unit).
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
cd "$PROJECT_DIR"
activate_venv
exec python -m pytest tests/unit "$@"
