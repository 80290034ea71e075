#!/usr/bin/env bash
# yamllint (strict), ansible-lint (production profile), ruff, changelog fragments, and
# role argument specs in step with defaults and role READMEs.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
cd "$PROJECT_DIR"
activate_venv
rc=0
run() { log "lint: $*"; "$@" || rc=1; }
run yamllint --strict .
run ansible-lint
run ruff check .
run ruff format --check .
run antsibull-changelog lint
run python tests/tools/role_specs.py check
exit "$rc"
