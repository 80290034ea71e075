#!/usr/bin/env bash
# Role input validation (tests/roles): bad variables must stop a play before any change.
# Each case is an ansible-playbook run, so they go two at a time.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
cd "$PROJECT_DIR"
activate_venv
exec python -m pytest tests/roles -n "${FASTOPS_INPUT_JOBS:-2}" "$@"
