#!/usr/bin/env bash
# `make test`: every check from a fresh machine, then a summary of how long each stage and
# each Molecule scenario took. Stages after the set-up keep going when one fails, so one
# run reports every failure; the exit code is non-zero if any failed.
set -uo pipefail
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
cd "$PROJECT_DIR" || exit 1

export FASTOPS_TIMINGS="$STATE_DIR/timings.tsv" FASTOPS_FAILURES="$STATE_DIR/failures.txt"
: >"$FASTOPS_TIMINGS"
: >"$FASTOPS_FAILURES"
overall_start=$(date +%s)
failed=0

stage() {
  local name="$1" start rc
  shift
  log "── stage: $name"
  start=$(date +%s)
  "$@"
  rc=$?
  printf 'stage %s\t%s\t%s\n' "$name" "$(( $(date +%s) - start ))" "$([ $rc -eq 0 ] && echo ok || echo FAILED)" >>"$FASTOPS_TIMINGS"
  [ $rc -eq 0 ] || failed=1
  return $rc
}

summary() {
  local total=$(( $(date +%s) - overall_start ))
  echo
  echo "──────────────── fastops.stack test summary ────────────────"
  awk -F'\t' '{ printf "%-44s %6ss  %s\n", $1, $2, $3 }' "$FASTOPS_TIMINGS"
  printf '%-44s %6ss\n' "total" "$total"
  local passed failures
  passed=$(awk -F'\t' '$3 == "ok"' "$FASTOPS_TIMINGS" | wc -l)
  failures=$(awk -F'\t' '$3 != "ok"' "$FASTOPS_TIMINGS" | wc -l)
  echo "$passed passed, $failures failed"
  if [ -s "$FASTOPS_FAILURES" ]; then
    echo
    echo "What failed (whole logs: .cache/harness/logs/):"
    cat "$FASTOPS_FAILURES"
  fi
}

# shellcheck disable=SC2317  # called through trap
on_interrupt() {
  trap - INT TERM
  log "interrupted"
  remove_test_containers fastops-
  docker_down
  exit 130
}
trap on_interrupt INT TERM

stage venv "$PROJECT_DIR/scripts/venv.sh" || { summary; exit 1; }
activate_venv
stage docker docker_up || { summary; exit 1; }
trap 'docker_down' EXIT
stage images "$PROJECT_DIR/scripts/images.sh" debian12 debian13 || { summary; exit 1; }
stage lint "$PROJECT_DIR/scripts/lint.sh"
stage unit "$PROJECT_DIR/scripts/unit.sh"
stage inputs "$PROJECT_DIR/scripts/inputs.sh"
stage sanity "$PROJECT_DIR/scripts/sanity.sh"
stage molecule "$PROJECT_DIR/scripts/molecule.sh"
summary
exit "$failed"
