#!/usr/bin/env bash
# yamllint (strict), ansible-lint (production profile), ruff, changelog fragments, and
# role argument specs in step with defaults and role READMEs.
set -uo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
cd "$PROJECT_DIR" || exit 1
activate_venv
rc=0
run() { log "lint: $*"; "$@" || rc=1; }
run yamllint --strict .
run ansible-lint
run ruff check .
run ruff format --check .
run antsibull-changelog lint
run python tests/tools/role_specs.py check
command -v shellcheck >/dev/null || apt_ensure shellcheck
run shellcheck scripts/*.sh .ci/run
exit "$rc"
