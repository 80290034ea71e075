#!/usr/bin/env bash
# yamllint (strict), ansible-lint (production profile), ruff, changelog fragments, and
# role argument specs in step with defaults and role READMEs; each inventory's graph and a
# syntax check of each playbook against it.
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
# Every inventory parses into the groups site.yml expects, and every playbook parses against it.
for hosts in inventories/*/hosts.yml; do
  inventory="$(dirname "$hosts")"
  vault=()
  password="inventories/vault-passwords/$(basename "$inventory").example"
  if [ -f "$password" ]; then vault=(--vault-password-file "$password"); fi
  run ansible-inventory -i "$inventory" "${vault[@]}" --graph
  for playbook in site.yml playbooks/*.yml; do
    run ansible-playbook -i "$inventory" "${vault[@]}" --syntax-check "$playbook"
  done
done
command -v shellcheck >/dev/null || apt_ensure shellcheck
run shellcheck scripts/*.sh .ci/run
exit "$rc"
